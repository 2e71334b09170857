#include "train/ppo_reward.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "core/check.h"

namespace own {

namespace {
// below this the scores carry no spread to scale by (e.g. a first batch of identical scores)
constexpr double kMinStd = 1e-6;
}  // namespace

double ScoreScale::std() const { return count > 0 ? std::max(std::sqrt(sum_sq / count), kMinStd) : 1.0; }

void to_json(nlohmann::json& j, const ScoreScale& s) { j = {{"count", s.count}, {"sum_sq", s.sum_sq}}; }

void from_json(const nlohmann::json& j, ScoreScale& s) {
  if (!j.is_object() || !j.contains("count") || !j.contains("sum_sq") || !j["count"].is_number() ||
      !j["sum_sq"].is_number())
    input_error("ppo train state: score_scale must be {{\"count\", \"sum_sq\"}}, got {}", j.dump());
  s.count = j["count"].get<double>();
  s.sum_sq = j["sum_sq"].get<double>();
}

size_t shape_scores(double* shaped, const double* scores, size_t n, double clip, ScoreScale& scale) {
  if (n == 0) return 0;
  double mean = 0;
  for (size_t i = 0; i < n; i++) mean += scores[i];
  mean /= static_cast<double>(n);
  for (size_t i = 0; i < n; i++) scale.sum_sq += (scores[i] - mean) * (scores[i] - mean);
  scale.count += static_cast<double>(n);
  const double inv_std = 1.0 / scale.std();
  size_t clipped = 0;
  for (size_t i = 0; i < n; i++) {
    const double z = (scores[i] - mean) * inv_std;
    shaped[i] = std::clamp(z, -clip, clip);
    clipped += shaped[i] != z;
  }
  return clipped;
}

double adapt_kl_coef(double kl_coef, double mean_kl, double target_kl, double rollouts, double horizon) {
  if (target_kl <= 0) return kl_coef;
  const double e = std::clamp(mean_kl / target_kl - 1.0, -0.2, 0.2);
  return kl_coef * (1.0 + e * rollouts / horizon);
}

}  // namespace own
