#include "train/best_policy.h"

#include <nlohmann/json.hpp>

#include "core/check.h"

namespace own {

bool BestPolicy::observe(int64_t step, double score, double drop, int64_t patience) {
  if (checks++ == 0) first_score = score;
  if (best_step < 0 || score > best_score) {
    best_step = step;
    best_score = score;
    checks_below = 0;
    return true;
  }
  checks_below = score < best_score - drop ? checks_below + 1 : 0;
  stop = patience > 0 && checks_below >= patience;
  return false;
}

void to_json(nlohmann::json& j, const BestPolicy& b) {
  j = {{"best_step", b.best_step}, {"best_score", b.best_score},     {"first_score", b.first_score},
       {"checks", b.checks},       {"checks_below", b.checks_below}, {"stop", b.stop}};
}

void from_json(const nlohmann::json& j, BestPolicy& b) {
  auto field = [&](const char* name) -> const nlohmann::json& {
    if (!j.is_object() || !j.contains(name)) input_error("ppo train state: judge bookkeeping lacks \"{}\": {}", name, j.dump());
    return j[name];
  };
  try {
    b.best_step = field("best_step").get<int64_t>();
    b.best_score = field("best_score").get<double>();
    b.first_score = field("first_score").get<double>();
    b.checks = field("checks").get<int64_t>();
    b.checks_below = field("checks_below").get<int64_t>();
    b.stop = field("stop").get<bool>();
  } catch (const nlohmann::json::type_error& e) {
    input_error("ppo train state: judge bookkeeping has a field of the wrong type ({}): {}", e.what(), j.dump());
  }
}

}  // namespace own
