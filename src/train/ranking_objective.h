// The reward model's objective (InstructGPT): the score head read at each answer's last token,
// and per ranking the mean over its K(K-1)/2 pairs of -log sigmoid(r_better - r_worse)
// (train/pref_loss.h). The batch's rankings come from the RankingSource it was made with.
#pragma once
#include <cstdint>
#include <vector>

#include "data/ranking_source.h"
#include "train/objective.h"

namespace own {

class RankingObjective : public Objective {
 public:
  explicit RankingObjective(const RankingSource& source) : source_(source) {}
  // loss = mean over the batch's rankings of each ranking's mean pair loss
  float forward_backward(Llama& m, const int32_t* inputs, const int32_t* targets, float loss_scale) override;
  // pairs ordered right since the last call
  double take_accuracy();

 private:
  const RankingSource& source_;
  std::vector<float> scores_, dscores_;  // (B, T)
  int64_t correct_ = 0, pairs_ = 0;
};

}  // namespace own
