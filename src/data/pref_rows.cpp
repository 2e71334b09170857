#include "data/pref_rows.h"

#include <fmt/format.h>

#include <filesystem>
#include <iterator>

#include "core/check.h"
#include "core/run_dir.h"
#include "data/mix.h"

namespace own {
namespace fs = std::filesystem;

namespace {

std::string ranking_key(const Ranking& r) {
  std::string k = prompt_key(r.prompt);
  for (const std::string& c : r.completions) k += c + "\x1d";
  return k;
}

}  // namespace

PreferenceSplits load_preference_splits(const std::string& run_dir,
                                        const std::vector<std::pair<std::string, double>>& user_data,
                                        int64_t val_limit) {
  const fs::path prefs = RunDir(run_dir).data("prefs");
  if (!fs::exists(prefs / "train.jsonl"))
    input_error("{} is missing; run `ownchat data chat --run {}` first", (prefs / "train.jsonl").string(), run_dir);
  PreferenceSplits p;
  p.train = read_preferences_jsonl((prefs / "train.jsonl").string());
  p.val = read_preferences_jsonl((prefs / "val.jsonl").string());
  if (val_limit > 0 && static_cast<int64_t>(p.val.size()) > val_limit) p.val = spread_by_family(p.val, val_limit);
  // the policy's own answers, ranked (`ownchat data policy-prefs`), when the run has them
  if (fs::exists(prefs / "policy" / "train.jsonl")) {
    std::vector<Ranking> train = read_preferences_jsonl((prefs / "policy" / "train.jsonl").string());
    p.train.insert(p.train.end(), std::make_move_iterator(train.begin()), std::make_move_iterator(train.end()));
  }
  if (fs::exists(prefs / "policy" / "val.jsonl")) {
    std::vector<Ranking> val = read_preferences_jsonl((prefs / "policy" / "val.jsonl").string());
    if (val_limit > 0 && static_cast<int64_t>(val.size()) > val_limit) val = spread_by_family(val, val_limit);
    p.val.insert(p.val.end(), std::make_move_iterator(val.begin()), std::make_move_iterator(val.end()));
  }
  for (const auto& [path, weight] : user_data)
    mix_in(p.train, read_preferences_jsonl(path), weight, "--data " + path, ranking_key);
  return p;
}

std::vector<RankingRows> ranking_rows(const Tokenizer& tok, const std::vector<Ranking>& rankings, int64_t seq,
                                      int64_t* too_long) {
  std::vector<RankingRows> out;
  *too_long = 0;
  for (const Ranking& r : rankings) {
    RankingRows rr;
    rr.kinds = r.kinds;
    bool fits = true;
    for (const std::string& answer : r.completions) {
      rr.rows.push_back(answer_row(tok, r.prompt, answer));
      fits = fits && static_cast<int64_t>(rr.rows.back().ids.size()) <= seq;
    }
    if (!fits) {
      (*too_long)++;
      continue;
    }
    out.push_back(std::move(rr));
  }
  return out;
}

PreferenceRows preference_rows(const std::string& stage, const Tokenizer& tok, const PreferenceSplits& data, int64_t seq) {
  PreferenceRows r;
  int64_t too_long_val = 0;
  r.train = ranking_rows(tok, data.train, seq, &r.too_long);
  r.val = ranking_rows(tok, data.val, seq, &too_long_val);
  if (r.too_long + too_long_val > 0)
    fmt::print(stderr, "{}: {} train and {} val rankings have an answer longer than --seq {}; left out\n", stage,
               r.too_long, too_long_val, seq);
  return r;
}

}  // namespace own
