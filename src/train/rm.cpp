#include "train/rm.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/check.h"
#include "core/epoch_order.h"
#include "data/mix.h"
#include "train/loop.h"
#include "train/pref_loss.h"
#include "train/stage.h"

namespace own {
namespace fs = std::filesystem;

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

RewardScorer::RewardScorer(const Checkpoint& ck, int64_t batch, int64_t seq, int32_t pad) : model_(ck.config), pad_(pad) {
  if (ck.layout.score < 0) input_error("the checkpoint has no score head (config.json num_labels); is it a reward model?");
  std::copy(ck.params.data, ck.params.data + ck.layout.total, model_.params.data);
  model_.reserve(batch, seq);
  in_.resize(static_cast<size_t>(batch * seq));
  tg_.resize(in_.size());
  scores_.resize(in_.size());
}

std::vector<float> RewardScorer::score(const std::vector<AnswerRow>& rows) {
  const int64_t B = model_.batch(), T = model_.seq(), n = static_cast<int64_t>(rows.size());
  std::vector<float> out(rows.size());
  for (int64_t r0 = 0; r0 < n; r0 += B) {
    const int64_t rows_here = std::min(B, n - r0);
    for (int64_t b = 0; b < B; b++) {
      if (b < rows_here) put_answer_row(rows[static_cast<size_t>(r0 + b)], b, T, pad_, in_.data(), tg_.data());
      else put_empty_row(b, T, pad_, in_.data(), tg_.data());
    }
    model_.forward_scores(scores_.data(), in_.data());
    for (int64_t b = 0; b < rows_here; b++)
      out[static_cast<size_t>(r0 + b)] = scores_[static_cast<size_t>(b * T + rows[static_cast<size_t>(r0 + b)].last())];
  }
  return out;
}

RankingAccuracy ranking_accuracy(RewardScorer& rm, const std::vector<RankingRows>& rankings) {
  std::vector<AnswerRow> rows;
  for (const RankingRows& r : rankings) rows.insert(rows.end(), r.rows.begin(), r.rows.end());
  const std::vector<float> s = rm.score(rows);
  RankingAccuracy a;
  double right = 0;
  int64_t refs = 0;
  std::map<std::string, std::pair<double, int64_t>> sum_by_kind;
  size_t at = 0;
  for (const RankingRows& r : rankings) {
    const float* rs = s.data() + at;
    const int K = static_cast<int>(r.rows.size());
    a.reference_reward += rs[0];
    refs++;
    for (int k = 0; k < K; k++) {
      auto& [sum, count] = sum_by_kind[r.kinds[static_cast<size_t>(k)]];
      sum += rs[k];
      count++;
    }
    for (int i = 0; i < K; i++)
      for (int j = i + 1; j < K; j++) {
        auto& [ok, n] = a.by_kind[r.kinds[static_cast<size_t>(j)]];
        const double got = pair_win(rs[i], rs[j]);
        ok += got;
        right += got;
        n++;
        a.pairs++;
      }
    at += static_cast<size_t>(K);
  }
  a.accuracy = a.pairs > 0 ? right / static_cast<double>(a.pairs) : 0.0;
  a.reference_reward = refs > 0 ? a.reference_reward / static_cast<double>(refs) : 0.0;
  for (const auto& [kind, sc] : sum_by_kind) a.reward_by_kind[kind] = sc.first / static_cast<double>(sc.second);
  return a;
}

namespace {

// Whole rankings per batch, as many as fit in B rows; the rest of the batch is padding. The
// cursor counts rankings consumed.
class RankingSource : public BatchSource {
 public:
  RankingSource(std::vector<RankingRows> rankings, int32_t pad, uint64_t seed)
      : rankings_(std::move(rankings)), order_(rankings_.size(), seed, true), pad_(pad) {
    if (rankings_.empty()) input_error("no preference rankings to train on (all longer than --seq?)");
  }
  int64_t size() const { return static_cast<int64_t>(rankings_.size()); }
  uint64_t cursor() const override { return cursor_; }
  void seek(uint64_t c) override { cursor_ = c; }

  void next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) override {
    groups_.clear();
    int64_t row = 0;
    for (;;) {
      const RankingRows& r = rankings_[static_cast<size_t>(order_.at(cursor_))];
      const int64_t K = static_cast<int64_t>(r.rows.size());
      if (K > B) input_error("a ranking of {} answers does not fit --batch {}; raise --batch", K, B);
      if (row + K > B) break;
      groups_.push_back(&r);
      for (const AnswerRow& a : r.rows) put_answer_row(a, row++, T, pad_, inputs, targets);
      cursor_++;
    }
    for (; row < B; row++) put_empty_row(row, T, pad_, inputs, targets);
  }

  // loss = mean over the batch's rankings of each ranking's mean pair loss
  float forward_backward(Llama& m, float loss_scale, int32_t* inputs, int32_t* targets) override {
    const int64_t B = m.batch(), T = m.seq();
    next(inputs, targets, B, T);
    scores_.resize(static_cast<size_t>(B * T));
    dscores_.assign(static_cast<size_t>(B * T), 0.0f);
    m.forward_scores(scores_.data(), inputs);
    double loss = 0;
    int64_t row = 0;
    float r[64], dr[64];
    const float per_ranking = loss_scale / static_cast<float>(groups_.size());
    for (const RankingRows* g : groups_) {
      const int K = static_cast<int>(g->rows.size());
      OWN_CHECK(K <= 64, "ranking of {} answers", K);
      for (int k = 0; k < K; k++) r[k] = scores_[static_cast<size_t>((row + k) * T + g->rows[static_cast<size_t>(k)].last())];
      int correct = 0;
      loss += ranking_loss(r, K, dr, &correct);
      for (int k = 0; k < K; k++)
        dscores_[static_cast<size_t>((row + k) * T + g->rows[static_cast<size_t>(k)].last())] = dr[k] * per_ranking;
      correct_ += correct;
      pairs_ += K * (K - 1) / 2;
      row += K;
    }
    m.backward_scores(inputs, dscores_.data());
    return static_cast<float>(loss / static_cast<double>(groups_.size()));
  }

  // pairs ordered right since the last call
  double take_accuracy() {
    const double a = pairs_ > 0 ? static_cast<double>(correct_) / static_cast<double>(pairs_) : 0.0;
    correct_ = pairs_ = 0;
    return a;
  }

 private:
  std::vector<RankingRows> rankings_;
  EpochOrder order_;
  int32_t pad_;
  uint64_t cursor_ = 0;
  std::vector<const RankingRows*> groups_;
  std::vector<float> scores_, dscores_;
  int64_t correct_ = 0, pairs_ = 0;
};

std::string ranking_key(const Ranking& r) {
  std::string k = prompt_key(r.prompt);
  for (const std::string& c : r.completions) k += c + "\x1d";
  return k;
}

}  // namespace

PreferenceSplits load_preference_splits(const std::string& run_dir,
                                        const std::vector<std::pair<std::string, double>>& user_data,
                                        int64_t val_limit) {
  const fs::path prefs = fs::path(run_dir) / "data" / "prefs";
  if (!fs::exists(prefs / "train.jsonl"))
    input_error("{} is missing; run `ownchat data chat --run {}` first", (prefs / "train.jsonl").string(), run_dir);
  PreferenceSplits p;
  p.train = read_preferences_jsonl((prefs / "train.jsonl").string());
  p.val = read_preferences_jsonl((prefs / "val.jsonl").string());
  if (val_limit > 0 && static_cast<int64_t>(p.val.size()) > val_limit) p.val.resize(static_cast<size_t>(val_limit));
  for (const auto& [path, weight] : user_data)
    mix_in(p.train, read_preferences_jsonl(path), weight, "--data " + path, ranking_key);
  return p;
}

PreferenceRows preference_rows(const std::string& stage, const Tokenizer& tok, const PreferenceSplits& data, int64_t seq) {
  PreferenceRows r;
  int64_t too_long_val = 0;
  r.train = ranking_rows(tok, data.train, seq, &r.too_long);
  r.val = ranking_rows(tok, data.val, seq, &too_long_val);
  if (r.too_long + too_long_val > 0)
    std::fprintf(stderr, "%s: %lld train and %lld val rankings have an answer longer than --seq %lld; left out\n",
                 stage.c_str(), static_cast<long long>(r.too_long), static_cast<long long>(too_long_val),
                 static_cast<long long>(seq));
  return r;
}

RmResult train_rm(const RmOptions& o) {
  const PreferenceSplits data = load_preference_splits(o.run_dir, o.user_data, o.val_rankings);
  StageStart st = stage_start(o.run_dir, "rm", o.init, "sft", o.resume);
  if (o.seq > st.ck.config.max_position_embeddings)
    input_error("--seq {} exceeds the model's context {}", o.seq, st.ck.config.max_position_embeddings);
  ModelConfig cfg = st.ck.config;
  cfg.num_labels = 1;
  Llama model(cfg);
  // the trunk (and LM head) keep their offsets: the score head comes last in the buffer; a
  // fresh head starts at zero, so the first steps move the head before the trunk
  OWN_CHECK(st.ck.layout.total <= model.layout.total, "rm layout");
  std::copy(st.ck.params.data, st.ck.params.data + st.ck.layout.total, model.params.data);
  model.reserve(o.batch, o.seq);

  RmResult result;
  PreferenceRows rows = preference_rows("rm", st.tok, data, o.seq);
  std::vector<RankingRows>& train_rows = rows.train;
  const std::vector<RankingRows>& val_rows = rows.val;
  result.too_long = rows.too_long;
  result.train_rankings = static_cast<int64_t>(train_rows.size());
  const int32_t pad = st.tok.special_id("<|pad|>");

  OptimizerConfig oc;
  oc.lr = o.lr > 0 ? o.lr : default_lr(cfg) / 3.0f;
  oc.weight_decay = o.weight_decay;
  oc.warmup_steps = std::max<int64_t>(1, o.steps / 20);
  oc.min_lr_frac = 0.0f;
  TrainLoopOptions lo = stage_loop_options(o.run_dir, "rm", st.out, o.steps, o.save_every, o.seed, o.stop_at);
  RankingSource source(std::move(train_rows), pad, o.seed);
  Trainer trainer(model, oc, lo);
  if (st.resuming) trainer.resume(source);
  std::fprintf(stderr, "rm: %lld train rankings, %zu val, from %s, lr %.2e\n", static_cast<long long>(source.size()),
               val_rows.size(), st.from.c_str(), static_cast<double>(oc.lr));

  // validation scores with the model's own weights, batch by batch, through a scorer that shares
  // nothing with training but the parameters (copied in)
  RewardScorer scorer(Checkpoint{cfg, model.layout, FloatBuffer(model.layout.total)}, o.batch, o.seq, pad);
  auto validate = [&]() {
    std::copy(model.params.data, model.params.data + model.layout.total, scorer.model().params.data);
    scorer.model().config.score_bias = model.config.score_bias;
    return ranking_accuracy(scorer, val_rows);
  };
  result.val_accuracy_start = validate().accuracy;
  trainer.hook_every = o.eval_every;
  trainer.hook = [&](Trainer& t, int64_t step) {
    RankingAccuracy a = validate();
    // normalise: the reference answers average 0 (the score head has no bias; the config carries it)
    model.config.score_bias -= static_cast<float>(a.reference_reward);
    for (auto& [kind, r] : a.reward_by_kind) r -= a.reference_reward;
    a.reference_reward = 0;
    result.val = a;
    t.log_metric(step, "train_acc", source.take_accuracy());
    t.log_metric(step, "val_acc", a.accuracy);
    for (const auto& [kind, okn] : a.by_kind)
      t.log_metric(step, "val_acc/" + kind, okn.first / static_cast<double>(okn.second));
    for (const auto& [kind, r] : a.reward_by_kind) t.log_metric(step, "reward/" + kind, r);
    t.progress_note = fmt::format("val acc {:.3f}", a.accuracy);
  };
  TrainResult tr = run_interruptible(trainer, source);
  result.steps = tr.end_step;
  result.interrupted = tr.interrupted;
  return result;
}

}  // namespace own
