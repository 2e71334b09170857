// Hugging Face tokenizer.json for byte-level BPE: the one file format our tokenizers live in.
// We write: added_tokens (our specials, special: true), no normalizer, pre_tokenizer
// Sequence[Split(Regex, Isolated), ByteLevel(use_regex: false)], model BPE with byte-level
// vocab strings and "a b" merges, decoder ByteLevel. We read that, plus GPT-2's classic form
// (pre_tokenizer ByteLevel(use_regex: true)) and merges as [a, b] pairs. Anything else
// (normalizers, byte_fallback, prefix spaces, word suffixes) is an InputError naming the
// field, never a silent difference from what HF tokenizers would do.
#pragma once
#include <string>
#include <string_view>

#include "tokenizer/tokenizer.h"

namespace own {

BpeVocab read_tokenizer_json(const std::string& path);
// `source` names the file in errors: "<source>: model.merges[12]: token \"xy\" not in vocab"
BpeVocab parse_tokenizer_json(std::string_view text, const std::string& source);

// InputError for a tokenizer without a merge list (the tiktoken vocabularies).
std::string tokenizer_json_string(const Tokenizer& tok);
// atomic; also writes tokenizer_config.json (special tokens, chat template) in the same folder
// when the vocabulary has the chat special tokens
void write_tokenizer_json(const Tokenizer& tok, const std::string& path);

}  // namespace own
