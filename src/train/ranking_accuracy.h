// How well a reward model orders rankings: pairwise accuracy overall and by the worse answer's
// kind, and the mean reward per kind. The reward model's validation and eval's held-out accuracy
// (eval/run_eval.h) share it; it stays in train/ because the rm stage below eval uses it.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "data/pref_rows.h"
#include "train/reward_scorer.h"

namespace own {

struct RankingAccuracy {
  double accuracy = 0;               // pairs ordered right (a tie counts half), over all pairs
  int64_t pairs = 0;
  std::map<std::string, std::pair<double, int64_t>> by_kind;  // worse answer's kind -> (right, pairs)
  double reference_reward = 0;       // mean reward of the best answers
  std::map<std::string, double> reward_by_kind;  // mean reward per kind
};
RankingAccuracy ranking_accuracy(RewardScorer& rm, const std::vector<RankingRows>& rankings);

// the share of one kind's pairs ordered right, from its by_kind entry
inline double kind_accuracy(const std::pair<double, int64_t>& right_pairs) {
  return right_pairs.first / static_cast<double>(right_pairs.second);
}

}  // namespace own
