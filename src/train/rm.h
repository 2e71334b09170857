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
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "data/pref_data.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "train/answer_rows.h"

namespace own {

struct RmOptions {
  std::string run_dir = "runs/default";
  std::string init;  // default RUN/ckpt/sft
  std::vector<std::pair<std::string, double>> user_data;  // preference JSONL, weight (copies; 0.5 = half)
  int64_t batch = 16;  // answers per step; whole rankings only (4 rankings of K = 4)
  int64_t seq = 256;
  int64_t steps = 300;
  float lr = 0;  // 0: a third of the base model's default
  float weight_decay = 0.0f;
  int64_t eval_every = 50, save_every = 100;
  int64_t val_rankings = 256;  // validation over the first N of val.jsonl (0: all)
  bool resume = false;
  int64_t stop_at = 0;
  uint64_t seed = 1;
};

// RUN/data/prefs/{train,val}.jsonl, the user's files mixed into train by weight, val cut to
// val_limit rankings (0: all). InputError when the run has no preference data.
struct PreferenceSplits {
  std::vector<Ranking> train, val;
};
PreferenceSplits load_preference_splits(const std::string& run_dir,
                                        const std::vector<std::pair<std::string, double>>& user_data,
                                        int64_t val_limit);

// A ranking as rows: rows[k] is prompt + completion k (best first)
struct RankingRows {
  std::vector<AnswerRow> rows;
  std::vector<std::string> kinds;
};
// Rankings with a row longer than seq are left out and counted in *too_long.
std::vector<RankingRows> ranking_rows(const Tokenizer& tok, const std::vector<Ranking>& rankings, int64_t seq,
                                      int64_t* too_long);

// Both splits as rows. Rankings with an answer longer than seq are left out; their count (train)
// is returned and both counts are reported on stderr under the stage's name.
struct PreferenceRows {
  std::vector<RankingRows> train, val;
  int64_t too_long = 0;
};
PreferenceRows preference_rows(const std::string& stage, const Tokenizer& tok, const PreferenceSplits& data, int64_t seq);

// Scores answers with a reward model, batch by batch.
class RewardScorer {
 public:
  RewardScorer(const Checkpoint& ck, int64_t batch, int64_t seq, int32_t pad);
  std::vector<float> score(const std::vector<AnswerRow>& rows);  // one reward per row
  Llama& model() { return model_; }

 private:
  Llama model_;
  int32_t pad_;
  std::vector<int32_t> in_, tg_;
  std::vector<float> scores_;
};

struct RankingAccuracy {
  double accuracy = 0;               // pairs ordered right (a tie counts half), over all pairs
  int64_t pairs = 0;
  std::map<std::string, std::pair<double, int64_t>> by_kind;  // worse answer's kind -> (right, pairs)
  double reference_reward = 0;       // mean reward of the best answers
  std::map<std::string, double> reward_by_kind;  // mean reward per kind
};
RankingAccuracy ranking_accuracy(RewardScorer& rm, const std::vector<RankingRows>& rankings);

struct RmResult {
  int64_t steps = 0, train_rankings = 0, too_long = 0;
  double val_accuracy_start = 0;
  RankingAccuracy val;
  bool interrupted = false;
};

RmResult train_rm(const RmOptions& o);

}  // namespace own
