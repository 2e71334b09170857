// Tokenizer::load: one entry point from a spec string to a tokenizer. "gpt2" and "cl100k"
// (alias "cl100k_base") are OpenAI's vocabularies from npm tiktoken's rank files; anything
// else is a path to a tokenizer.json or to a .gguf file (its vocabulary). Errors name the file.
#include <filesystem>

#include "core/check.h"
#include "core/fileio.h"
#include "core/gguf.h"
#include "tokenizer/gguf_vocab.h"
#include "tokenizer/hf_json.h"
#include "tokenizer/tiktoken_ranks.h"
#include "tokenizer/tokenizer.h"

namespace own {

Tokenizer Tokenizer::load(const std::string& spec) {
  std::string source = spec;
  BpeVocab v;
  if (spec == "gpt2" || spec == "cl100k" || spec == "cl100k_base") {
    std::string name = spec == "gpt2" ? "gpt2" : "cl100k_base";
    source = find_node_modules_file("tiktoken/encoders/" + name + ".json");
    v = parse_tiktoken_ranks(read_file(source), source);
  } else if (is_gguf_path(spec)) {
    return gguf_tokenizer(spec);
  } else {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(spec, ec))
      input_error("{}: no such file (expected a tokenizer.json path, \"gpt2\" or \"cl100k\"; "
                  "`ownchat tokenizer train` writes one)", spec);
    v = read_tokenizer_json(spec);
  }
  try {
    return Tokenizer(std::move(v));
  } catch (const InputError& e) {
    input_error("{}: {}", source, e.what());
  }
}

}  // namespace own
