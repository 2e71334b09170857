#include "train/dpo.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/check.h"
#include "core/epoch_order.h"
#include "train/loop.h"
#include "train/pref_loss.h"
#include "train/rm.h"
#include "train/stage.h"

namespace own {

namespace {

struct AnswerPair {
  const AnswerRow* chosen;
  const AnswerRow* rejected;
};

std::vector<AnswerPair> all_pairs(const std::vector<RankingRows>& rankings) {
  std::vector<AnswerPair> out;
  for (const RankingRows& r : rankings)
    for (size_t i = 0; i < r.rows.size(); i++)
      for (size_t j = i + 1; j < r.rows.size(); j++) out.push_back({&r.rows[i], &r.rows[j]});
  return out;
}

// Row 2k is pairs[idx[k]]'s chosen answer, row 2k + 1 its rejected one; the rest is padding.
void put_pairs(const std::vector<AnswerPair>& pairs, const std::vector<uint64_t>& idx, int64_t B, int64_t T,
               int32_t pad, int32_t* inputs, int32_t* targets) {
  for (int64_t b = 0; b < B; b++) {
    const size_t p = static_cast<size_t>(b / 2);
    if (p < idx.size()) {
      const AnswerPair& ap = pairs[static_cast<size_t>(idx[p])];
      put_answer_row(b % 2 == 0 ? *ap.chosen : *ap.rejected, b, T, pad, inputs, targets);
    } else {
      put_empty_row(b, T, pad, inputs, targets);
    }
  }
}

// log p of each of the first `rows` rows' answers under m (forward only)
void batch_logps(Llama& m, const int32_t* inputs, const int32_t* targets, int64_t rows, double* out) {
  m.forward_loss(inputs, targets);
  for (int64_t b = 0; b < rows; b++) out[b] = row_logp(m.token_losses(), b, m.seq());
}

// Pairs of every ranking, B / 2 per batch, with the reference's log-probabilities cached by pair
// (the reference never changes, so each is computed once).
class PairSource : public BatchSource {
 public:
  PairSource(std::vector<AnswerPair> pairs, Llama& ref, int32_t pad, uint64_t seed, double beta)
      : pairs_(std::move(pairs)), order_(pairs_.size(), seed, true), ref_(ref), pad_(pad), beta_(beta),
        ref_logp_(2 * pairs_.size(), NAN) {
    if (pairs_.empty()) input_error("no preference pairs to train on (all longer than --seq?)");
  }
  int64_t size() const { return static_cast<int64_t>(pairs_.size()); }
  uint64_t cursor() const override { return cursor_; }
  void seek(uint64_t c) override { cursor_ = c; }

  void next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) override {
    if (B < 2) input_error("--batch must be at least 2 (a chosen and a rejected answer)");
    idx_.clear();
    for (int64_t p = 0; p < B / 2; p++) idx_.push_back(order_.at(cursor_++));
    put_pairs(pairs_, idx_, B, T, pad_, inputs, targets);
  }

  float forward_backward(Llama& m, float loss_scale, int32_t* inputs, int32_t* targets) override {
    const int64_t B = m.batch(), T = m.seq(), n = B / 2;
    next(inputs, targets, B, T);
    bool cached = true;
    for (uint64_t i : idx_) cached = cached && !std::isnan(ref_logp_[2 * i]);
    if (!cached) {
      std::vector<double> r(static_cast<size_t>(2 * n));
      batch_logps(ref_, inputs, targets, 2 * n, r.data());
      for (int64_t p = 0; p < n; p++) {
        ref_logp_[2 * idx_[static_cast<size_t>(p)]] = r[static_cast<size_t>(2 * p)];
        ref_logp_[2 * idx_[static_cast<size_t>(p)] + 1] = r[static_cast<size_t>(2 * p + 1)];
      }
    }
    logp_.resize(static_cast<size_t>(2 * n));
    batch_logps(m, inputs, targets, 2 * n, logp_.data());
    // d(loss)/d(nll_t) = -d(loss)/d(logp) for every answer token of the row
    weights_.assign(static_cast<size_t>(B * T), 0.0f);
    double loss = 0;
    for (int64_t p = 0; p < n; p++) {
      const uint64_t i = idx_[static_cast<size_t>(p)];
      DpoPair d = dpo_pair(logp_[static_cast<size_t>(2 * p)], logp_[static_cast<size_t>(2 * p + 1)], ref_logp_[2 * i],
                           ref_logp_[2 * i + 1], beta_);
      loss += d.loss;
      right_ += pair_win(d.margin, 0.0);  // a tie (as at the start) counts half
      margin_sum_ += d.margin;
      seen_++;
      const float wc = static_cast<float>(-d.dpc) * loss_scale / static_cast<float>(n);
      const float wr = static_cast<float>(-d.dpr) * loss_scale / static_cast<float>(n);
      std::fill(weights_.begin() + 2 * p * T, weights_.begin() + (2 * p + 1) * T, wc);
      std::fill(weights_.begin() + (2 * p + 1) * T, weights_.begin() + (2 * p + 2) * T, wr);
    }
    m.backward_weighted(inputs, targets, weights_.data());
    return static_cast<float>(loss / static_cast<double>(n));
  }

  // (implicit reward accuracy, mean margin) since the last call
  std::pair<double, double> take_stats() {
    const double n = static_cast<double>(seen_);
    std::pair<double, double> s{seen_ ? right_ / n : 0.0, seen_ ? margin_sum_ / n : 0.0};
    right_ = 0;
    seen_ = 0;
    margin_sum_ = 0;
    return s;
  }

 private:
  std::vector<AnswerPair> pairs_;
  EpochOrder order_;
  Llama& ref_;
  int32_t pad_;
  double beta_;
  uint64_t cursor_ = 0;
  std::vector<double> ref_logp_;  // (2 * pairs): chosen, rejected
  std::vector<uint64_t> idx_;
  std::vector<double> logp_;
  std::vector<float> weights_;
  double right_ = 0;
  int64_t seen_ = 0;
  double margin_sum_ = 0;
};

// log p of every pair's (chosen, rejected) answers under m: (2 * pairs), forward only
std::vector<double> pair_logps(Llama& m, const std::vector<AnswerPair>& pairs, int32_t pad) {
  std::vector<const AnswerRow*> rows;
  for (const AnswerPair& p : pairs) rows.insert(rows.end(), {p.chosen, p.rejected});
  return answer_logps(m, rows, pad);
}

struct PairEval {
  double accuracy = 0, margin = 0;  // implicit reward: margin > 0 (a tie counts half); mean margin
};

PairEval evaluate_pairs(Llama& policy, const std::vector<AnswerPair>& pairs, const std::vector<double>& ref_logp,
                        int32_t pad, double beta) {
  const std::vector<double> lp = pair_logps(policy, pairs, pad);
  PairEval e;
  for (size_t k = 0; k < pairs.size(); k++) {
    const DpoPair d = dpo_pair(lp[2 * k], lp[2 * k + 1], ref_logp[2 * k], ref_logp[2 * k + 1], beta);
    e.accuracy += pair_win(d.margin, 0.0);
    e.margin += d.margin;
  }
  if (!pairs.empty()) {
    e.accuracy /= static_cast<double>(pairs.size());
    e.margin /= static_cast<double>(pairs.size());
  }
  return e;
}

}  // namespace

DpoResult train_dpo(const DpoOptions& o) {
  if (!(o.beta > 0)) input_error("--beta must be > 0, got {}", o.beta);
  PreferenceSplits data = load_preference_splits(o.run_dir, o.user_data, 0);
  StageStart st = stage_start(o.run_dir, "dpo", o.init, "sft", o.resume);
  if (o.seq > st.ck.config.max_position_embeddings)
    input_error("--seq {} exceeds the model's context {}", o.seq, st.ck.config.max_position_embeddings);
  if (st.ck.config.num_labels != 0) input_error("{}: a reward model cannot be a DPO policy; pass an SFT checkpoint", st.from);
  // the reference is the model DPO starts from: --init or RUN/ckpt/sft, also when resuming
  Checkpoint ref_ck = st.resuming ? checkpoint_load(o.init.empty() ? o.run_dir + "/ckpt/sft" : o.init) : Checkpoint{};
  const Checkpoint& ref_src = st.resuming ? ref_ck : st.ck;
  Llama model(st.ck.config), ref(ref_src.config);
  std::copy(st.ck.params.data, st.ck.params.data + st.ck.layout.total, model.params.data);
  std::copy(ref_src.params.data, ref_src.params.data + ref_src.layout.total, ref.params.data);
  model.reserve(o.batch, o.seq);
  ref.reserve(o.batch, o.seq);

  DpoResult result;
  const PreferenceRows rows = preference_rows("dpo", st.tok, data, o.seq);  // the pairs point into these
  std::vector<AnswerPair> train_pairs = all_pairs(rows.train), val_pairs = all_pairs(rows.val);
  if (o.val_pairs > 0 && static_cast<int64_t>(val_pairs.size()) > o.val_pairs) val_pairs.resize(static_cast<size_t>(o.val_pairs));
  result.too_long = rows.too_long;
  result.train_pairs = static_cast<int64_t>(train_pairs.size());
  const int32_t pad = st.tok.special_id("<|pad|>");

  const std::vector<double> val_ref = pair_logps(ref, val_pairs, pad);  // once: the reference is frozen

  OptimizerConfig oc;
  oc.lr = o.lr > 0 ? o.lr : default_lr(st.ck.config) / 10.0f;
  oc.weight_decay = o.weight_decay;
  oc.warmup_steps = std::max<int64_t>(1, o.steps / 20);
  oc.min_lr_frac = 0.0f;
  TrainLoopOptions lo = stage_loop_options(o.run_dir, "dpo", st.out, o.steps, o.save_every, o.seed, o.stop_at);
  PairSource source(std::move(train_pairs), ref, pad, o.seed, o.beta);
  Trainer trainer(model, oc, lo);
  if (st.resuming) trainer.resume(source);
  std::fprintf(stderr, "dpo: %lld train pairs, %zu val, from %s, beta %.3g, lr %.2e\n", static_cast<long long>(source.size()),
               val_pairs.size(), st.from.c_str(), static_cast<double>(o.beta), static_cast<double>(oc.lr));
  result.val_accuracy_start = evaluate_pairs(model, val_pairs, val_ref, pad, o.beta).accuracy;
  trainer.hook_every = o.eval_every;
  trainer.hook = [&](Trainer& t, int64_t step) {
    const auto [acc, margin] = source.take_stats();
    const PairEval v = evaluate_pairs(model, val_pairs, val_ref, pad, o.beta);
    result.val_accuracy = v.accuracy;
    result.val_margin = v.margin;
    t.log_metric(step, "reward_acc", acc);
    t.log_metric(step, "reward_margin", margin);
    t.log_metric(step, "val_acc", v.accuracy);
    t.log_metric(step, "val_margin", v.margin);
    t.progress_note = fmt::format("val acc {:.3f} margin {:.3f}", v.accuracy, v.margin);
  };
  TrainResult tr = run_interruptible(trainer, source);
  result.steps = tr.end_step;
  result.interrupted = tr.interrupted;
  return result;
}

}  // namespace own
