#include "train/policy_judge.h"

#include <filesystem>

#include "core/check.h"
#include "data/chat_data.h"
#include "data/rule_judges.h"
#include "train/loop.h"
#include "train/rollout.h"

namespace own {

void log_judge_score(const std::string& metrics, const std::string& stage, int64_t step, const JudgeScore& s) {
  append_metric(metrics, stage, step, "judge_score", s.score);
  for (const auto& [family, share] : s.by_family) append_metric(metrics, stage, step, "judge/" + family, share);
}

PolicyJudge::PolicyJudge(const std::string& val_path, const Tokenizer& tok, int64_t per_family,
                         int64_t max_prompt_tokens, int64_t max_tokens)
    : tok_(tok), max_tokens_(max_tokens) {
  if (!std::filesystem::exists(val_path))
    input_error("{} is missing: PPO judges its policy on the chat validation split; run `ownchat data chat` "
                "or pass --judge-every 0",
                val_path);
  std::map<std::string, int64_t> taken;
  for (const Conversation& c : read_chat_jsonl(val_path, true)) {
    std::vector<ChatMessage> prompt = first_ask(c);
    if (prompt.empty()) continue;
    const std::string& reference = c.messages[prompt.size()].content;
    // a family some rule judges (judge_answer has a verdict even on an empty answer)
    if (judge_answer(c.family, c.item, reference, prompt.back().content, "") < 0 || taken[c.family] >= per_family)
      continue;
    if (static_cast<int64_t>(render_chat(tok, prompt, true).size()) > max_prompt_tokens) continue;
    taken[c.family]++;
    prompts_.push_back(std::move(prompt));
    family_.push_back(c.family);
    item_.push_back(c.item);
    reference_.push_back(reference);
  }
  families_ = taken.size();
  if (prompts_.empty())
    input_error("{}: no conversation of a family the rule judges check (refusal, benign, honesty, definition, "
                "arithmetic, ...) fits; pass --judge-every 0 to train without the check",
                val_path);
}

JudgeScore PolicyJudge::judge(const Checkpoint& policy) const {
  RolloutOptions ro;
  ro.max_tokens = max_tokens_;
  ro.temperature = 0.0f;  // greedy: the same policy always gets the same score
  const std::vector<Rollout> answers = sample_answers(policy, tok_, prompts_, ro);
  std::map<std::string, std::pair<int64_t, int64_t>> right;  // family -> (right, judged)
  for (size_t i = 0; i < answers.size(); i++) {
    const std::string& f = family_[i];
    right[f].first += judge_answer(f, item_[i], reference_[i], prompts_[i].back().content, answers[i].text);
    right[f].second++;
  }
  JudgeScore s;
  for (const auto& [family, n] : right) {
    s.by_family[family] = static_cast<double>(n.first) / static_cast<double>(n.second);
    s.score += s.by_family[family] / static_cast<double>(right.size());
  }
  return s;
}

}  // namespace own
