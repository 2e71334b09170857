// The one-line JSON a command prints as its result ({"a": 1, "b": 0.1234}): the fields of a
// result type's to_json in their order, measured values rounded to what they mean.
#pragma once
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>

namespace own::cli {

// x to `decimals` places (printed shortest: 0.5, not 0.5000)
inline double rounded(double x, int decimals = 4) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

// A flat JSON object on one line, spaced as every command's result line ({"a": 1, "b": 2}).
inline std::string json_line(const nlohmann::ordered_json& flat) {
  std::string out;
  for (const auto& [key, value] : flat.items())
    out += fmt::format("{}{}: {}", out.empty() ? "{" : ", ", nlohmann::json(key).dump(), value.dump());
  return out.empty() ? "{}" : out + "}";
}

}  // namespace own::cli
