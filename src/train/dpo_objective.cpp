#include "train/dpo_objective.h"

#include <algorithm>
#include <cmath>

#include "train/answer_logps.h"
#include "train/pref_loss.h"

namespace own {

namespace {

// log p of each of the first `rows` rows' answers under m (forward only)
void batch_logps(Llama& m, const int32_t* inputs, const int32_t* targets, int64_t rows, double* out) {
  m.forward_loss(inputs, targets);
  for (int64_t b = 0; b < rows; b++) out[b] = row_logp(m.token_losses(), b, m.seq());
}

}  // namespace

DpoObjective::DpoObjective(const PairSource& source, Llama& ref, double beta, double sft_coef)
    : source_(source), ref_(ref), beta_(beta), sft_coef_(sft_coef), ref_logp_(2 * static_cast<size_t>(source.size()), NAN) {}

float DpoObjective::forward_backward(Llama& m, const int32_t* inputs, const int32_t* targets, float loss_scale) {
  const int64_t B = m.batch(), T = m.seq(), n = B / 2;
  const std::vector<uint64_t>& idx = source_.batch();
  bool cached = true;
  for (uint64_t i : idx) cached = cached && !std::isnan(ref_logp_[2 * i]);
  if (!cached) {
    std::vector<double> r(static_cast<size_t>(2 * n));
    batch_logps(ref_, inputs, targets, 2 * n, r.data());
    for (int64_t p = 0; p < n; p++) {
      ref_logp_[2 * idx[p]] = r[2 * p];
      ref_logp_[2 * idx[p] + 1] = r[2 * p + 1];
    }
  }
  logp_.resize(static_cast<size_t>(2 * n));
  batch_logps(m, inputs, targets, 2 * n, logp_.data());
  // d(loss)/d(nll_t) = -d(loss)/d(logp) for every answer token of the row
  weights_.assign(static_cast<size_t>(B * T), 0.0f);
  double loss = 0;
  for (int64_t p = 0; p < n; p++) {
    const uint64_t i = idx[p];
    const DpoPair d = dpo_pair(logp_[2 * p], logp_[2 * p + 1], ref_logp_[2 * i], ref_logp_[2 * i + 1], beta_, sft_coef_,
                               row_tokens(targets, 2 * p, T));
    loss += d.loss;
    sum_.accuracy += pair_win(d.margin, 0.0);  // a tie (as at the start) counts half
    sum_.margin += d.margin;
    sum_.nll += d.nll;
    seen_++;
    const float wc = static_cast<float>(-d.dpc) * loss_scale / static_cast<float>(n);
    const float wr = static_cast<float>(-d.dpr) * loss_scale / static_cast<float>(n);
    std::fill(weights_.begin() + 2 * p * T, weights_.begin() + (2 * p + 1) * T, wc);
    std::fill(weights_.begin() + (2 * p + 1) * T, weights_.begin() + (2 * p + 2) * T, wr);
  }
  m.backward_weighted(inputs, targets, weights_.data());
  return static_cast<float>(loss / static_cast<double>(n));
}

DpoStats DpoObjective::take_stats() {
  const double n = static_cast<double>(std::max<int64_t>(seen_, 1));
  const DpoStats mean{sum_.accuracy / n, sum_.margin / n, sum_.nll / n};
  sum_ = {};
  seen_ = 0;
  return mean;
}

}  // namespace own
