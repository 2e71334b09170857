#include "train/ranking_objective.h"

#include "core/check.h"
#include "train/pref_loss.h"

namespace own {

float RankingObjective::forward_backward(Llama& m, const int32_t* inputs, const int32_t*, float loss_scale) {
  const int64_t T = m.seq();
  const std::vector<const RankingRows*>& groups = source_.batch();
  scores_.resize(static_cast<size_t>(m.batch() * T));
  dscores_.assign(scores_.size(), 0.0f);
  m.forward_scores(scores_.data(), inputs);
  double loss = 0;
  int64_t row = 0;
  float r[64], dr[64];
  const float per_ranking = loss_scale / static_cast<float>(groups.size());
  for (const RankingRows* g : groups) {
    const int K = static_cast<int>(g->rows.size());
    OWN_CHECK(K <= 64, "ranking of {} answers", K);
    for (int k = 0; k < K; k++) r[k] = scores_[(row + k) * T + g->rows[k].last()];
    int correct = 0;
    loss += ranking_loss(r, K, dr, &correct);
    for (int k = 0; k < K; k++) dscores_[(row + k) * T + g->rows[k].last()] = dr[k] * per_ranking;
    correct_ += correct;
    pairs_ += K * (K - 1) / 2;
    row += K;
  }
  m.backward_scores(inputs, dscores_.data());
  return static_cast<float>(loss / static_cast<double>(groups.size()));
}

double RankingObjective::take_accuracy() {
  const double a = pairs_ > 0 ? static_cast<double>(correct_) / static_cast<double>(pairs_) : 0.0;
  correct_ = pairs_ = 0;
  return a;
}

}  // namespace own
