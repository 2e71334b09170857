// OpenAI's vocabularies (gpt2, cl100k_base) from the rank files npm `tiktoken` ships in
// node_modules/tiktoken/encoders/<name>.json: {"pat_str", "special_tokens": {text: id},
// "bpe_ranks": lines of "<tag> <first rank> <base64 token> <base64 token> ..."}, ranks counting
// up from the first. We only read these files; the node_modules folder is found next to the
// source tree, the binary (or its parents) or the working directory.
#pragma once
#include <string>
#include <string_view>

#include "tokenizer/tokenizer.h"

namespace own {

// name: "gpt2" or "cl100k_base". InputError naming every place looked in if the file is absent.
BpeVocab tiktoken_vocab(std::string_view name);
// The rank-file format itself; `source` names the file in error messages.
BpeVocab parse_tiktoken_ranks(std::string_view json_text, const std::string& source);
// Path of node_modules/<rel> in the first root that has it; InputError listing the candidates.
std::string find_node_modules_file(const std::string& rel);

}  // namespace own
