// Which judged step's policy is the best so far, and when a run has fallen behind it for long
// enough to stop: the bookkeeping around the validation rule-judge checks (train/policy_judge.h)
// of the stages after SFT. A new best must beat the old one strictly, so ties keep the earlier step
// (the SFT policy at step 0 when nothing beats it). A check that lost more than kFamilyDrop on any
// judged family against the first check is never the best, however much it gains elsewhere:
// alignment must not buy one skill with another. Saved in PPO's train state, so a resumed run
// decides as an uninterrupted one would.
#pragma once
#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "train/policy_judge.h"

namespace own {

struct BestPolicy {
  static constexpr double kFamilyDrop = 0.15;

  int64_t best_step = -1;    // -1: nothing judged yet
  double best_score = 0;
  double first_score = 0;    // the first check's (the SFT policy's, unless resumed from an unjudged run)
  std::map<std::string, double> first_by_family;  // the first check's share judged right per family
  int64_t checks = 0;
  int64_t checks_below = 0;  // consecutive checks more than `drop` below the best
  bool stop = false;         // checks_below reached the patience

  // Records the check at `step`; true when it is the new best. A check that lost a family (below)
  // counts as below the best. patience <= 0: never stop.
  bool observe(int64_t step, const JudgeScore& s, double drop, int64_t patience);
  // " family first -> now" for each family more than kFamilyDrop below the first check; "" when none
  std::string lost_families(const JudgeScore& s) const;
  // the log's line for a check just observed (`best`: what observe returned): "val rule-judge
  // score 0.406, not eligible (lost clarify 0.44 -> 0.25), the best 0.409 at step 0"
  std::string describe(const JudgeScore& s, bool best) const;
};
void to_json(nlohmann::json& j, const BestPolicy& b);
void from_json(const nlohmann::json& j, BestPolicy& b);  // InputError naming the field

}  // namespace own
