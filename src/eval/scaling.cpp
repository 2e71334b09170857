#include "eval/scaling.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "core/run_dir.h"
#include "eval/metrics_log.h"

namespace own {

namespace fs = std::filesystem;

ScalingRun scaling_run(const std::string& run_dir) {
  ScalingRun r;
  r.run_dir = run_dir;
  const fs::path dir = RunDir(run_dir).speedrun();
  if (!fs::is_directory(dir)) return r;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() != ".done") continue;
    const nlohmann::json j = nlohmann::json::parse(read_file(e.path().string()), nullptr, false);
    if (!j.is_object()) continue;
    if (j.contains("seconds") && j["seconds"].is_number()) r.minutes += j["seconds"].get<double>() / 60.0;
    if (j.contains("preset") && j["preset"].is_string()) r.preset = j["preset"].get<std::string>();
  }
  return r;
}

std::string scaling_table(const std::vector<std::string>& run_dirs, const std::string& model) {
  if (run_dirs.empty()) input_error("--scaling needs at least one run directory");
  std::vector<MetricsLog> logs;
  std::vector<std::string> names;  // every metric of `model`, in order of first appearance
  for (const std::string& dir : run_dirs) {
    logs.push_back(metrics_log_read(RunDir(dir).metrics().string()));
    for (const std::string& name : logs.back().eval_names)
      if (logs.back().evals.count({model, name}) && std::find(names.begin(), names.end(), name) == names.end())
        names.push_back(name);
  }
  if (names.empty()) input_error("--scaling: none of the runs has eval scores of model '{}'; run `ownchat eval --run RUN`", model);
  std::string head = "| metric (" + model + ") |", rule = "|---|";
  for (const std::string& dir : run_dirs) {
    const ScalingRun r = scaling_run(dir);
    head += r.preset.empty() ? fmt::format(" {} |", dir) : fmt::format(" {} ({}, {:.0f} min) |", dir, r.preset, r.minutes);
    rule += "---|";
  }
  std::string out = head + "\n" + rule + "\n";
  for (const std::string& name : names) {
    out += "| " + name + " |";
    for (const MetricsLog& log : logs) {
      const auto it = log.evals.find({model, name});
      out += it == log.evals.end() ? " - |" : fmt::format(" {:.3f} |", it->second.value);
    }
    out += "\n";
  }
  return out;
}

}  // namespace own
