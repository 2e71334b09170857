// Greedy answers of a checkpoint to many chat prompts at once, batched through the inference
// engine: what the generation-based evals judge.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/checkpoint.h"
#include "tokenizer/chat_template.h"
#include "tokenizer/tokenizer.h"

namespace own {

struct Answer {
  std::string text;
  bool ended = false;  // finished with <|end|>
};

// prompts[i]: the messages before the answer (rendered with the generation prompt)
std::vector<Answer> generate_answers(const Checkpoint& ck, const Tokenizer& tok,
                                     const std::vector<std::vector<ChatMessage>>& prompts, int64_t max_tokens);

}  // namespace own
