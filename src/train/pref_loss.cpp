#include "train/pref_loss.h"

#include <algorithm>
#include <cmath>

namespace own {

namespace {
// log(sigmoid(x)) and sigmoid(x) without overflow
double log_sigmoid(double x) { return x >= 0 ? -std::log1p(std::exp(-x)) : x - std::log1p(std::exp(x)); }
double sigmoid(double x) { return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x)); }
}  // namespace

double ranking_loss(const float* r, int K, float* dr, int* correct) {
  const int pairs = K * (K - 1) / 2;
  for (int k = 0; k < K; k++) dr[k] = 0.0f;
  *correct = 0;
  if (pairs == 0) return 0.0;
  double loss = 0.0;
  for (int i = 0; i < K; i++)
    for (int j = i + 1; j < K; j++) {
      const double d = static_cast<double>(r[i]) - r[j];
      loss -= log_sigmoid(d);
      const double g = -sigmoid(-d) / pairs;  // d(-log sigmoid(d))/dd = -sigmoid(-d)
      dr[i] += static_cast<float>(g);
      dr[j] -= static_cast<float>(g);
      *correct += d > 0;
    }
  return loss / pairs;
}

DpoPair dpo_pair(double pc, double pr, double rc, double rr, double beta, double sft_coef, int64_t chosen_tokens) {
  DpoPair p;
  const double n = static_cast<double>(std::max<int64_t>(chosen_tokens, 1));
  p.margin = beta * ((pc - rc) - (pr - rr));
  p.nll = -pc / n;
  p.loss = -log_sigmoid(p.margin) + sft_coef * p.nll;
  const double g = -beta * sigmoid(-p.margin);
  p.dpc = g - sft_coef / n;
  p.dpr = -g;
  return p;
}

double ppo_token(double logp, double old_logp, double adv, double eps, double* loss, bool* clipped) {
  const double ratio = std::exp(logp - old_logp);
  const double unclipped = ratio * adv, clipped_obj = std::clamp(ratio, 1.0 - eps, 1.0 + eps) * adv;
  *clipped = clipped_obj < unclipped;
  *loss = -std::min(unclipped, clipped_obj);
  return *clipped ? 0.0 : -adv * ratio;  // d(-ratio * adv)/dlogp
}

double ppo_value(double v, double old_v, double ret, double eps, double* loss) {
  const double vc = std::clamp(v, old_v - eps, old_v + eps);
  const double a = (v - ret) * (v - ret), b = (vc - ret) * (vc - ret);
  if (a >= b) {
    *loss = 0.5 * a;
    return v - ret;
  }
  *loss = 0.5 * b;
  return 0.0;  // the clipped value is the larger loss: no gradient through v
}

}  // namespace own
