// The log-probability of answers (data/answer_rows.h) under a model: DPO's and PPO's sequence
// quantity, and eval's KL between two models on the same answers.
#pragma once
#include <cstdint>
#include <vector>

#include "data/answer_rows.h"
#include "model/llama.h"

namespace own {

// sum of log p(answer tokens) for row b, from the token losses of a forward over the batch
double row_logp(const float* token_losses, int64_t b, int64_t T);
// the number of answer tokens (targets >= 0) in row b of (B, T) targets
int64_t row_tokens(const int32_t* targets, int64_t b, int64_t T);

// sum of log p(answer tokens) of each row under m: forward only, m.batch() rows at a time
std::vector<double> answer_logps(Llama& m, const std::vector<const AnswerRow*>& rows, int32_t pad);

}  // namespace own
