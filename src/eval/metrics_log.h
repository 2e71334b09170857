// RUN/metrics.jsonl read back: one series per (stage, name) and the latest eval score per
// (model, name). The file is append-only across resumed and repeated runs, so a later line wins:
// a step logged again replaces the earlier value, and a series whose step goes back (a resume
// from an older checkpoint) drops its points from that step on before taking the new ones.
// Bad lines are skipped with a warning naming path:line; nothing in the file can abort.
// Eval lines: {"stage":"eval","name"|"metric":..,"model"?:..,"ckpt"?:..,"value","n"?,"chance"?,"base"?}.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace own {

struct MetricPoint {
  int64_t step = 0;
  double value = 0;
};

// one eval score of one model
struct EvalScore {
  double value = 0;
  int64_t n = -1;        // < 0: not given
  double chance = -1;    // < 0: not given
  bool from_base_field = false;  // the "base" field of another model's line, not a line of its own
};

struct MetricsLog {
  std::string path;
  int64_t lines = 0, skipped = 0;  // non-empty lines read, lines skipped as bad
  std::vector<std::string> warnings;  // "path:line: why", the first kMaxWarnings of them
  std::vector<std::string> stages;    // training stages in order of first appearance (not "eval")
  std::map<std::string, std::vector<std::string>> stage_names;  // stage -> its names, in order of first appearance
  std::map<std::pair<std::string, std::string>, std::vector<MetricPoint>> series;  // (stage, name) -> by step
  std::vector<std::string> eval_models;  // in order of first appearance
  std::vector<std::string> eval_names;   // in order of first appearance
  std::map<std::pair<std::string, std::string>, EvalScore> evals;  // (model, name) -> latest

  static constexpr size_t kMaxWarnings = 100;

  // the series of (stage, name), or nullptr when nothing was logged
  const std::vector<MetricPoint>* find(const std::string& stage, const std::string& name) const;
  // the names logged for `stage`, in order of first appearance
  const std::vector<std::string>& names(const std::string& stage) const;
};

// Throws InputError when `path` cannot be read; bad lines only add warnings.
MetricsLog metrics_log_read(const std::string& path);

}  // namespace own
