#include "train/reward_scorer.h"

#include <algorithm>

#include "core/check.h"

namespace own {

RewardScorer::RewardScorer(const Checkpoint& ck, int64_t batch, int64_t seq, int32_t pad) : model_(ck.config), pad_(pad) {
  if (ck.layout.score < 0) input_error("the checkpoint has no score head (config.json num_labels); is it a reward model?");
  std::copy(ck.params.data, ck.params.data + ck.layout.total, model_.params.data);
  model_.reserve(batch, seq);
  in_.resize(static_cast<size_t>(batch * seq));
  tg_.resize(in_.size());
  scores_.resize(in_.size());
}

std::vector<float> RewardScorer::score(const std::vector<AnswerRow>& rows) {
  const int64_t B = model_.batch(), T = model_.seq(), n = static_cast<int64_t>(rows.size());
  std::vector<float> out(rows.size());
  for (int64_t r0 = 0; r0 < n; r0 += B) {
    const int64_t rows_here = std::min(B, n - r0);
    for (int64_t b = 0; b < B; b++) {
      if (b < rows_here) put_answer_row(rows[r0 + b], b, T, pad_, in_.data(), tg_.data());
      else put_empty_row(b, T, pad_, in_.data(), tg_.data());
    }
    model_.forward_scores(scores_.data(), in_.data());
    for (int64_t b = 0; b < rows_here; b++) out[r0 + b] = scores_[b * T + rows[r0 + b].last()];
  }
  return out;
}

}  // namespace own
