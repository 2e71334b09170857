// A run's preference data, ready for a stage: the splits RUN/data/prefs/{train,val}.jsonl with
// the user's files mixed in, and each ranking as rows of prompt + answer (data/answer_rows.h).
// The reward model, DPO, PPO and best-of-n (their prompts) and eval read it from here.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "data/answer_rows.h"
#include "data/pref_data.h"
#include "tokenizer/tokenizer.h"

namespace own {

// RUN/data/prefs/{train,val}.jsonl, the user's files mixed into train by weight, val cut to
// val_limit rankings (0: all) taken from the families in turn, so every kind is validated. When
// the run has rankings of the policy's own answers (RUN/data/prefs/policy/{train,val}.jsonl,
// train/policy_rankings.h), they join train, and val with a val_limit of their own.
// InputError when the run has no preference data.
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

}  // namespace own
