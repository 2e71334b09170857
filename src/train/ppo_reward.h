// PPO's reward before the per-token KL penalty (train/ppo.h), made hard to game by one answer style:
//   shaped score = clip((score - batch mean) / running std, -clip, clip)
// Centring on the batch's own mean means an answer earns only what it scores above the other
// answers of its batch: a policy that answers everything in the reward model's favourite style
// (a refusal, "I don't know") raises every score together and its batch mean with them, so the
// collapse earns nothing (the mean shaped reward of every batch is 0). The scale is the std of the
// centred scores over all batches so far, not the batch's own: a collapsed batch, whose answers
// all score alike, keeps its small differences small instead of being blown up to unit variance,
// and the KL penalty keeps its weight against the score. Clipping bounds what one answer the
// reward model overrates can pull. The running std is saved with the checkpoint.
// The adaptive KL coefficient (Ziegler et al. 2019) is the other half of the reward: it weighs the
// per-token KL penalty and moves it towards a target KL per answer.
#pragma once
#include <cstddef>
#include <nlohmann/json_fwd.hpp>

namespace own {

// Running statistics of the batch-centred scores.
struct ScoreScale {
  double count = 0;   // scores seen
  double sum_sq = 0;  // sum of their squared deviations from their batch's mean
  double std() const;
};
void to_json(nlohmann::json& j, const ScoreScale& s);
void from_json(const nlohmann::json& j, ScoreScale& s);

// scores, shaped: (n). Adds the batch to `scale` first (so the first batch is scaled by its own
// spread), then writes the shaped scores; returns how many were clipped.
size_t shape_scores(double* shaped, const double* scores, size_t n, double clip, ScoreScale& scale);

// One controller update: kl_coef * (1 + e * rollouts / horizon), e = clamp(mean_kl / target - 1,
// -0.2, 0.2). The coefficient grows while the KL per answer is above the target and shrinks below
// it; target <= 0 leaves it alone.
double adapt_kl_coef(double kl_coef, double mean_kl, double target_kl, double rollouts, double horizon);

}  // namespace own
