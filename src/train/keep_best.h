// The validation rule-judge guard of the stages that fine-tune a policy after SFT (dpo, bon): the
// policy the stage starts from and the policy at each validation are judged on val prompts by the
// rule judges (train/policy_judge.h), which share nothing with the reward model or the
// preference pairs. RUN/ckpt/<stage> ends up holding the best-judged policy (ties: the earlier, so
// the starting policy when nothing beats it); the trained one goes to <stage>/current when they
// differ. A policy that loses more than BestPolicy::kFamilyDrop on any judged family against the
// start is never the best, however much it gains elsewhere.
// A resumed stage judges its starting checkpoint again (the best of the steps before the
// interruption is not kept).
#pragma once
#include <cstdint>
#include <string>

#include "model/checkpoint.h"
#include "model/llama.h"
#include "train/best_policy.h"
#include "train/policy_judge.h"

namespace own {

// what a guarded stage reports: whose policy its checkpoint holds, and the val rule-judge scores
struct KeptPolicy {
  int64_t best_step = -1;  // -1: not judged; 0: the policy the stage started from
  double judge_start = 0, judge_best = 0;
};

class KeepBest {
 public:
  // judge_prompts: val prompts per judged family; prompts render to at most seq - max_tokens tokens
  KeepBest(const std::string& run_dir, const std::string& stage, const Tokenizer& tok, int64_t judge_prompts,
           int64_t seq, int64_t max_tokens);
  // the policy the stage starts from, judged as step 0
  void start(const Llama& start_policy);
  // the policy at `step`; kept when it is the best so far
  void check(const Llama& policy, int64_t step);
  // after the stage's last save: writes the best policy into `out` (the trained one into
  // out/current) when it is not the trained one. No-op when the best is the policy at end_step,
  // or when nothing was judged after the start.
  void finish(const std::string& out, const Llama& trained, int64_t end_step);
  KeptPolicy kept() const { return {judged_.best_step, judged_.first_score, judged_.best_score}; }

 private:
  std::string stage_, metrics_;
  PolicyJudge judge_;
  BestPolicy judged_;
  FloatBuffer best_;
};

}  // namespace own
