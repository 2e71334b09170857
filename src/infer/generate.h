// The two terminal front ends of the engine: `ownchat generate` (one prompt, streamed to stdout)
// and `ownchat chat` (a REPL with history). Both load a checkpoint directory and the tokenizer
// that belongs to it: --tokenizer, else DIR/tokenizer.json, else the run's tokenizer.json when
// DIR is RUN/ckpt/<stage>. A .gguf file in place of DIR brings its own vocabulary.
#pragma once
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "infer/model.h"
#include "infer/sampler.h"
#include "tokenizer/tokenizer.h"

namespace own {

std::string find_tokenizer(const std::string& ckpt_dir, const std::string& explicit_path);
// Loads the checkpoint and packs its weights; InputError when the tokenizer's vocabulary does not
// fit the model's.
std::unique_ptr<InferModel> load_infer_model(const std::string& ckpt_dir, const Tokenizer& tok, const InferOptions& o);

struct GenerateOptions {
  std::string ckpt, tokenizer, prompt;
  bool chat = false;           // wrap the prompt as one user turn of the chat template
  std::string system;          // with chat: a system message first
  int64_t max_tokens = 128;
  SamplingParams sampling;
  std::vector<std::string> stop;
  bool ignore_eos = false;     // keep going past end-of-text tokens
  bool logprobs = false;
  bool json = false;           // one JSON object at the end instead of streamed text
  InferOptions infer;
};
void run_generate(const GenerateOptions& o);

struct ChatOptions {
  std::string ckpt, tokenizer, system;
  std::string index;        // retrieval: answer from this index.db and list the sources ("" = off)
  int retrieval_k = 3;      // passages per answer
  int64_t max_tokens = 512;
  SamplingParams sampling;
  InferOptions infer;
};
// Reads lines from in_fd until EOF or /quit; answers stream to out. Ctrl-C (SIGINT) stops the
// answer being written, not the program.
void run_chat(const ChatOptions& o, int in_fd, FILE* out);

}  // namespace own
