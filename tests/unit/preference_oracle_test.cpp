// The preference-stage losses against the PyTorch oracle (tests/oracle/preference_ref.py,
// autograd in float64) on identical weights and batches: the reward model's ranking loss, DPO,
// DPO with RPO's SFT term on the chosen answer, PPO's clipped policy loss and its clipped value loss. Each is computed here the way the stages
// compute it (train/rm.cpp, dpo.cpp, ppo.cpp): a forward, the scalar loss functions of
// train/pref_loss.h, per-row or per-token coefficients, then backward_scores/backward_weighted.
// Tolerances (fp32 against float64): loss rel 1e-4; every gradient |ours - ref| <= 1e-3 |ref| +
// 1e-4 max|ref| (summation order and fp32 rounding only).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "core/rng.h"
#include "data/answer_rows.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "model/safetensors.h"
#include "train/answer_logps.h"
#include "train/pref_loss.h"

using namespace own;
namespace fs = std::filesystem;

namespace {

constexpr int64_t B = 8, T = 17, K = 4;
constexpr double kBeta = 0.5, kClip = 0.2, kValueClip = 0.2;
// large enough that the SFT term's share of every chosen row's gradient is far above the tolerance
constexpr double kSftCoef = 0.7;

std::vector<float> read_all(const SafetensorsFile& f, const std::string& name) {
  std::vector<float> v(static_cast<size_t>(f.info(name).numel));
  f.read_f32(name, v.data(), static_cast<int64_t>(v.size()));
  return v;
}

// every gradient matches; all tensors but the one head the loss does not use have one
void expect_grads(const Llama& m, const SafetensorsFile& ref, const std::string& loss_name) {
  size_t with_grad = 0;
  for (const auto& t : m.layout.tensors) {
    const std::vector<float> want = read_all(ref, loss_name + ".grad." + t.name);
    double maxref = 0;
    for (float w : want) maxref = std::max(maxref, static_cast<double>(std::fabs(w)));
    int bad = 0;
    for (int64_t i = 0; i < t.numel; i++) {
      const double got = m.grads.data[t.offset + i], r = want[static_cast<size_t>(i)];
      if (!(std::fabs(got - r) <= 1e-3 * std::fabs(r) + 1e-4 * maxref) && bad++ < 3)
        ADD_FAILURE() << loss_name << " grad " << t.name << "[" << i << "]: ours " << got << " ref " << r;
    }
    with_grad += maxref > 0;
  }
  EXPECT_GE(with_grad + 1, m.layout.tensors.size()) << loss_name << ": tensors without a gradient; the check is vacuous";
}

}  // namespace

TEST(PreferenceOracle, RewardDpoRpoPpoAndValueLossesMatchPyTorch) {
  ModelOverrides ov;
  ov.n_embd = 64;
  ov.n_head = 4;
  ov.ffn = 160;
  ov.vocab = 101;
  ov.seq = 32;
  ov.tied = 1;
  ModelConfig cfg = config_from_depth(2, ov);
  cfg.num_labels = 1;
  cfg.score_bias = 0.3f;
  Llama m(cfg);
  m.reserve(B, T);
  params_init(m.params.data, m.layout, cfg, 99);
  Rng r(5);
  for (const auto& t : m.layout.tensors)
    for (int64_t i = 0; i < t.numel; i++) {
      if (!t.is_matrix) m.params.data[t.offset + i] += 0.1f * r.normal();
      if (t.name == "score.weight") m.params.data[t.offset + i] = 0.3f * r.normal();
    }

  // rows: a prompt of 3..6 tokens, an answer up to the row's end at 9..17 tokens, then padding
  std::vector<int32_t> in(B * T), tg(B * T), last(B);
  std::vector<AnswerRow> rows(B);
  for (int64_t b = 0; b < B; b++) {
    const int64_t n = 9 + static_cast<int64_t>(r.below(T - 8)), s = 3 + static_cast<int64_t>(r.below(4));
    for (int64_t t = 0; t < n; t++) rows[b].ids.push_back(static_cast<int32_t>(1 + r.below(100)));
    rows[b].answer_start = s;
    put_answer_row(rows[b], b, T, 0, in.data(), tg.data());
    last[b] = static_cast<int32_t>(rows[b].last());
  }
  // the current log-probabilities and scores, perturbed into the "old" ones of a rollout
  m.forward_loss(in.data(), tg.data());
  std::vector<float> old_logp(B * T, 0.0f), adv(B * T, 0.0f), ret(B * T, 0.0f), old_value(B * T, 0.0f), ref_logp(B);
  for (int64_t i = 0; i < B * T; i++)
    if (tg[i] >= 0) {
      old_logp[i] = -m.token_losses()[i] + 0.15f * r.normal();
      adv[i] = r.normal();
      ret[i] = r.normal();
    }
  for (int64_t b = 0; b < B; b++) ref_logp[b] = static_cast<float>(row_logp(m.token_losses(), b, T)) + r.normal();
  std::vector<float> scores(B * T), dscores(B * T);
  m.forward_scores(scores.data(), in.data());
  for (int64_t i = 0; i < B * T; i++) old_value[i] = tg[i] >= 0 ? scores[i] + 0.3f * r.normal() : 0.0f;

  fs::path dir = fs::path(::testing::TempDir()) / "preference_oracle";
  fs::remove_all(dir);
  fs::create_directories(dir);
  checkpoint_save((dir / "ckpt").string(), cfg, m.layout, m.params.data, nullptr);
  const float k = K, beta = kBeta, clip = kClip, vclip = kValueClip, sft_coef = kSftCoef;
  safetensors_write((dir / "batch.safetensors").string(),
                    {{"inputs", Dtype::I32, {B, T}, in.data()}, {"targets", Dtype::I32, {B, T}, tg.data()},
                     {"last", Dtype::I32, {B}, last.data()}, {"K", Dtype::F32, {1}, &k},
                     {"beta", Dtype::F32, {1}, &beta}, {"clip", Dtype::F32, {1}, &clip},
                     {"value_clip", Dtype::F32, {1}, &vclip}, {"sft_coef", Dtype::F32, {1}, &sft_coef},
                     {"ref_logp", Dtype::F32, {B}, ref_logp.data()},
                     {"old_logp", Dtype::F32, {B, T}, old_logp.data()}, {"adv", Dtype::F32, {B, T}, adv.data()},
                     {"old_value", Dtype::F32, {B, T}, old_value.data()}, {"ret", Dtype::F32, {B, T}, ret.data()}});
  const std::string out = (dir / "ref.safetensors").string();
  const std::string cmd = std::string(OWN_PYTHON) + " " + OWN_SOURCE_DIR + "/tests/oracle/preference_ref.py --ckpt " +
                          (dir / "ckpt").string() + " --batch " + (dir / "batch.safetensors").string() + " --out " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0) << "oracle failed: " << cmd;
  SafetensorsFile ref(out);
  m.enable_grads();
  auto expect_loss = [&](double ours, const std::string& name) {
    const double want = read_all(ref, name + ".loss")[0];
    EXPECT_NEAR(ours, want, 1e-4 * std::fabs(want) + 1e-6) << name;
  };

  {  // reward model: rankings of K consecutive rows, score at each row's last token
    m.grads.zero();
    m.forward_scores(scores.data(), in.data());
    std::fill(dscores.begin(), dscores.end(), 0.0f);
    double loss = 0;
    for (int64_t g = 0; g < B / K; g++) {
      float rk[K], dr[K];
      for (int64_t j = 0; j < K; j++) rk[j] = scores[(g * K + j) * T + last[g * K + j]];
      int correct = 0;
      loss += ranking_loss(rk, K, dr, &correct) / (B / K);
      for (int64_t j = 0; j < K; j++) dscores[(g * K + j) * T + last[g * K + j]] = dr[j] / (B / K);
    }
    m.backward_scores(in.data(), dscores.data());
    expect_loss(loss, "rm");
    expect_grads(m, ref, "rm");
  }
  // DPO: rows 2p chosen, 2p + 1 rejected; weights on -log p are -d(loss)/d(logp). With sft_coef > 0
  // (RPO) the chosen row's weight also carries the NLL per token of its answer.
  auto check_dpo = [&](const std::string& name, double sft_coef) {
    m.grads.zero();
    m.forward_loss(in.data(), tg.data());
    std::vector<float> w(B * T, 0.0f);
    double loss = 0;
    for (int64_t p = 0; p < B / 2; p++) {
      const DpoPair d = dpo_pair(row_logp(m.token_losses(), 2 * p, T), row_logp(m.token_losses(), 2 * p + 1, T),
                                 ref_logp[2 * p], ref_logp[2 * p + 1], kBeta, sft_coef, row_tokens(tg.data(), 2 * p, T));
      loss += d.loss / (B / 2);
      std::fill(w.begin() + 2 * p * T, w.begin() + (2 * p + 1) * T, static_cast<float>(-d.dpc / (B / 2)));
      std::fill(w.begin() + (2 * p + 1) * T, w.begin() + (2 * p + 2) * T, static_cast<float>(-d.dpr / (B / 2)));
    }
    m.backward_weighted(in.data(), tg.data(), w.data());
    expect_loss(loss, name);
    expect_grads(m, ref, name);
  };
  check_dpo("dpo", 0.0);
  check_dpo("rpo", kSftCoef);
  {  // the SFT term is not lost in the tolerance: the oracle's losses differ by sft_coef * mean NLL > 0.1
    const double dpo = read_all(ref, "dpo.loss")[0], rpo = read_all(ref, "rpo.loss")[0];
    EXPECT_GT(rpo - dpo, 0.1) << "RPO's NLL term barely changes the loss; the check would not see it missing";
  }
  int64_t n_tokens = 0;
  for (int32_t t : tg) n_tokens += t >= 0;
  {  // PPO policy: clipped surrogate per answer token
    m.grads.zero();
    m.forward_loss(in.data(), tg.data());
    std::vector<float> w(B * T, 0.0f);
    double loss = 0;
    int clipped_tokens = 0;
    for (int64_t i = 0; i < B * T; i++) {
      if (tg[i] < 0) continue;
      double l = 0;
      bool clipped = false;
      const double g = ppo_token(-m.token_losses()[i], old_logp[i], adv[i], kClip, &l, &clipped);
      w[i] = static_cast<float>(-g / n_tokens);
      loss += l / n_tokens;
      clipped_tokens += clipped;
    }
    EXPECT_GT(clipped_tokens, 0) << "no token took the clipped branch; that branch would go unchecked";
    m.backward_weighted(in.data(), tg.data(), w.data());
    expect_loss(loss, "ppo");
    expect_grads(m, ref, "ppo");
  }
  {  // value: clipped around the rollout's values at every answer token
    m.grads.zero();
    m.forward_scores(scores.data(), in.data());
    std::fill(dscores.begin(), dscores.end(), 0.0f);
    double loss = 0;
    for (int64_t i = 0; i < B * T; i++) {
      if (tg[i] < 0) continue;
      double l = 0;
      dscores[i] = static_cast<float>(ppo_value(scores[i], old_value[i], ret[i], kValueClip, &l) / n_tokens);
      loss += l / n_tokens;
    }
    m.backward_scores(in.data(), dscores.data());
    expect_loss(loss, "value");
    expect_grads(m, ref, "value");
  }
}
