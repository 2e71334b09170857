// PPO's check that does not ask the reward model: the policy's greedy answers (temperature 0,
// through the inference engine, as the evals generate) to a fixed set of validation prompts from
// RUN/data/chat/val.jsonl (never test), judged by the rule judges (data/rule_judges.h), which share
// nothing with the reward model. A family is judged when judge_answer has a rule for it (refusal,
// benign, honesty, definition, copy, clarify, the exact-answer task families, and the grounded
// families: the right citation with the passage's words, or "I don't know" citing nothing); the score is the mean over
// those families of the share of judgements that are right, so each family counts alike however
// many prompts it has.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "model/checkpoint.h"
#include "tokenizer/chat_template.h"

namespace own {

struct JudgeScore {
  double score = 0;                          // mean over the families
  std::map<std::string, double> by_family;  // share judged right
};

// The score and each family's share as metrics of `stage` at `step` (judge_score, judge/<family>)
void log_judge_score(const std::string& metrics, const std::string& stage, int64_t step, const JudgeScore& s);

class PolicyJudge {
 public:
  // The first per_family conversations of each judged family in val_path whose prompt renders to at
  // most max_prompt_tokens. InputError when the file is missing or has no judged family.
  PolicyJudge(const std::string& val_path, const Tokenizer& tok, int64_t per_family, int64_t max_prompt_tokens,
              int64_t max_tokens);
  JudgeScore judge(const Checkpoint& policy) const;
  size_t prompts() const { return prompts_.size(); }
  size_t families() const { return families_; }

 private:
  const Tokenizer& tok_;
  int64_t max_tokens_;
  size_t families_ = 0;
  std::vector<std::vector<ChatMessage>> prompts_;  // the messages before the first assistant turn
  std::vector<std::string> family_, item_, reference_;  // per prompt
};

}  // namespace own
