// A (prompt, answer) as one row of a (B, T) batch, for every stage that scores or trains on
// answers: the reward model (score at the answer's last token), DPO and PPO (log-probability of
// the answer's tokens), best-of-n. The row is the chat-rendered prompt + the answer + <|end|>
// (data/chat_loader's rendering), so the stages see exactly the text SFT trained on. Rollouts
// build rows from token ids directly, never by re-encoding sampled text. Their log-probabilities
// under a model are train/answer_logps.h.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tokenizer/chat_template.h"

namespace own {

struct AnswerRow {
  std::vector<int32_t> ids;  // prompt (ending with <|assistant|>) then the answer tokens
  int64_t answer_start = 0;  // ids[answer_start ..] is the answer (with its <|end|> when it has one)
  int64_t last() const { return static_cast<int64_t>(ids.size()) - 1; }  // where a score is read
};

// prompt: the conversation so far (its last message is the user's); answer: the assistant's text
AnswerRow answer_row(const Tokenizer& tok, std::span<const ChatMessage> prompt, const std::string& answer);

// Row b of (B, T) inputs/targets: inputs = ids then pad; targets[t] = ids[t + 1] where that token
// belongs to the answer, else -1. InputError when the row is longer than T.
void put_answer_row(const AnswerRow& r, int64_t b, int64_t T, int32_t pad, int32_t* inputs, int32_t* targets);
// An empty row b (all pad, no targets): fills a batch's unused rows.
void put_empty_row(int64_t b, int64_t T, int32_t pad, int32_t* inputs, int32_t* targets);

}  // namespace own
