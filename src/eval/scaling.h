// `ownchat eval --scaling RUN...`: one model's eval scores across runs of different budgets (the
// cpu-short, cpu and cpu-long presets), so a user sees what more time buys. Each run's minutes are
// the sum of its speedrun stages' seconds (RUN/speedrun/*.done); its scores are the latest eval
// lines of RUN/metrics.jsonl. Nothing is recomputed.
#pragma once
#include <string>
#include <vector>

namespace own {

struct ScalingRun {
  std::string run_dir, preset;  // preset: "" when the run was not made by `speedrun`
  double minutes = 0;
};

// The run's preset and total minutes from its RUN/speedrun/*.done files
ScalingRun scaling_run(const std::string& run_dir);

// A Markdown table: a row per eval metric of `model` found in any run, a column per run (in the
// order given), "-" where a run lacks the metric. InputError when a run has no metrics.jsonl or
// none of the runs has eval scores of `model`.
std::string scaling_table(const std::vector<std::string>& run_dirs, const std::string& model);

}  // namespace own
