// DPO's objective (Rafailov et al. 2023): per pair -log sigmoid(beta * ((pc - rc) - (pr - rr))),
// p/r the summed log-probabilities of the chosen (c) and rejected (r) answer under the policy and
// under the frozen reference, with the reference's cached by pair (it never changes, so each is
// computed once). The batch's pairs come from the PairSource it was made with.
#pragma once
#include <cstdint>
#include <utility>
#include <vector>

#include "data/pair_source.h"
#include "train/objective.h"

namespace own {

class DpoObjective : public Objective {
 public:
  DpoObjective(const PairSource& source, Llama& ref, double beta);
  float forward_backward(Llama& m, const int32_t* inputs, const int32_t* targets, float loss_scale) override;
  // (implicit reward accuracy, mean margin) since the last call
  std::pair<double, double> take_stats();

 private:
  const PairSource& source_;
  Llama& ref_;
  double beta_;
  std::vector<double> ref_logp_;  // (2 * pairs): chosen, rejected; NaN until computed
  std::vector<double> logp_;      // (B)
  std::vector<float> weights_;    // (B, T)
  double right_ = 0;
  int64_t seen_ = 0;
  double margin_sum_ = 0;
};

}  // namespace own
