// `ownchat train dpo`: Direct Preference Optimization (Rafailov et al. 2023) on the preference
// rankings, every pair of each ranking: loss = -log sigmoid(beta * ((pc - rc) - (pr - rr))), where
// p/r are the summed log-probabilities of the chosen (c) and rejected (r) answer under the policy
// and under the frozen reference (the SFT model it starts from). No reward model, no sampling.
// Logs the implicit reward accuracy (margin > 0) and margin; validates on RUN/data/prefs/val.jsonl.
// Writes RUN/ckpt/dpo.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace own {

struct DpoOptions {
  std::string run_dir = "runs/default";
  std::string init;  // policy and reference; default RUN/ckpt/sft
  std::vector<std::pair<std::string, double>> user_data;  // preference JSONL, weight
  float beta = 0.1f;
  int64_t batch = 16;  // rows per step: batch / 2 pairs
  int64_t seq = 256;
  int64_t steps = 200;
  float lr = 0;  // 0: a tenth of the base model's default
  float weight_decay = 0.0f;
  int64_t eval_every = 50, save_every = 100;
  int64_t val_pairs = 256;
  bool resume = false;
  int64_t stop_at = 0;
  uint64_t seed = 1;
};

struct DpoResult {
  int64_t steps = 0, train_pairs = 0, too_long = 0;
  double val_accuracy_start = 0, val_accuracy = 0, val_margin = 0;
  bool interrupted = false;
};

DpoResult train_dpo(const DpoOptions& o);

}  // namespace own
