// `ownchat train rm`: the reward model, step 2 of InstructGPT. The SFT trunk plus a scalar
// `score` head (model/config.h num_labels = 1) read at the last token of prompt + answer. Each
// ranking of K answers (best first) goes into one batch whole, and its loss is the mean over
// its K(K-1)/2 pairs of -log sigmoid(r_better - r_worse) (train/pref_loss.h). Data:
// RUN/data/prefs/train.jsonl (from `ownchat data chat`) plus the user's preference JSONL (TRL
// pairs, e.g. `ownchat feedback export`, or rankings). Validation on RUN/data/prefs/val.jsonl:
// pairwise accuracy overall and by the kind of the worse answer. The score is shifted so the
// reference answers of the validation set average 0. Writes RUN/ckpt/rm.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "train/ranking_accuracy.h"

namespace own {

struct RmOptions {
  std::string run_dir = "runs/default";
  std::string init;  // default RUN/ckpt/sft
  std::vector<std::pair<std::string, double>> user_data;  // preference JSONL, weight (copies; 0.5 = half)
  int64_t batch = 16;  // answers per step; whole rankings only (4 rankings of K = 4)
  int64_t grad_accum = 1;  // micro-batches of `batch` per step (data-parallel: a multiple of the ranks)
  int64_t seq = 256;
  int64_t steps = 300;
  float lr = 0;  // 0: a third of the base model's default
  float weight_decay = 0.0f;
  int64_t eval_every = 50, save_every = 100;
  int64_t val_rankings = 256;  // validation over N of val.jsonl, the families in turn (0: all)
  bool resume = false;
  int64_t stop_at = 0;
  uint64_t seed = 1;
};

struct RmResult {
  int64_t steps = 0, train_rankings = 0, too_long = 0;
  double val_accuracy_start = 0;
  RankingAccuracy val;
  bool interrupted = false;
};

RmResult train_rm(const RmOptions& o);

}  // namespace own
