// The losses of the preference stages, as scalar functions of per-sequence quantities, so each
// stage is: forward -> these -> per-row/per-token coefficients -> backward (model/llama.h).
//   ranking_loss  reward model (InstructGPT): every pair of a ranking, -log sigmoid(r_better - r_worse)
//   dpo_pair      DPO (Rafailov et al.): -log sigmoid(beta * ((pc - rc) - (pr - rr))), optionally plus
//                 RPO's SFT term (Pang et al. 2024): sft_coef * the chosen answer's NLL per token
//   ppo_token     PPO's clipped surrogate per token, and the clipped value loss
#pragma once
#include <cstdint>

namespace own {

// One pairwise comparison for accuracies and win rates: 1 when a beats b, 0.5 on a tie, else 0.
inline double pair_win(double a, double b) { return a > b ? 1.0 : a == b ? 0.5 : 0.0; }

// r: (K) scores, best first. Returns the mean over the K(K-1)/2 pairs of -log sigmoid(r_i - r_j)
// (i better than j); dr: (K) its gradient; *correct: pairs with r_i > r_j.
double ranking_loss(const float* r, int K, float* dr, int* correct);

// pc, pr: log-probabilities (summed over answer tokens) of the chosen and rejected answer under
// the policy; rc, rr: under the frozen reference; chosen_tokens: the chosen answer's token count.
// loss = -log sigmoid(margin) + sft_coef * nll: with sft_coef > 0 the chosen answer is also
// trained on as in SFT, so DPO cannot push both answers down and lose what SFT taught (RPO).
struct DpoPair {
  double loss = 0;
  double dpc = 0, dpr = 0;  // d(loss)/d(pc), d(loss)/d(pr)
  double margin = 0;        // beta * ((pc - rc) - (pr - rr)): the implicit reward margin
  double nll = 0;           // -pc / chosen_tokens: the chosen answer's NLL per token (before sft_coef)
};
DpoPair dpo_pair(double pc, double pr, double rc, double rr, double beta, double sft_coef, int64_t chosen_tokens);

// One token of PPO's policy loss: ratio = exp(logp - old_logp),
// loss = -min(ratio * adv, clip(ratio, 1 - eps, 1 + eps) * adv). Returns d(loss)/d(logp) (0 where
// the clipped branch is taken); *loss and *clipped describe the token.
double ppo_token(double logp, double old_logp, double adv, double eps, double* loss, bool* clipped);

// PPO's value loss for one token: 0.5 * max((v - ret)^2, (clip(v, old_v - eps, old_v + eps) - ret)^2).
// Returns d(loss)/d(v).
double ppo_value(double v, double old_v, double ret, double eps, double* loss);

}  // namespace own
