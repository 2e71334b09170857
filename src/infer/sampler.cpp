#include "infer/sampler.h"

#include <algorithm>
#include <cmath>

#include "core/check.h"
#include "kernels/simd.h"

namespace own {

void SamplingParams::validate(int64_t V) const {
  if (!(temperature >= 0.0f && temperature <= 100.0f)) input_error("temperature must be in [0, 100] (got {})", temperature);
  if (top_k < 0) input_error("top_k must be >= 0 (got {})", top_k);
  if (!(top_p > 0.0f && top_p <= 1.0f)) input_error("top_p must be in (0, 1] (got {})", top_p);
  if (!(min_p >= 0.0f && min_p < 1.0f)) input_error("min_p must be in [0, 1) (got {})", min_p);
  if (!(repetition_penalty > 0.0f && repetition_penalty <= 10.0f))
    input_error("repetition_penalty must be in (0, 10] (got {})", repetition_penalty);
  if (!(presence_penalty >= -2.0f && presence_penalty <= 2.0f))
    input_error("presence_penalty must be in [-2, 2] (got {})", presence_penalty);
  if (!(frequency_penalty >= -2.0f && frequency_penalty <= 2.0f))
    input_error("frequency_penalty must be in [-2, 2] (got {})", frequency_penalty);
  if (top_logprobs < 0 || top_logprobs > 20) input_error("top_logprobs must be in [0, 20] (got {})", top_logprobs);
  for (auto [id, b] : logit_bias) {
    if (id < 0 || id >= V) input_error("logit_bias: token id {} is outside the vocabulary [0, {})", id, V);
    if (!(b >= -100.0f && b <= 100.0f)) input_error("logit_bias: value {} for token {} is outside [-100, 100]", b, id);
  }
}

Sampler::Sampler(const SamplingParams& p, int64_t vocab, std::span<const int32_t> prompt)
    : p_(p), V_(vocab), rng_(p.seed.value_or(0)) {
  p_.validate(vocab);
  if (p_.presence_penalty != 0.0f || p_.frequency_penalty != 0.0f || p_.repetition_penalty != 1.0f)
    counts_.assign(static_cast<size_t>(V_), 0);
  if (p_.repetition_penalty != 1.0f) {
    in_prompt_.assign(static_cast<size_t>(V_), 0);
    for (int32_t t : prompt)
      if (t >= 0 && t < V_) in_prompt_[t] = 1;
  }
}

void Sampler::accept(int32_t token) {
  if (!counts_.empty()) counts_[token]++;
}

// descending logit, ties -> lower id: a total order, so selection is deterministic
static bool before(const std::pair<float, int32_t>& a, const std::pair<float, int32_t>& b) {
  return a.first > b.first || (a.first == b.first && a.second < b.second);
}

void Sampler::log_softmax_top(float* logits, int32_t token, TokenLogprob* chosen, std::vector<TokenLogprob>* top) {
  // what needs the raw logits first (the chosen token's and the top alternatives'), then the
  // log-sum-exp, which overwrites logits with exp(logit - max)
  const float m = simd::max(logits, V_);
  const float chosen_logit = logits[token];
  if (top && p_.top_logprobs > 0) {
    cand_.resize(static_cast<size_t>(V_));
    for (int64_t i = 0; i < V_; i++) cand_[i] = {logits[i], static_cast<int32_t>(i)};
    const int64_t k = std::min(p_.top_logprobs, V_);
    std::partial_sort(cand_.begin(), cand_.begin() + k, cand_.end(), before);
    top->clear();
    for (int64_t i = 0; i < k; i++) top->push_back({cand_[i].second, cand_[i].first});
  }
  const float lse = m + std::log(simd::exp_shift_sum(logits, m, V_));
  if (chosen) *chosen = {token, chosen_logit - lse};
  if (top)
    for (TokenLogprob& t : *top) t.logprob -= lse;
}

int32_t Sampler::sample(float* logits, bool want_logprobs, TokenLogprob* chosen, std::vector<TokenLogprob>* top) {
  const int64_t V = V_;
  if (want_logprobs) raw_.assign(logits, logits + V);

  for (auto [id, b] : p_.logit_bias) logits[id] += b;
  if (!counts_.empty()) {
    for (int64_t i = 0; i < V; i++) {
      const int32_t n = counts_[i];
      if (p_.repetition_penalty != 1.0f && (n > 0 || in_prompt_[i]))
        logits[i] = logits[i] > 0.0f ? logits[i] / p_.repetition_penalty : logits[i] * p_.repetition_penalty;
      if (n > 0) logits[i] -= p_.presence_penalty + p_.frequency_penalty * static_cast<float>(n);
    }
  }

  int32_t token = 0;
  if (p_.temperature == 0.0f) {
    for (int64_t i = 1; i < V; i++)
      if (logits[i] > logits[token]) token = static_cast<int32_t>(i);
  } else {
    const float inv_t = 1.0f / p_.temperature;
    for (int64_t i = 0; i < V; i++) logits[i] *= inv_t;
    const float u = rng_.uniform();
    if (p_.top_k == 0 && p_.top_p >= 1.0f && p_.min_p == 0.0f) {
      // plain softmax draw over the whole vocabulary
      const float total = simd::exp_shift_sum(logits, simd::max(logits, V), V);
      const float target = u * total;
      float cum = 0.0f;
      token = static_cast<int32_t>(V - 1);
      for (int64_t i = 0; i < V; i++) {
        cum += logits[i];
        if (cum > target) {
          token = static_cast<int32_t>(i);
          break;
        }
      }
    } else {
      // candidates sorted by logit: the top_k, or as many as top_p / min_p can need
      cand_.resize(static_cast<size_t>(V));
      for (int64_t i = 0; i < V; i++) cand_[i] = {logits[i], static_cast<int32_t>(i)};
      const int64_t k = p_.top_k > 0 ? std::min(p_.top_k, V) : V;
      if (k < V) std::nth_element(cand_.begin(), cand_.begin() + k, cand_.end(), before);
      cand_.resize(static_cast<size_t>(k));
      std::sort(cand_.begin(), cand_.end(), before);
      const float top_logit = cand_[0].first;
      double total = 0.0;
      for (auto& c : cand_) {
        c.first = std::exp(c.first - top_logit);  // unnormalised probability; the first is 1
        total += c.first;
      }
      // min-p: drop tokens below min_p * p_max (p_max is 1 here)
      size_t keep = cand_.size();
      if (p_.min_p > 0.0f)
        while (keep > 1 && cand_[keep - 1].first < p_.min_p) total -= cand_[--keep].first;
      // top-p: the smallest prefix whose mass reaches top_p
      if (p_.top_p < 1.0f) {
        double cum = 0.0;
        size_t n = 0;
        while (n < keep) {
          cum += cand_[n++].first;
          if (cum >= p_.top_p * total) break;
        }
        keep = n;
        total = cum;
      }
      const double target = static_cast<double>(u) * total;
      double cum = 0.0;
      token = cand_[keep - 1].second;
      for (size_t i = 0; i < keep; i++) {
        cum += cand_[i].first;
        if (cum > target) {
          token = cand_[i].second;
          break;
        }
      }
    }
  }
  if (want_logprobs) log_softmax_top(raw_.data(), token, chosen, top);
  return token;
}

}  // namespace own
