#include "train/ppo.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string_view>

#include "core/check.h"
#include "core/dist.h"
#include "core/epoch_order.h"
#include "core/progress.h"
#include "core/rng.h"
#include "core/run_dir.h"
#include "data/chat_loader.h"
#include "data/loader.h"
#include "data/pref_rows.h"
#include "model/llama.h"
#include "train/loop.h"
#include "train/optimizer.h"
#include "train/policy_judge.h"
#include "train/ppo_reward.h"
#include "train/ppo_state.h"
#include "train/pref_loss.h"
#include "train/reward_scorer.h"
#include "train/rollout.h"
#include "train/stage.h"

namespace own {

namespace {

// One rollout's per-token quantities; index k is the answer's k-th token, predicted at row
// position answer_start - 1 + k.
struct Trajectory {
  AnswerRow row;
  bool ended = false;
  double score = 0;   // the reward model's
  double shaped = 0;  // the score shaped (train/ppo_reward.h), minus the no-end penalty
  std::vector<double> logp, ref_logp, value, adv, ret;
  int64_t len() const { return static_cast<int64_t>(row.ids.size()) - row.answer_start; }
  int64_t pos(int64_t k) const { return row.answer_start - 1 + k; }
};

// Loads rows [r0, r0 + n) of the trajectories (by index) into a (B, T) batch; the rest is padding.
void put_rows(const std::vector<Trajectory>& tr, const std::vector<size_t>& idx, size_t r0, int64_t B, int64_t T,
              int32_t pad, int32_t* in, int32_t* tg) {
  for (int64_t b = 0; b < B; b++) {
    if (r0 + b < idx.size()) put_answer_row(tr[idx[r0 + b]].row, b, T, pad, in, tg);
    else put_empty_row(b, T, pad, in, tg);
  }
}

std::vector<size_t> iota_n(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; i++) v[i] = i;
  return v;
}

void check_options(const PpoOptions& o) {
  if (o.prompts <= 0 || o.minibatch <= 0 || o.epochs <= 0 || o.max_tokens <= 0 || o.steps <= 0)
    input_error("--steps, --prompts, --minibatch, --epochs and --max-tokens must be positive");
  if (!(o.kl_coef >= 0) || !(o.clip > 0) || !(o.value_clip > 0) || !(o.temperature > 0) || !(o.reward_clip > 0))
    input_error("--kl-coef must be >= 0; --clip, --value-clip, --reward-clip and --temperature > 0");
  if (o.target_kl > 0 && !(o.kl_coef > 0 && o.kl_horizon > 0))
    input_error("--target-kl {} scales --kl-coef, which must then be > 0 (got {}), as must --kl-horizon (got {})",
                o.target_kl, o.kl_coef, o.kl_horizon);
  if (o.prompts < dist::size() || o.minibatch < dist::size())
    input_error("--prompts {} and --minibatch {} must be at least the {} ranks: each rank samples a share of the "
                "rollouts and trains on a share of each minibatch",
                o.prompts, o.minibatch, dist::size());
  if (o.judge_every < -1 || o.judge_prompts <= 0 || !(o.judge_drop >= 0) || o.judge_patience < 0)
    input_error("--judge-every must be >= -1 (-1: at each save, 0: off), --judge-prompts > 0, --judge-drop and "
                "--judge-patience >= 0");
  if (o.ptx_data != "shards" && o.ptx_data != "chat")
    input_error("--ptx-data {}: unknown; expected shards (the pretraining data) or chat (SFT's conversations)",
                o.ptx_data);
}

// The (B, T) scratch of a step, and PPO-ptx's pretraining batches
struct PpoScratch {
  std::vector<int32_t> in, tg;                  // (B, T)
  std::vector<float> weights, scores, dscores;  // (B, T)
  std::vector<double> shaped;                   // (prompts): the step's shaped scores
  std::unique_ptr<BatchSource> ptx;             // null: PPO-ptx off
  std::vector<int32_t> ptx_in, ptx_tg;          // (B, T)
  PpoScratch(const PpoOptions& o, const ModelConfig& policy, const Tokenizer& tok) {
    const size_t n = static_cast<size_t>(o.minibatch * o.seq);
    in.resize(n), tg.resize(n), weights.resize(n), scores.resize(n), dscores.resize(n);
    shaped.resize(static_cast<size_t>(o.prompts));
    if (o.ptx_coef <= 0) return;
    const RunDir run(o.run_dir);
    if (o.ptx_data == "shards") {
      ptx = std::make_unique<PackedSource>(load_split_tokens(run.shards().string(), "train", policy.vocab_size), o.seq,
                                           o.seed, true);
    } else {  // the SFT conversations: their answers' loss, as SFT trains
      const std::string path = (run.data("chat") / "train.jsonl").string();
      if (!std::filesystem::exists(path)) input_error("--ptx-data chat: {} is missing; run `ownchat data chat`", path);
      int64_t too_long = 0;
      ptx = std::make_unique<ChatSource>(chat_examples(tok, read_chat_jsonl(path, true), o.seq + 1, &too_long),
                                         tok.special_id("<|pad|>"), o.seed, true, true);
      if (too_long > 0)
        fmt::print(stderr, "ppo: --ptx-data chat: {} conversations are longer than --seq {} + 1 tokens; left out\n",
                   too_long, o.seq);
    }
    ptx_in.resize(n), ptx_tg.resize(n);
  }
};

// 1. rollouts from a snapshot of the policy, o.prompts prompts from the cursor on. Data-parallel,
// each rank samples its contiguous share of them, with the seeds one process would use.
std::vector<Trajectory> rollout(const PpoOptions& o, const Llama& policy, const Tokenizer& tok,
                                const std::vector<std::vector<ChatMessage>>& prompts, EpochOrder& order, PpoProgress& p) {
  std::vector<std::vector<ChatMessage>> batch;
  const auto [first, end] = dist::share_of(o.prompts);
  for (int64_t i = 0; i < o.prompts; i++) {
    const size_t at = order.at(p.cursor++);  // every rank moves the cursor over the whole batch
    if (i >= first && i < end) batch.push_back(prompts[at]);
  }
  RolloutOptions ro;
  ro.first = static_cast<uint64_t>(first);
  ro.max_tokens = o.max_tokens;
  ro.temperature = o.temperature;
  ro.seed = o.seed * 1000003ull + static_cast<uint64_t>(p.step);
  std::vector<Rollout> rolls = sample_answers(policy.snapshot(), tok, batch, ro);
  std::vector<Trajectory> tr(rolls.size());
  for (size_t i = 0; i < rolls.size(); i++) {
    tr[i].row = std::move(rolls[i].row);
    tr[i].ended = rolls[i].ended;
  }
  return tr;
}

// 2. scores, log-probabilities under the policy and the reference, values
void score(std::vector<Trajectory>& tr, RewardScorer& rm, PpoModels& m, PpoScratch& s, int32_t pad) {
  std::vector<AnswerRow> rows;
  for (const Trajectory& t : tr) rows.push_back(t.row);
  const std::vector<float> rm_scores = rm.score(rows);
  for (size_t i = 0; i < tr.size(); i++) tr[i].score = rm_scores[i];
  const int64_t B = m.policy.batch(), T = m.policy.seq();
  const std::vector<size_t> all = iota_n(tr.size());
  for (size_t r0 = 0; r0 < tr.size(); r0 += static_cast<size_t>(B)) {
    put_rows(tr, all, r0, B, T, pad, s.in.data(), s.tg.data());
    m.policy.forward_loss(s.in.data(), s.tg.data());
    for (int64_t b = 0; b < B && r0 + b < tr.size(); b++) {
      Trajectory& t = tr[r0 + b];
      for (int64_t k = 0; k < t.len(); k++) t.logp.push_back(-m.policy.token_losses()[b * T + t.pos(k)]);
    }
    m.ref.forward_loss(s.in.data(), s.tg.data());
    m.critic.forward_scores(s.scores.data(), s.in.data());
    for (int64_t b = 0; b < B && r0 + b < tr.size(); b++) {
      Trajectory& t = tr[r0 + b];
      for (int64_t k = 0; k < t.len(); k++) {
        t.ref_logp.push_back(-m.ref.token_losses()[b * T + t.pos(k)]);
        t.value.push_back(s.scores[b * T + t.pos(k)]);
      }
    }
  }
}

// Data-parallel: every rank's scored rollouts on every rank, in prompt order (the shares are
// contiguous and in rank order), so the rest of the step sees what one process would.
template <class T>
void put_vec(std::string& out, const std::vector<T>& v) {
  const uint64_t n = v.size();
  out.append(reinterpret_cast<const char*>(&n), sizeof n);
  out.append(reinterpret_cast<const char*>(v.data()), n * sizeof(T));
}
template <class T>
T get_pod(std::string_view& in) {
  T x;
  OWN_CHECK(in.size() >= sizeof x, "truncated rollout message");
  std::memcpy(&x, in.data(), sizeof x);
  in.remove_prefix(sizeof x);
  return x;
}
template <class T>
std::vector<T> get_vec(std::string_view& in) {
  const auto n = get_pod<uint64_t>(in);
  OWN_CHECK(in.size() >= n * sizeof(T), "truncated rollout message");
  std::vector<T> v(n);
  std::memcpy(v.data(), in.data(), n * sizeof(T));
  in.remove_prefix(n * sizeof(T));
  return v;
}

void gather(std::vector<Trajectory>& tr) {
  if (dist::size() == 1) return;
  std::string mine;
  for (const Trajectory& t : tr) {
    put_vec(mine, t.row.ids);
    put_vec(mine, std::vector<double>{static_cast<double>(t.row.answer_start), t.ended ? 1.0 : 0.0, t.score});
    put_vec(mine, t.logp);
    put_vec(mine, t.ref_logp);
    put_vec(mine, t.value);
  }
  tr.clear();
  for (const std::string& part : dist::allgather(mine)) {
    for (std::string_view in = part; !in.empty();) {
      Trajectory& t = tr.emplace_back();
      t.row.ids = get_vec<int32_t>(in);
      const std::vector<double> head = get_vec<double>(in);
      OWN_CHECK(head.size() == 3, "rollout message");
      t.row.answer_start = static_cast<int64_t>(head[0]);
      t.ended = head[1] != 0;
      t.score = head[2];
      t.logp = get_vec<double>(in);
      t.ref_logp = get_vec<double>(in);
      t.value = get_vec<double>(in);
    }
  }
}

struct RolloutStats {
  double reward_sum = 0, shaped_sum = 0, kl_sum = 0, len_sum = 0, ended = 0, entropy_sum = 0, tokens = 0;
  double clipped = 0;  // shaped scores at the clip
  bool finite = true;
  double n = 0;  // rollouts
  double mean_reward() const { return reward_sum / n; }
  double mean_kl() const { return kl_sum / n; }
};

// 3a. the scores shaped against one answer style (train/ppo_reward.h), then the no-end penalty;
// non-finite scores leave the running scale alone (the step's update is skipped). Returns how many
// were clipped.
size_t shape(std::vector<Trajectory>& tr, const PpoOptions& o, PpoProgress& p, std::vector<double>& scores) {
  OWN_CHECK(scores.size() == tr.size(), "{} shaped scores for {} rollouts", scores.size(), tr.size());
  bool finite = true;
  for (size_t i = 0; i < tr.size(); i++) {
    scores[i] = tr[i].score;
    finite = finite && std::isfinite(scores[i]);
  }
  size_t clipped = 0;
  if (finite) clipped = shape_scores(scores.data(), scores.data(), scores.size(), o.reward_clip, p.score_scale);
  for (size_t i = 0; i < tr.size(); i++) tr[i].shaped = scores[i] - (tr[i].ended ? 0.0 : o.no_end_penalty);
  return clipped;
}

// 3b. per-token rewards (shaped score at the last token, KL penalty at each), GAE, whitened advantages
RolloutStats advantages(std::vector<Trajectory>& tr, const PpoOptions& o, double kl_coef) {
  RolloutStats st;
  std::vector<double> all_adv;
  for (Trajectory& t : tr) {
    const int64_t n = t.len();
    std::vector<double> r(static_cast<size_t>(n));
    double kl = 0;
    for (int64_t k = 0; k < n; k++) {
      const double d = t.logp[k] - t.ref_logp[k];
      kl += d;
      r[k] = -kl_coef * d;
      st.entropy_sum -= t.logp[k];
    }
    r[n - 1] += t.shaped;
    t.adv.assign(static_cast<size_t>(n), 0.0);
    t.ret.assign(static_cast<size_t>(n), 0.0);
    double next_value = 0, gae = 0;
    for (int64_t k = n - 1; k >= 0; k--) {
      const double v = t.value[k];
      const double delta = r[k] + o.gamma * next_value - v;
      gae = delta + o.gamma * o.lambda * gae;
      t.adv[k] = gae;
      t.ret[k] = gae + v;
      next_value = v;
    }
    all_adv.insert(all_adv.end(), t.adv.begin(), t.adv.end());
    st.reward_sum += t.score;
    st.kl_sum += kl;
    st.len_sum += static_cast<double>(n);
    st.ended += t.ended;
    st.tokens += static_cast<double>(n);
    st.shaped_sum += t.shaped;
    st.finite = st.finite && std::isfinite(t.score) && std::isfinite(kl);
  }
  double mean = 0, var = 0;
  for (double a : all_adv) mean += a;
  mean /= static_cast<double>(all_adv.size());
  for (double a : all_adv) var += (a - mean) * (a - mean);
  const double inv_std = 1.0 / (std::sqrt(var / static_cast<double>(all_adv.size())) + 1e-8);
  for (Trajectory& t : tr)
    for (double& a : t.adv) a = (a - mean) * inv_std;
  st.n = static_cast<double>(tr.size());
  return st;
}

struct UpdateStats {
  double policy_loss = 0, value_loss = 0, clipped = 0, counted = 0, approx_kl = 0, ptx_loss = 0;
  int64_t updates = 0;
  bool kl_break = false;
};

// policy: clipped surrogate through per-token weights on -log p; returns the minibatch's KL sum
double policy_update(const std::vector<Trajectory>& tr, const std::vector<size_t>& order, size_t r0, int64_t rows_here,
                     double mb_tokens, const PpoOptions& o, PpoModels& m, PpoScratch& s, UpdateStats& u) {
  const int64_t T = m.policy.seq();
  m.policy.forward_loss(s.in.data(), s.tg.data());
  std::fill(s.weights.begin(), s.weights.end(), 0.0f);
  double mb_kl = 0;
  for (int64_t b = 0; b < rows_here; b++) {
    const Trajectory& t = tr[order[r0 + b]];
    for (int64_t k = 0; k < t.len(); k++) {
      const double logp = -m.policy.token_losses()[b * T + t.pos(k)], old = t.logp[k];
      double loss = 0;
      bool was_clipped = false;
      const double g = ppo_token(logp, old, t.adv[k], o.clip, &loss, &was_clipped);
      s.weights[b * T + t.pos(k)] = static_cast<float>(-g / mb_tokens);
      u.policy_loss += loss;
      u.clipped += was_clipped;
      const double log_ratio = logp - old;
      mb_kl += std::exp(log_ratio) - 1.0 - log_ratio;  // k3 estimator of KL(old || new), >= 0
      u.counted++;
    }
  }
  u.approx_kl += mb_kl;
  m.policy.grads.zero();
  m.policy.backward_weighted(s.in.data(), s.tg.data(), s.weights.data());
  if (s.ptx) {  // data-parallel: every rank reads the batch, rank 0 alone adds its gradient
    s.ptx->next(s.ptx_in.data(), s.ptx_tg.data(), m.policy.batch(), T);
    if (dist::is_root()) u.ptx_loss += m.policy.forward_backward(s.ptx_in.data(), s.ptx_tg.data(), o.ptx_coef);
  }
  return mb_kl;
}

// critic: clipped value loss
void critic_backward(const std::vector<Trajectory>& tr, const std::vector<size_t>& order, size_t r0, int64_t rows_here,
                     double mb_tokens, const PpoOptions& o, PpoModels& m, PpoScratch& s, UpdateStats& u) {
  const int64_t T = m.critic.seq();
  m.critic.forward_scores(s.scores.data(), s.in.data());
  std::fill(s.dscores.begin(), s.dscores.end(), 0.0f);
  for (int64_t b = 0; b < rows_here; b++) {
    const Trajectory& t = tr[order[r0 + b]];
    for (int64_t k = 0; k < t.len(); k++) {
      const size_t at = static_cast<size_t>(b * T + t.pos(k));
      double loss = 0;
      const double g = ppo_value(s.scores[at], t.value[k], t.ret[k], o.value_clip, &loss);
      s.dscores[at] = static_cast<float>(g / mb_tokens);
      u.value_loss += loss;
    }
  }
  m.critic.grads.zero();
  m.critic.backward_scores(s.in.data(), s.dscores.data());
}

// The step's sums over the ranks' shares (data-parallel), so every rank reports the whole step.
void sum_over_ranks(UpdateStats& u) {
  for (double* x : {&u.policy_loss, &u.value_loss, &u.clipped, &u.counted, &u.approx_kl, &u.ptx_loss})
    *x = dist::allreduce_sum(*x);
}

// 4. PPO epochs over minibatches. Data-parallel, each rank takes a contiguous share of every
// minibatch's rows; the gradients, and the KL that can end the epochs, are summed over the ranks.
UpdateStats update(const std::vector<Trajectory>& tr, const PpoOptions& o, PpoModels& m, PpoScratch& s, int32_t pad,
                   PpoProgress& p) {
  const int64_t B = m.policy.batch(), T = m.policy.seq();
  UpdateStats u;
  for (int64_t epoch = 0; epoch < o.epochs && !u.kl_break; epoch++) {
    std::vector<size_t> order = iota_n(tr.size());
    Rng order_rng(o.seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(p.step) * 131 + static_cast<uint64_t>(epoch));
    shuffle(order, order_rng);
    for (size_t r0 = 0; r0 < order.size(); r0 += static_cast<size_t>(B)) {
      const int64_t rows_here = std::min<int64_t>(B, static_cast<int64_t>(order.size() - r0));
      double mb_tokens = 0;
      for (int64_t b = 0; b < rows_here; b++) mb_tokens += static_cast<double>(tr[order[r0 + b]].len());
      const auto [first, end] = dist::share_of(rows_here);
      const std::vector<size_t> mine(order.begin() + static_cast<int64_t>(r0) + first,
                                     order.begin() + static_cast<int64_t>(r0) + end);
      const int64_t n_mine = end - first;
      put_rows(tr, mine, 0, B, T, pad, s.in.data(), s.tg.data());
      const double mb_kl = dist::allreduce_sum(policy_update(tr, mine, 0, n_mine, mb_tokens, o, m, s, u));
      dist::allreduce_sum(m.policy.grads.data, m.policy.layout.total);
      const float pnorm = m.popt.update(m.policy);
      critic_backward(tr, mine, 0, n_mine, mb_tokens, o, m, s, u);
      dist::allreduce_sum(m.critic.grads.data, m.critic.layout.total);
      const float cnorm = m.copt.update(m.critic);
      if (!std::isfinite(pnorm) || !std::isfinite(cnorm)) {
        p.result.nonfinite_skipped++;
        fmt::print(stderr, "ppo: step {}: non-finite gradient; update skipped\n", p.step);
      }
      u.updates++;
      if (mb_kl / mb_tokens > o.max_update_kl) u.kl_break = true;  // the policy moved too far from its rollouts
    }
  }
  sum_over_ranks(u);
  return u;
}

// the step's metrics, result and progress line (p.step is the step just taken)
void report_step(const std::string& metrics, const RolloutStats& rs, const UpdateStats& u, bool ptx, PpoProgress& p,
                 Progress& progress) {
  const double cnt = std::max(u.counted, 1.0);
  const std::pair<const char*, double> logged[] = {
      {"reward", rs.mean_reward()},            {"shaped_reward", rs.shaped_sum / rs.n},
      {"reward_clip_frac", rs.clipped / rs.n}, {"score_std", p.score_scale.std()},
      {"kl", rs.mean_kl()},                    {"kl_coef", p.kl_coef},
      {"entropy", rs.entropy_sum / std::max(rs.tokens, 1.0)},
      {"clip_frac", u.clipped / cnt},          {"approx_kl", u.approx_kl / cnt},
      {"policy_loss", u.policy_loss / cnt},    {"value_loss", u.value_loss / cnt},
      {"response_len", rs.len_sum / rs.n},     {"ended_frac", rs.ended / rs.n},
      {"nonfinite_skipped", static_cast<double>(p.result.nonfinite_skipped)}};
  for (const auto& [name, value] : logged) append_metric(metrics, "ppo", p.step, name, value);
  if (ptx && u.updates > 0) append_metric(metrics, "ppo", p.step, "ptx_loss", u.ptx_loss / static_cast<double>(u.updates));
  if (p.result.steps == 0) p.result.reward_first = rs.mean_reward();  // this invocation's first step
  p.result.steps = p.step;
  p.result.reward_last = rs.mean_reward();
  p.result.kl_last = rs.mean_kl();
  p.result.length_last = rs.len_sum / rs.n;
  progress.update(p.step, fmt::format("reward {:+.3f} | kl {:.3f} | len {:.1f} | clip {:.2f}{}", rs.mean_reward(),
                                      rs.mean_kl(), rs.len_sum / rs.n, u.clipped / cnt,
                                      u.kl_break ? " | update KL cap" : ""));
}

// What the steps share: the options, the prompts and their order, the models, the reward model,
// the scratch, and the validation judge (null with the check off)
struct PpoRun {
  const PpoOptions& o;
  const Tokenizer& tok;
  const std::vector<std::vector<ChatMessage>>& prompts;
  EpochOrder& order;
  PpoModels& m;
  RewardScorer& rm;
  PpoScratch& s;
  const PolicyJudge* judge;
  int32_t pad;
  std::string metrics;
};

// One step: rollouts, scores, shaped rewards, the PPO update, the KL coefficient, the metrics.
// Marks the run stopped when the KL to the reference passes --kl-stop.
void ppo_step(PpoRun& r, PpoProgress& p, Progress& progress) {
  std::vector<Trajectory> tr = rollout(r.o, r.m.policy, r.tok, r.prompts, r.order, p);
  score(tr, r.rm, r.m, r.s, r.pad);
  gather(tr);
  const size_t clipped = shape(tr, r.o, p, r.s.shaped);
  RolloutStats rs = advantages(tr, r.o, p.kl_coef);
  rs.clipped = static_cast<double>(clipped);
  UpdateStats u;
  if (rs.finite) {
    u = update(tr, r.o, r.m, r.s, r.pad, p);
  } else {
    p.result.nonfinite_skipped++;
    fmt::print(stderr, "ppo: step {}: non-finite reward or KL; update skipped\n", p.step);
  }
  p.step++;
  p.kl_coef = static_cast<float>(adapt_kl_coef(p.kl_coef, rs.mean_kl(), r.o.target_kl, rs.n, r.o.kl_horizon));
  report_step(r.metrics, rs, u, r.s.ptx != nullptr, p, progress);
  if (rs.mean_kl() > r.o.kl_stop) {
    p.stopped = "kl";
    fmt::print(stderr, "ppo: KL to the reference {:.2f} > --kl-stop {:.2f} at step {}; stopping\n", rs.mean_kl(),
               r.o.kl_stop, p.step);
    append_metric(r.metrics, "ppo", p.step, "kl_stop", 1);
  }
}

// The validation rule-judge check at p.step: logged, the policy kept when it is the best so far
// and lost no family (BestPolicy), the run marked stopped once it has been behind the best for
// --judge-patience checks
void judge_check(PpoRun& r, PpoProgress& p) {
  const JudgeScore js = r.judge->judge(r.m.policy.snapshot());
  log_judge_score(r.metrics, "ppo", p.step, js);
  const bool best = p.judged.observe(p.step, js, r.o.judge_drop, r.o.judge_patience);
  if (best) r.m.keep_policy_as_best();
  fmt::print(stderr, "ppo: step {}{}: {}\n", p.step, p.step == 0 ? " (the SFT policy)" : "", p.judged.describe(js, best));
  if (!p.judged.stop) return;
  p.stopped = "judge";
  fmt::print(stderr, "ppo: the val rule-judge score has been more than --judge-drop {:.3g} below the best for {} "
                     "checks; stopping at step {}\n", r.o.judge_drop, p.judged.checks_below, p.step);
  append_metric(r.metrics, "ppo", p.step, "judge_stop", 1);
}

bool judge_due(const PpoOptions& o, int64_t step) {
  const int64_t every = o.judge_every < 0 ? o.save_every : o.judge_every;
  return (every > 0 && step % every == 0) || step == o.steps;
}

// which policy the checkpoint holds, said at the end
void report_kept(const PpoProgress& p, const std::string& out) {
  const BestPolicy& j = p.judged;
  if (j.best_step < 0) return;
  if (j.best_step == 0)
    fmt::print(stderr, "ppo: no step beat the SFT policy's val rule-judge score {:.3f}: {} holds the SFT weights "
                       "(the trained policy, step {}, is in {}/current)\n", j.best_score, out, p.step, out);
  else
    fmt::print(stderr, "ppo: {} holds the policy of step {}, the best by the val rule judges ({:.3f}; first check "
                       "{:.3f}); the trained policy, step {}, is in {}/current\n", out, j.best_step, j.best_score,
               j.first_score, p.step, out);
}

// the steps up to --steps (or --stop-at), each followed by its judge check and its save, until
// Ctrl-C or an early stop
void ppo_steps(PpoRun& r, PpoProgress& p, const std::string& out) {
  const int64_t last = r.o.stop_at > 0 ? std::min(r.o.stop_at, r.o.steps) : r.o.steps;
  Progress progress("ppo", r.o.steps, "steps", 2.0);
  InterruptScope interrupt;  // Ctrl-C: finish this step, save, return
  if (r.judge && p.judged.best_step < 0 && p.stopped.empty()) judge_check(r, p);  // the policy it starts from
  while (p.step < last && p.stopped.empty()) {
    ppo_step(r, p, progress);
    if (r.judge && p.stopped.empty() && judge_due(r.o, p.step)) judge_check(r, p);
    if (dist::allreduce_max(interrupt.raised() ? 1.0 : 0.0) > 0) {  // Ctrl-C on any rank stops them all
      p.result.interrupted = true;
      break;
    }
    if (r.o.save_every > 0 && p.step % r.o.save_every == 0 && p.step < last && p.stopped.empty()) ppo_save(out, r.m, p);
  }
}

}  // namespace

PpoResult train_ppo(const PpoOptions& o) {
  check_options(o);
  const RunDir run(o.run_dir);
  const StageStart st = stage_start(o.run_dir, "ppo", o.init, "sft", o.resume);
  const std::string init = o.init.empty() ? run.ckpt("sft").string() : o.init;
  const std::string rm_dir = o.rm.empty() ? run.ckpt("rm").string() : o.rm;
  const Checkpoint ref_ck = checkpoint_load(init);
  const Checkpoint rm_ck = checkpoint_load(rm_dir);
  if (rm_ck.layout.score < 0) input_error("{}: not a reward model (no score head); run `ownchat train rm` first", rm_dir);
  if (ref_ck.config.num_labels != 0) input_error("{}: a reward model cannot be the PPO policy", init);
  if (o.seq > ref_ck.config.max_position_embeddings)
    input_error("--seq {} exceeds the model's context {}", o.seq, ref_ck.config.max_position_embeddings);
  const int32_t pad = st.tok.special_id("<|pad|>");
  PpoModels m(o, ref_ck, rm_ck, o.judge_every != 0);
  RewardScorer rm(rm_ck, o.minibatch, o.seq, pad);

  const std::vector<std::vector<ChatMessage>> prompts =
      unique_prompts(load_preference_splits(o.run_dir, {}, 0).train, st.tok, o.seq - o.max_tokens);
  if (prompts.empty()) input_error("no prompts fit --seq {} with room for --max-tokens {}", o.seq, o.max_tokens);
  std::optional<PolicyJudge> judge;
  if (o.judge_every != 0)
    judge.emplace((run.data("chat") / "val.jsonl").string(), st.tok, o.judge_prompts, o.seq - o.max_tokens, o.max_tokens);
  EpochOrder prompt_order(prompts.size(), o.seed, true);
  PpoScratch s(o, m.policy.config, st.tok);
  PpoProgress p;
  p.kl_coef = o.kl_coef;
  if (st.resuming) ppo_resume(st.out, o.run_dir, m, p);
  fmt::print(stderr, "ppo: {} prompts, {} rollouts per step, policy {}, reward model {}, lr {:.2e} / critic {:.2e}{}\n",
             prompts.size(), o.prompts, st.from, rm_dir, m.popt.cfg.lr, m.copt.cfg.lr,
             judge ? fmt::format(", judged on {} val prompts of {} families", judge->prompts(), judge->families()) : "");
  PpoRun r{o, st.tok, prompts, prompt_order, m, rm, s, judge ? &*judge : nullptr, pad, run.metrics().string()};
  ppo_steps(r, p, st.out);
  ppo_save(st.out, m, p);
  report_kept(p, st.out);
  p.result.steps = p.step;
  p.result.prompts = static_cast<int64_t>(prompts.size());
  p.result.kl_stopped = p.stopped == "kl";
  p.result.judge_stopped = p.stopped == "judge";
  p.result.best_step = p.judged.best_step;
  p.result.judge_first = p.judged.first_score;
  p.result.judge_best = p.judged.best_score;
  return p.result;
}

}  // namespace own
