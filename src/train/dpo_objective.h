// DPO's objective (Rafailov et al. 2023): per pair -log sigmoid(beta * ((pc - rc) - (pr - rr))),
// p/r the summed log-probabilities of the chosen (c) and rejected (r) answer under the policy and
// under the frozen reference, with the reference's cached by pair (it never changes, so each is
// computed once), plus sft_coef times the chosen answer's NLL per token (RPO, Pang et al. 2024;
// 0: plain DPO). The batch's pairs come from the PairSource it was made with.
#pragma once
#include <cstdint>
#include <vector>

#include "data/pair_source.h"
#include "train/objective.h"

namespace own {

// Means over the pairs trained on since the last take_stats
struct DpoStats {
  double accuracy = 0;  // implicit reward margin > 0 (a tie counts half)
  double margin = 0;    // implicit reward margin
  double nll = 0;       // the chosen answer's NLL per token (RPO's SFT term before sft_coef)
};

class DpoObjective : public Objective {
 public:
  DpoObjective(const PairSource& source, Llama& ref, double beta, double sft_coef);
  float forward_backward(Llama& m, const int32_t* inputs, const int32_t* targets, float loss_scale) override;
  DpoStats take_stats();

 private:
  const PairSource& source_;
  Llama& ref_;
  double beta_, sft_coef_;
  std::vector<double> ref_logp_;  // (2 * pairs): chosen, rejected; NaN until computed
  std::vector<double> logp_;      // (B)
  std::vector<float> weights_;    // (B, T)
  DpoStats sum_;                  // sums, not means
  int64_t seen_ = 0;
};

}  // namespace own
