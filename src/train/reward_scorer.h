// A reward model (a checkpoint with a score head) scoring answers, batch by batch: the score is
// read at each row's last token. PPO's rewards, best-of-n's pick, the reward model's validation
// and eval's held-out accuracy all go through it.
#pragma once
#include <cstdint>
#include <vector>

#include "data/answer_rows.h"
#include "model/checkpoint.h"
#include "model/llama.h"

namespace own {

class RewardScorer {
 public:
  // InputError when ck has no score head
  RewardScorer(const Checkpoint& ck, int64_t batch, int64_t seq, int32_t pad);
  std::vector<float> score(const std::vector<AnswerRow>& rows);  // one reward per row
  Llama& model() { return model_; }

 private:
  Llama model_;
  int32_t pad_;
  std::vector<int32_t> in_, tg_;  // (B, T)
  std::vector<float> scores_;     // (B, T)
};

}  // namespace own
