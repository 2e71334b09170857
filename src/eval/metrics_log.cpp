#include "eval/metrics_log.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"

namespace own {

using nlohmann::json;

namespace {

bool has_string(const json& j, const char* key) { return j.contains(key) && j[key].is_string(); }
bool has_number(const json& j, const char* key) { return j.contains(key) && j[key].is_number(); }

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// the model an eval line scores: "model", else the last component of "ckpt" (runs/d6/ckpt/sft -> sft)
std::string eval_model(const json& j) {
  if (has_string(j, "model") && !j["model"].get<std::string>().empty()) return j["model"].get<std::string>();
  if (!has_string(j, "ckpt")) return "";
  const std::filesystem::path p = std::filesystem::path(j["ckpt"].get<std::string>()).lexically_normal();
  return (p.filename().empty() ? p.parent_path() : p).filename().string();
}

// "" when the line was taken, else why not
std::string take_line(MetricsLog& log, const json& j) {
  if (!j.is_object()) return "not a JSON object";
  if (!has_string(j, "stage") || j["stage"].get<std::string>().empty()) return "no \"stage\" string";
  const std::string stage = j["stage"].get<std::string>();
  const char* name_key = has_string(j, "name") ? "name" : stage == "eval" && has_string(j, "metric") ? "metric" : nullptr;
  if (!name_key || j[name_key].get<std::string>().empty()) return "no \"name\" string";
  const std::string name = j[name_key].get<std::string>();
  if (!has_number(j, "value")) return fmt::format("\"value\" of {} is not a number", name);
  const double value = j["value"].get<double>();

  if (stage == "eval") {
    const std::string model = eval_model(j);
    if (model.empty()) return fmt::format("eval line for {} names no \"model\" or \"ckpt\"", name);
    EvalScore s;
    s.value = value;
    if (j.contains("n") && j["n"].is_number_integer()) s.n = j["n"].get<int64_t>();
    if (has_number(j, "chance")) s.chance = j["chance"].get<double>();
    add_unique(log.eval_names, name);
    if (has_number(j, "base") && model != "base") {  // today's lines carry the base model's score beside
      const auto it = log.evals.find({"base", name});
      if (it == log.evals.end() || it->second.from_base_field) {  // a base line of its own outranks a field
        EvalScore b = s;
        b.value = j["base"].get<double>();
        b.from_base_field = true;
        log.evals[{"base", name}] = b;
        add_unique(log.eval_models, "base");
      }
    }
    log.evals[{model, name}] = s;
    add_unique(log.eval_models, model);
    return "";
  }

  int64_t step = 0;  // a line without a step is a summary: step 0
  if (j.contains("step")) {
    if (!j["step"].is_number_integer()) return "\"step\" is not an integer";
    step = j["step"].get<int64_t>();
  }
  std::vector<MetricPoint>& s = log.series[{stage, name}];
  if (!s.empty() && step <= s.back().step) {  // logged again (a resume): the later line wins from here on
    const auto from = std::lower_bound(s.begin(), s.end(), step, [](const MetricPoint& p, int64_t v) { return p.step < v; });
    s.erase(from, s.end());
  }
  s.push_back({step, value});
  add_unique(log.stages, stage);
  add_unique(log.stage_names[stage], name);
  return "";
}

}  // namespace

const std::vector<MetricPoint>* MetricsLog::find(const std::string& stage, const std::string& name) const {
  const auto it = series.find({stage, name});
  return it == series.end() || it->second.empty() ? nullptr : &it->second;
}

const std::vector<std::string>& MetricsLog::names(const std::string& stage) const {
  static const std::vector<std::string> none;
  const auto it = stage_names.find(stage);
  return it == stage_names.end() ? none : it->second;
}

MetricsLog metrics_log_read(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    input_error("{}: no such file; training (ownchat train ...) and ownchat eval append their metrics there", path);
  const std::string text = read_file(path);
  MetricsLog log;
  log.path = path;
  int64_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    line_no++;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    log.lines++;
    const json j = json::parse(line.begin(), line.end(), nullptr, false);
    std::string why = j.is_discarded() ? "not valid JSON" : take_line(log, j);
    if (why.empty()) continue;
    log.skipped++;
    if (log.warnings.size() < MetricsLog::kMaxWarnings) log.warnings.push_back(fmt::format("{}:{}: {}; line skipped", path, line_no, why));
  }
  return log;
}

}  // namespace own
