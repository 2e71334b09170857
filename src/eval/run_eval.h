// `ownchat eval --run RUN`: the report card's numbers for every stage the run has.
//   chat evals      (eval/chat_eval.h) for base, sft, ppo, dpo, bon: the alignment tax, if any
//   reward model    test-split pairwise accuracy, overall and by the worse answer's kind
//   alignment       for ppo, dpo, bon against sft, on held-out prompts (RUN/data/prefs/test.jsonl):
//                   mean RM reward of greedy answers; KL to sft (sampled answers, sum of
//                   log-ratios); win rate judged by the RM and by rule-based judges that share
//                   nothing with it: task correctness (exact answers), refusal correctness
//                   (refuse harmful asks, help with benign ones), "I don't know" correctness
//                   (made-up words vs real ones), and length (closer to the reference's wins)
// Every number goes to RUN/metrics.jsonl as {"stage":"eval","model":<stage>,"name",...}.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace own {

struct RunEvalOptions {
  std::string run_dir = "runs/default";
  int64_t per_family = 100;  // chat eval items per family
  int64_t prompts = 100;     // held-out rankings (families in turn): RM accuracy, and their prompts for the alignment metrics
  int64_t max_tokens = 64;
  uint64_t seed = 1;
};

struct RunEvalRow {
  std::string name;
  double chance = -1;
  int64_t n = 0;
  std::vector<double> values;  // per model, in RunEval::models order; NaN where not measured
};

struct RunEval {
  std::vector<std::string> models;  // stages found, in pipeline order
  std::vector<RunEvalRow> rows;
};

RunEval evaluate_run(const RunEvalOptions& o);
std::string run_eval_table(const RunEval& e);  // fixed-width text table

}  // namespace own
