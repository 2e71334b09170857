// Which judged step's policy is the best so far, and when a run has fallen behind it for long
// enough to stop: PPO's bookkeeping around its validation rule-judge checks (train/policy_judge.h).
// A new best must beat the old one strictly, so ties keep the earlier step (the SFT policy at step
// 0 when nothing beats it). Saved in the checkpoint's train state, so a resumed run decides as an
// uninterrupted one would.
#pragma once
#include <cstdint>
#include <nlohmann/json_fwd.hpp>

namespace own {

struct BestPolicy {
  int64_t best_step = -1;    // -1: nothing judged yet
  double best_score = 0;
  double first_score = 0;    // the first check's (the SFT policy's, unless resumed from an unjudged run)
  int64_t checks = 0;
  int64_t checks_below = 0;  // consecutive checks more than `drop` below the best
  bool stop = false;         // checks_below reached the patience

  // Records the check at `step`; true when it is the new best. patience <= 0: never stop.
  bool observe(int64_t step, double score, double drop, int64_t patience);
};
void to_json(nlohmann::json& j, const BestPolicy& b);
void from_json(const nlohmann::json& j, BestPolicy& b);  // InputError naming the field

}  // namespace own
