// `ownchat export gguf`: a checkpoint and its tokenizer as one GGUF file for llama.cpp, Ollama and
// LM Studio (model/gguf_model.h for the weights, tokenizer/gguf_vocab.h for the vocabulary and
// the chat template).
#pragma once
#include <string>

#include "core/gguf.h"

namespace own {

struct GgufExportOptions {
  std::string ckpt, tokenizer, out;
  std::string type = "f32";  // f32 | f16 | bf16 | q8_0
};

GgmlType parse_gguf_type(const std::string& s);  // InputError naming the choices
void export_gguf(const GgufExportOptions& o);

}  // namespace own
