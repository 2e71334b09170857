#include "train/ppo.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/check.h"
#include "core/epoch_order.h"
#include "core/fileio.h"
#include "core/progress.h"
#include "core/rng.h"
#include "data/loader.h"
#include "data/pref_rows.h"
#include "model/llama.h"
#include "train/loop.h"
#include "train/optimizer.h"
#include "train/pref_loss.h"
#include "train/reward_scorer.h"
#include "train/rollout.h"
#include "train/stage.h"

namespace own {
namespace fs = std::filesystem;

namespace {

constexpr const char* kCriticSubdir = "critic";

// One rollout's per-token quantities; index k is the answer's k-th token, predicted at row
// position answer_start - 1 + k.
struct Trajectory {
  AnswerRow row;
  bool ended = false;
  double score = 0;  // the reward model's, before the no-end penalty
  std::vector<double> logp, ref_logp, value, adv, ret;
  int64_t len() const { return static_cast<int64_t>(row.ids.size()) - row.answer_start; }
  int64_t pos(int64_t k) const { return row.answer_start - 1 + k; }
};

// Loads rows [r0, r0 + n) of the trajectories (by index) into a (B, T) batch; the rest is padding.
void put_rows(const std::vector<Trajectory>& tr, const std::vector<size_t>& idx, size_t r0, int64_t B, int64_t T,
              int32_t pad, int32_t* in, int32_t* tg) {
  for (int64_t b = 0; b < B; b++) {
    if (r0 + static_cast<size_t>(b) < idx.size()) put_answer_row(tr[idx[r0 + static_cast<size_t>(b)]].row, b, T, pad, in, tg);
    else put_empty_row(b, T, pad, in, tg);
  }
}

std::vector<size_t> iota_n(size_t n) {
  std::vector<size_t> v(n);
  for (size_t i = 0; i < n; i++) v[i] = i;
  return v;
}

TrainState train_state_of(const AdamW& opt, int64_t step, uint64_t cursor, const nlohmann::json& extra) {
  TrainState st;
  st.step = step;
  st.data_cursor = cursor;
  st.extra = extra;
  st.extra["adam_step"] = opt.step;
  return st;
}

// The policy and its critic (in <dir>/critic) as one checkpoint set: both at the same step or
// neither. The moments are lent to the TrainStates for the write and handed back, also on throw.
void save_policy_and_critic(const std::string& dir, const Llama& policy, AdamW& popt, const Llama& critic,
                            AdamW& copt, int64_t step, uint64_t cursor, const nlohmann::json& extra) {
  TrainState ps = train_state_of(popt, step, cursor, extra), cs = train_state_of(copt, step, cursor, extra);
  ps.m = std::move(popt.m), ps.v = std::move(popt.v), cs.m = std::move(copt.m), cs.v = std::move(copt.v);
  auto give_back = [&] {
    popt.m = std::move(ps.m), popt.v = std::move(ps.v), copt.m = std::move(cs.m), copt.v = std::move(cs.v);
  };
  try {
    checkpoint_save_set(dir, [&](const std::string& tmp) {
      checkpoint_write_files(tmp, policy.config, policy.layout, policy.params.data, &ps);
      const std::string critic_dir = (fs::path(tmp) / kCriticSubdir).string();
      fs::create_directory(critic_dir);
      checkpoint_write_files(critic_dir, critic.config, critic.layout, critic.params.data, &cs);
      fsync_dir(critic_dir);
    });
  } catch (...) {
    give_back();
    throw;
  }
  give_back();
}

// Where a resumed run's critic is: <ckpt>/critic (or in <ckpt>.old when a save was cut between
// its renames), or RUN/ckpt/ppo_critic, where runs before the critic moved inside kept it.
std::string saved_critic_dir(const std::string& out, const fs::path& run) {
  for (const std::string& d : {out, out + ".old"})
    if (fs::is_directory(fs::path(d) / kCriticSubdir)) return (fs::path(d) / kCriticSubdir).string();
  return (run / "ckpt" / "ppo_critic").string();
}

// params and optimizer state of a saved stage; returns the TrainState's step/cursor/extra
TrainState load_state(const std::string& dir, Llama& m, AdamW& opt) {
  Checkpoint ck = checkpoint_load(dir);
  if (ck.layout.total != m.layout.total) input_error("{}: a different model shape than this run's", dir);
  std::copy(ck.params.data, ck.params.data + ck.layout.total, m.params.data);
  m.config.score_bias = ck.config.score_bias;
  TrainState st;
  checkpoint_load_train_state(dir, m.layout, st);
  opt.m = std::move(st.m);
  opt.v = std::move(st.v);
  if (st.extra.contains("adam_step")) opt.step = st.extra["adam_step"].get<int64_t>();
  return st;
}

Checkpoint snapshot(const Llama& m) {
  Checkpoint ck{m.config, m.layout, FloatBuffer(m.layout.total)};
  std::copy(m.params.data, m.params.data + m.layout.total, ck.params.data);
  return ck;
}

}  // namespace

PpoResult train_ppo(const PpoOptions& o) {
  if (o.prompts <= 0 || o.minibatch <= 0 || o.epochs <= 0 || o.max_tokens <= 0 || o.steps <= 0)
    input_error("--steps, --prompts, --minibatch, --epochs and --max-tokens must be positive");
  if (!(o.kl_coef >= 0) || !(o.clip > 0) || !(o.value_clip > 0) || !(o.temperature > 0))
    input_error("--kl-coef must be >= 0; --clip, --value-clip and --temperature > 0");
  const fs::path run(o.run_dir);
  StageStart st = stage_start(o.run_dir, "ppo", o.init, "sft", o.resume);
  const Tokenizer& tok = st.tok;
  const std::string init = o.init.empty() ? (run / "ckpt" / "sft").string() : o.init;
  const std::string rm_dir = o.rm.empty() ? (run / "ckpt" / "rm").string() : o.rm;
  const Checkpoint ref_ck = checkpoint_load(init);
  const Checkpoint rm_ck = checkpoint_load(rm_dir);
  if (rm_ck.layout.score < 0) input_error("{}: not a reward model (no score head); run `ownchat train rm` first", rm_dir);
  if (ref_ck.config.num_labels != 0) input_error("{}: a reward model cannot be the PPO policy", init);
  if (o.seq > ref_ck.config.max_position_embeddings)
    input_error("--seq {} exceeds the model's context {}", o.seq, ref_ck.config.max_position_embeddings);
  const int64_t B = o.minibatch, T = o.seq;
  const int32_t pad = tok.special_id("<|pad|>");

  Llama policy(ref_ck.config), ref(ref_ck.config), critic(rm_ck.config);
  std::copy(ref_ck.params.data, ref_ck.params.data + ref_ck.layout.total, ref.params.data);
  std::copy(ref_ck.params.data, ref_ck.params.data + ref_ck.layout.total, policy.params.data);
  std::copy(rm_ck.params.data, rm_ck.params.data + rm_ck.layout.total, critic.params.data);
  for (Llama* m : {&policy, &ref, &critic}) m->reserve(B, T);
  RewardScorer rm(rm_ck, B, T, pad);

  OptimizerConfig pc, cc;
  pc.lr = o.lr > 0 ? o.lr : default_lr(policy.config) / 30.0f;
  cc.lr = o.critic_lr > 0 ? o.critic_lr : default_lr(critic.config) / 3.0f;
  pc.weight_decay = cc.weight_decay = 0.0f;
  pc.total_steps = cc.total_steps = 0;  // constant learning rates
  AdamW popt(pc, policy.layout.total), copt(cc, critic.layout.total);
  policy.enable_grads();
  critic.enable_grads();

  std::vector<std::vector<ChatMessage>> prompts =
      unique_prompts(load_preference_splits(o.run_dir, {}, 0).train, tok, T - o.max_tokens);
  if (prompts.empty()) input_error("no prompts fit --seq {} with room for --max-tokens {}", T, o.max_tokens);
  EpochOrder prompt_order(prompts.size(), o.seed, true);

  std::unique_ptr<PackedSource> ptx;
  std::vector<int32_t> ptx_in, ptx_tg;
  if (o.ptx_coef > 0) {
    ptx = std::make_unique<PackedSource>(load_split_tokens((run / "data" / "shards").string(), "train",
                                                           policy.config.vocab_size), T, o.seed, true);
    ptx_in.resize(static_cast<size_t>(B * T));
    ptx_tg.resize(ptx_in.size());
  }

  int64_t step = 0;
  uint64_t cursor = 0;
  float kl_coef = o.kl_coef;
  PpoResult result;
  if (st.resuming) {
    TrainState ps = load_state(st.out, policy, popt);
    load_state(saved_critic_dir(st.out, run), critic, copt);
    step = ps.step;
    cursor = ps.data_cursor;
    if (ps.extra.contains("kl_coef")) kl_coef = ps.extra["kl_coef"].get<float>();
    if (ps.extra.contains("nonfinite_skipped")) result.nonfinite_skipped = ps.extra["nonfinite_skipped"].get<int64_t>();
    std::fprintf(stderr, "ppo: resumed from %s at step %lld\n", st.out.c_str(), static_cast<long long>(step));
  }
  std::fprintf(stderr, "ppo: %zu prompts, %lld rollouts per step, policy %s, reward model %s, lr %.2e / critic %.2e\n",
               prompts.size(), static_cast<long long>(o.prompts), st.from.c_str(), rm_dir.c_str(),
               static_cast<double>(pc.lr), static_cast<double>(cc.lr));

  const std::string metrics = (run / "metrics.jsonl").string();
  auto save = [&]() {
    nlohmann::json extra = {{"stage", "ppo"}, {"kl_coef", kl_coef}, {"nonfinite_skipped", result.nonfinite_skipped}};
    save_policy_and_critic(st.out, policy, popt, critic, copt, step, cursor, extra);
  };
  std::vector<int32_t> in(static_cast<size_t>(B * T)), tg(in.size());
  std::vector<float> weights(in.size()), scores(in.size()), dscores(in.size());
  const int64_t last = o.stop_at > 0 ? std::min(o.stop_at, o.steps) : o.steps;
  Progress progress("ppo", o.steps, "steps", 2.0);
  InterruptScope interrupt;  // Ctrl-C: finish this step, save, return
  while (step < last) {
    // 1. rollouts from a snapshot of the policy
    std::vector<std::vector<ChatMessage>> batch;
    for (int64_t i = 0; i < o.prompts; i++) batch.push_back(prompts[static_cast<size_t>(prompt_order.at(cursor++))]);
    RolloutOptions ro;
    ro.max_tokens = o.max_tokens;
    ro.temperature = o.temperature;
    ro.seed = o.seed * 1000003ull + static_cast<uint64_t>(step);
    std::vector<Rollout> rolls = sample_answers(snapshot(policy), tok, batch, ro);
    std::vector<Trajectory> tr(rolls.size());
    std::vector<AnswerRow> rows;
    for (size_t i = 0; i < rolls.size(); i++) {
      tr[i].row = std::move(rolls[i].row);
      tr[i].ended = rolls[i].ended;
      rows.push_back(tr[i].row);
    }
    // 2. scores, log-probabilities under the policy and the reference, values
    const std::vector<float> rm_scores = rm.score(rows);
    const std::vector<size_t> all = iota_n(tr.size());
    for (size_t r0 = 0; r0 < tr.size(); r0 += static_cast<size_t>(B)) {
      put_rows(tr, all, r0, B, T, pad, in.data(), tg.data());
      policy.forward_loss(in.data(), tg.data());
      for (int64_t b = 0; b < B && r0 + static_cast<size_t>(b) < tr.size(); b++) {
        Trajectory& t = tr[r0 + static_cast<size_t>(b)];
        for (int64_t k = 0; k < t.len(); k++) t.logp.push_back(-policy.token_losses()[b * T + t.pos(k)]);
      }
      ref.forward_loss(in.data(), tg.data());
      critic.forward_scores(scores.data(), in.data());
      for (int64_t b = 0; b < B && r0 + static_cast<size_t>(b) < tr.size(); b++) {
        Trajectory& t = tr[r0 + static_cast<size_t>(b)];
        for (int64_t k = 0; k < t.len(); k++) {
          t.ref_logp.push_back(-ref.token_losses()[b * T + t.pos(k)]);
          t.value.push_back(scores[static_cast<size_t>(b * T + t.pos(k))]);
        }
      }
    }
    // 3. per-token rewards, GAE, whitened advantages
    double reward_sum = 0, kl_sum = 0, len_sum = 0, ended = 0, entropy_sum = 0, tokens = 0;
    bool finite = true;
    std::vector<double> all_adv;
    for (size_t i = 0; i < tr.size(); i++) {
      Trajectory& t = tr[i];
      t.score = rm_scores[i];
      const int64_t n = t.len();
      std::vector<double> r(static_cast<size_t>(n));
      double kl = 0;
      for (int64_t k = 0; k < n; k++) {
        const double d = t.logp[static_cast<size_t>(k)] - t.ref_logp[static_cast<size_t>(k)];
        kl += d;
        r[static_cast<size_t>(k)] = -kl_coef * d;
        entropy_sum -= t.logp[static_cast<size_t>(k)];
      }
      r[static_cast<size_t>(n - 1)] += t.score - (t.ended ? 0.0 : o.no_end_penalty);
      t.adv.assign(static_cast<size_t>(n), 0.0);
      t.ret.assign(static_cast<size_t>(n), 0.0);
      double next_value = 0, gae = 0;
      for (int64_t k = n - 1; k >= 0; k--) {
        const double v = t.value[static_cast<size_t>(k)];
        const double delta = r[static_cast<size_t>(k)] + o.gamma * next_value - v;
        gae = delta + o.gamma * o.lambda * gae;
        t.adv[static_cast<size_t>(k)] = gae;
        t.ret[static_cast<size_t>(k)] = gae + v;
        next_value = v;
      }
      all_adv.insert(all_adv.end(), t.adv.begin(), t.adv.end());
      reward_sum += t.score;
      kl_sum += kl;
      len_sum += static_cast<double>(n);
      ended += t.ended;
      tokens += static_cast<double>(n);
      finite = finite && std::isfinite(t.score) && std::isfinite(kl);
    }
    double mean = 0, var = 0;
    for (double a : all_adv) mean += a;
    mean /= static_cast<double>(all_adv.size());
    for (double a : all_adv) var += (a - mean) * (a - mean);
    const double inv_std = 1.0 / (std::sqrt(var / static_cast<double>(all_adv.size())) + 1e-8);
    for (Trajectory& t : tr)
      for (double& a : t.adv) a = (a - mean) * inv_std;
    const double n_roll = static_cast<double>(tr.size());
    const double mean_reward = reward_sum / n_roll, mean_kl = kl_sum / n_roll;

    // 4. PPO epochs over minibatches
    double policy_loss = 0, value_loss = 0, clipped = 0, counted = 0, approx_kl = 0, ptx_loss = 0;
    int64_t updates = 0;
    bool kl_break = false;
    if (!finite) {
      result.nonfinite_skipped++;
      std::fprintf(stderr, "ppo: step %lld: non-finite reward or KL; update skipped\n", static_cast<long long>(step));
    }
    for (int64_t epoch = 0; epoch < o.epochs && finite && !kl_break; epoch++) {
      std::vector<size_t> order = iota_n(tr.size());
      Rng shuffle(o.seed * 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(step) * 131 + static_cast<uint64_t>(epoch));
      for (size_t i = order.size(); i > 1; i--) std::swap(order[i - 1], order[shuffle.below(i)]);
      for (size_t r0 = 0; r0 < order.size(); r0 += static_cast<size_t>(B)) {
        put_rows(tr, order, r0, B, T, pad, in.data(), tg.data());
        const int64_t rows_here = std::min<int64_t>(B, static_cast<int64_t>(order.size() - r0));
        double mb_tokens = 0;
        for (int64_t b = 0; b < rows_here; b++) mb_tokens += static_cast<double>(tr[order[r0 + static_cast<size_t>(b)]].len());
        // policy: clipped surrogate through per-token weights on -log p
        policy.forward_loss(in.data(), tg.data());
        std::fill(weights.begin(), weights.end(), 0.0f);
        double mb_kl = 0;
        for (int64_t b = 0; b < rows_here; b++) {
          const Trajectory& t = tr[order[r0 + static_cast<size_t>(b)]];
          for (int64_t k = 0; k < t.len(); k++) {
            const double logp = -policy.token_losses()[b * T + t.pos(k)], old = t.logp[static_cast<size_t>(k)];
            double loss = 0;
            bool was_clipped = false;
            const double g = ppo_token(logp, old, t.adv[static_cast<size_t>(k)], o.clip, &loss, &was_clipped);
            weights[static_cast<size_t>(b * T + t.pos(k))] = static_cast<float>(-g / mb_tokens);
            policy_loss += loss;
            clipped += was_clipped;
            const double log_ratio = logp - old;
            mb_kl += std::exp(log_ratio) - 1.0 - log_ratio;  // k3 estimator of KL(old || new), >= 0
            counted++;
          }
        }
        approx_kl += mb_kl;
        policy.grads.zero();
        policy.backward_weighted(in.data(), tg.data(), weights.data());
        if (ptx) {
          ptx->next(ptx_in.data(), ptx_tg.data(), B, T);
          ptx_loss += policy.forward_backward(ptx_in.data(), ptx_tg.data(), o.ptx_coef);
        }
        const float pnorm = popt.update(policy);
        // critic: clipped value loss
        critic.forward_scores(scores.data(), in.data());
        std::fill(dscores.begin(), dscores.end(), 0.0f);
        for (int64_t b = 0; b < rows_here; b++) {
          const Trajectory& t = tr[order[r0 + static_cast<size_t>(b)]];
          for (int64_t k = 0; k < t.len(); k++) {
            const size_t at = static_cast<size_t>(b * T + t.pos(k));
            double loss = 0;
            const double g = ppo_value(scores[at], t.value[static_cast<size_t>(k)], t.ret[static_cast<size_t>(k)],
                                       o.value_clip, &loss);
            dscores[at] = static_cast<float>(g / mb_tokens);
            value_loss += loss;
          }
        }
        critic.grads.zero();
        critic.backward_scores(in.data(), dscores.data());
        const float cnorm = copt.update(critic);
        if (!std::isfinite(pnorm) || !std::isfinite(cnorm)) {
          result.nonfinite_skipped++;
          std::fprintf(stderr, "ppo: step %lld: non-finite gradient; update skipped\n", static_cast<long long>(step));
        }
        updates++;
        if (mb_kl / mb_tokens > o.max_update_kl) kl_break = true;  // the policy moved too far from its rollouts
      }
    }
    step++;
    // 5. adaptive KL coefficient (Ziegler et al. 2019): proportional control towards target_kl
    if (o.target_kl > 0) {
      const double e = std::clamp(mean_kl / o.target_kl - 1.0, -0.2, 0.2);
      kl_coef = static_cast<float>(kl_coef * (1.0 + e * n_roll / o.kl_horizon));
    }
    const double cnt = std::max(counted, 1.0);
    const std::pair<const char*, double> logged[] = {
        {"reward", mean_reward},           {"kl", mean_kl},
        {"kl_coef", kl_coef},              {"entropy", entropy_sum / std::max(tokens, 1.0)},
        {"clip_frac", clipped / cnt},      {"approx_kl", approx_kl / cnt},
        {"policy_loss", policy_loss / cnt}, {"value_loss", value_loss / cnt},
        {"response_len", len_sum / n_roll}, {"ended_frac", ended / n_roll},
        {"nonfinite_skipped", static_cast<double>(result.nonfinite_skipped)}};
    for (const auto& [name, value] : logged) append_metric(metrics, "ppo", step, name, value);
    if (ptx && updates > 0) append_metric(metrics, "ppo", step, "ptx_loss", ptx_loss / static_cast<double>(updates));
    if (result.steps == 0) result.reward_first = mean_reward;  // this invocation's first step
    result.steps = step;
    result.reward_last = mean_reward;
    result.kl_last = mean_kl;
    result.length_last = len_sum / n_roll;
    progress.update(step, fmt::format("reward {:+.3f} | kl {:.3f} | len {:.1f} | clip {:.2f}{}", mean_reward, mean_kl,
                                      len_sum / n_roll, clipped / cnt, kl_break ? " | update KL cap" : ""));
    if (mean_kl > o.kl_stop) {
      result.kl_stopped = true;
      std::fprintf(stderr, "ppo: KL to the reference %.2f > --kl-stop %.2f at step %lld; stopping\n", mean_kl,
                   static_cast<double>(o.kl_stop), static_cast<long long>(step));
      append_metric(metrics, "ppo", step, "kl_stop", 1);
      break;
    }
    if (interrupt.raised()) {
      result.interrupted = true;
      break;
    }
    if (o.save_every > 0 && step % o.save_every == 0 && step < last) save();
  }
  save();
  result.prompts = static_cast<int64_t>(prompts.size());
  return result;
}

}  // namespace own
