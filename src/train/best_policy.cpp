#include "train/best_policy.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/check.h"

namespace own {

std::string BestPolicy::lost_families(const JudgeScore& s) const {
  std::string lost;
  for (const auto& [family, share] : first_by_family)
    if (const auto it = s.by_family.find(family); it != s.by_family.end() && it->second < share - kFamilyDrop)
      lost += fmt::format(" {} {:.2f} -> {:.2f}", family, share, it->second);
  return lost;
}

std::string BestPolicy::describe(const JudgeScore& s, bool best) const {
  const std::string lost = lost_families(s);
  return fmt::format("val rule-judge score {:.3f}{}, {}", s.score, lost.empty() ? "" : ", not eligible (lost" + lost + ")",
                     best ? std::string("the best so far") : fmt::format("the best {:.3f} at step {}", best_score, best_step));
}

bool BestPolicy::observe(int64_t step, const JudgeScore& s, double drop, int64_t patience) {
  if (checks++ == 0) {
    first_score = s.score;
    first_by_family = s.by_family;
  }
  const double score = lost_families(s).empty() ? s.score : -1;  // -1: below every judge score
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
       {"checks", b.checks},       {"checks_below", b.checks_below}, {"stop", b.stop},
       {"first_by_family", b.first_by_family}};
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
    // absent in train states written before the family guard: no family is guarded then
    if (j.contains("first_by_family")) b.first_by_family = j["first_by_family"].get<std::map<std::string, double>>();
  } catch (const nlohmann::json::type_error& e) {
    input_error("ppo train state: judge bookkeeping has a field of the wrong type ({}): {}", e.what(), j.dump());
  }
}

}  // namespace own
