#include "eval/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "core/run_dir.h"
#include "eval/metrics_log.h"
#include "eval/svg_chart.h"
#include "model/config.h"
#include "model/params.h"

namespace own {

namespace fs = std::filesystem;

namespace {

// the pipeline's stages in the order they run, with their section titles
struct StageInfo {
  const char* stage;
  const char* title;
};
constexpr StageInfo kStages[] = {{"pretrain", "Pretraining"}, {"sft", "Supervised fine-tuning (SFT)"},
                                 {"rm", "Reward model"},      {"ppo", "PPO"},
                                 {"dpo", "DPO"},              {"bon", "Best-of-n"}};
constexpr const char* kModels[] = {"base", "sft", "rm", "ppo", "dpo", "bon"};  // RUN/ckpt/<model>, eval columns

// One chart: its series are names of the stage (label after '='), or with a trailing '*' every
// name that starts with the prefix (labelled by the rest).
struct ChartSpec {
  const char* stage;
  const char* title;
  const char* y_label;
  std::vector<const char*> series;  // "name=label" or "prefix*"
};

const std::vector<ChartSpec>& chart_specs() {
  static const std::vector<ChartSpec> specs = {
      {"pretrain", "Pretraining: loss", "loss (nats per token)", {"loss=train"}},
      {"pretrain", "Pretraining: validation bits per byte", "bits per byte", {"val_bpb=validation"}},
      {"sft", "SFT: loss", "loss (nats per token)", {"loss=train", "val_loss=validation"}},
      {"rm", "Reward model: loss", "loss", {"loss=train"}},
      {"rm", "Reward model: accuracy", "accuracy", {"train_acc=train", "val_acc=validation"}},
      {"rm", "Reward model: validation accuracy by kind", "accuracy", {"val_acc/*"}},
      {"rm", "Reward model: mean reward", "reward", {"reward_mean=mean reward"}},
      {"ppo", "PPO: reward", "reward", {"reward=reward"}},
      {"ppo", "PPO: KL to the reference policy", "KL (nats)", {"kl=KL"}},
      {"ppo", "PPO: KL coefficient", "coefficient", {"kl_coef=KL coefficient"}},
      {"ppo", "PPO: response length", "tokens", {"response_len=response length"}},
      {"ppo", "PPO: entropy", "nats", {"entropy=entropy"}},
      {"ppo", "PPO: clip fraction", "fraction", {"clip_frac=clip fraction"}},
      {"ppo", "PPO: value loss", "loss", {"value_loss=value loss"}},
      {"ppo", "PPO: policy loss", "loss", {"policy_loss=policy loss"}},
      {"dpo", "DPO: loss", "loss", {"loss=train"}},
      {"dpo", "DPO: reward accuracy", "accuracy", {"reward_acc=train", "val_acc=validation"}},
      {"dpo", "DPO: reward margin", "margin", {"reward_margin=margin"}},
      {"bon", "Best-of-n: loss", "loss", {"loss=train"}},
      {"bon", "Best-of-n: reward", "reward", {"best_reward=best of n", "mean_reward=mean"}},
  };
  return specs;
}

std::string value_text(double v) {
  const double a = std::fabs(v);
  if (a >= 1e4 && a < 1e12) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}

std::string count_text(int64_t n) {
  const double d = static_cast<double>(n);
  if (n >= 1'000'000'000) return fmt::format("{:.2f}B", d / 1e9);
  if (n >= 1'000'000) return fmt::format("{:.2f}M", d / 1e6);
  if (n >= 10'000) return fmt::format("{:.1f}K", d / 1e3);
  return fmt::format("{}", n);
}

std::string now_utc() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

// A table rendered as Markdown and as HTML; the first column is left-aligned, the rest right.
struct Table {
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
};

std::string md_escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else if (c == '\n' || c == '\r') out += ' ';
    else if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else out += c;
  }
  return out;
}

std::string table_md(const Table& t) {
  std::string s = "|";
  for (const std::string& h : t.head) s.append(" ").append(md_escape(h)).append(" |");
  s += "\n|";
  for (size_t i = 0; i < t.head.size(); i++) s += i == 0 ? " --- |" : " ---: |";
  s += "\n";
  for (const auto& row : t.rows) {
    s += "|";
    for (const std::string& c : row) s.append(" ").append(md_escape(c)).append(" |");
    s += "\n";
  }
  return s;
}

std::string table_html(const Table& t) {
  std::string s = "<table>\n<thead><tr>";
  for (const std::string& h : t.head) s += "<th>" + xml_escape(h) + "</th>";
  s += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    s += "<tr>";
    for (const std::string& c : row) s += "<td>" + xml_escape(c) + "</td>";
    s += "</tr>\n";
  }
  return s + "</tbody>\n</table>\n";
}

// A section of the report: a heading, an optional note, a table and (html only) charts.
struct Section {
  std::string id, title, note;
  Table table;
  std::vector<Chart> charts;
};

// RUN/ckpt/<model>/config.json of each pipeline model that has one
Section models_section(const RunDir& run, std::vector<std::string>& warnings) {
  Section s{"models", "Models", "", {{"model", "layers", "width", "heads", "kv heads", "MLP width", "vocab", "context", "parameters"}, {}}, {}};
  for (const char* m : kModels) {
    const fs::path path = run.ckpt(m) / "config.json";
    std::error_code ec;
    if (!fs::exists(path, ec)) continue;
    try {
      const nlohmann::json j = nlohmann::json::parse(read_file(path.string()), nullptr, false);
      if (j.is_discarded()) input_error("{}: not valid JSON", path.string());
      const ModelConfig c = config_from_json(j, path.string());
      std::string name = m;
      if (c.num_labels > 0) name += " (+ score head)";
      s.table.rows.push_back({name, count_text(c.num_hidden_layers), count_text(c.hidden_size),
                              count_text(c.num_attention_heads), count_text(c.num_key_value_heads),
                              count_text(c.intermediate_size), count_text(c.vocab_size),
                              count_text(c.max_position_embeddings), count_text(param_layout(c).total)});
    } catch (const InputError& e) {
      warnings.push_back(fmt::format("{} (model left out of the report)", e.what()));
    }
  }
  if (s.table.rows.empty()) s.note = "No checkpoint with a config.json under " + run.ckpt_root().string() + " yet.";
  return s;
}

// a column per model evaluated (the pipeline's first, in pipeline order), a row per metric
Section eval_section(const MetricsLog& log) {
  Section s{"eval", "Evaluation", "", {{"metric", "n", "chance"}, {}}, {}};
  std::vector<std::string> models;
  for (const char* m : kModels)
    if (std::find(log.eval_models.begin(), log.eval_models.end(), m) != log.eval_models.end()) models.push_back(m);
  for (const std::string& m : log.eval_models)
    if (std::find(models.begin(), models.end(), m) == models.end()) models.push_back(m);
  for (const std::string& m : models) s.table.head.push_back(m);
  std::vector<std::string> names = log.eval_names;
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    std::vector<std::string> row = {name, "", ""};
    for (const std::string& m : models) {
      const auto it = log.evals.find({m, name});
      if (it == log.evals.end()) {
        row.push_back("–");
        continue;
      }
      const EvalScore& e = it->second;
      row.push_back(value_text(e.value));
      if (row[1].empty() && e.n >= 0) row[1] = fmt::format("{}", e.n);
      if (row[2].empty() && e.chance >= 0) row[2] = value_text(e.chance);
    }
    s.table.rows.push_back(std::move(row));
  }
  if (models.empty()) s.note = "No eval results yet: run `ownchat eval`.";
  return s;
}

std::vector<Chart> stage_charts(const MetricsLog& log, const std::string& stage) {
  std::vector<Chart> charts;
  for (const ChartSpec& spec : chart_specs()) {
    if (stage != spec.stage) continue;
    Chart c;
    c.title = spec.title;
    c.y_label = spec.y_label;
    for (const std::string entry : spec.series) {
      if (entry.back() == '*') {
        const std::string prefix = entry.substr(0, entry.size() - 1);
        for (const std::string& name : log.names(stage))
          if (name.size() > prefix.size() && name.rfind(prefix, 0) == 0)
            c.series.push_back({name.substr(prefix.size()), *log.find(stage, name)});
        continue;
      }
      const size_t eq = entry.find('=');
      if (const auto* points = log.find(stage, entry.substr(0, eq))) c.series.push_back({entry.substr(eq + 1), *points});
    }
    if (!c.series.empty()) charts.push_back(std::move(c));
  }
  return charts;
}

Section stage_section(const MetricsLog& log, const std::string& stage, const std::string& title) {
  Section s{"stage-" + stage, title, "", {{"metric", "points", "last step", "final", "min", "max"}, {}}, {}};
  for (const std::string& name : log.names(stage)) {
    const std::vector<MetricPoint>& p = *log.find(stage, name);
    const auto [lo, hi] = std::minmax_element(p.begin(), p.end(), [](const MetricPoint& a, const MetricPoint& b) { return a.value < b.value; });
    s.table.rows.push_back({name, count_text(static_cast<int64_t>(p.size())), fmt::format("{}", p.back().step),
                            value_text(p.back().value), value_text(lo->value), value_text(hi->value)});
  }
  s.charts = stage_charts(log, stage);
  return s;
}

constexpr const char* kCss = R"(
:root { color-scheme: light dark; --fg: #1d1d22; --dim: #5f6170; --bg: #ffffff; --line: #d8d9e0; --head: #f4f4f6; --grid: #e4e5ea; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6e6ea; --dim: #a0a3b1; --bg: #17181c; --line: #33353f; --head: #202228; --grid: #2b2d36; }
}
body { margin: 0; padding: 16px 24px 40px; font: 14px/1.45 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
main { max-width: 1320px; margin: 0 auto; }
h1 { font-size: 22px; margin: 4px 0; }
h2 { font-size: 17px; margin: 28px 0 6px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta, .note { color: var(--dim); margin: 4px 0; }
code { font-family: ui-monospace, monospace; font-size: 13px; }
table { border-collapse: collapse; margin: 8px 0 12px; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 12px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { background: var(--head); font-weight: 600; }
th:first-child, td:first-child { text-align: left; }
.charts { display: flex; flex-wrap: wrap; gap: 16px; }
svg.chart { max-width: 100%; height: auto; background: var(--bg); border: 1px solid var(--line); border-radius: 8px; }
svg.chart .label { fill: var(--fg); }
svg.chart .tick { fill: var(--dim); }
svg.chart .grid { stroke: var(--grid); }
svg.chart .axis { stroke: var(--dim); }
details { margin-top: 24px; color: var(--dim); }
)";

}  // namespace

Report report_build(const ReportOptions& o) {
  const RunDir run(o.run_dir);
  const MetricsLog log = metrics_log_read(run.metrics().string());
  Report r;
  r.lines = log.lines;
  r.skipped = log.skipped;
  r.warnings = log.warnings;
  if (log.skipped > static_cast<int64_t>(log.warnings.size()))
    r.warnings.push_back(fmt::format("{}: {} more lines skipped", log.path, log.skipped - static_cast<int64_t>(log.warnings.size())));

  std::vector<Section> sections;
  sections.push_back(models_section(run, r.warnings));
  sections.push_back(eval_section(log));
  std::vector<std::string> stages;
  for (const StageInfo& s : kStages)
    if (std::find(log.stages.begin(), log.stages.end(), s.stage) != log.stages.end()) {
      sections.push_back(stage_section(log, s.stage, s.title));
      stages.push_back(s.stage);
    }
  for (const std::string& s : log.stages)  // stages the report has no plan for: their table only
    if (std::find(stages.begin(), stages.end(), s) == stages.end()) sections.push_back(stage_section(log, s, s));

  const std::string made = o.made_at.empty() ? now_utc() : o.made_at;
  const std::string meta = fmt::format("{} metric lines from {}{}", log.lines, log.path,
                                       log.skipped ? fmt::format(", {} skipped", log.skipped) : "");

  std::string& md = r.markdown;
  md = fmt::format("# ownchat report: {}\n\nMade {}. {}.\n", md_escape(o.run_dir), made, md_escape(meta));
  std::string body;
  for (const Section& s : sections) {
    md += fmt::format("\n## {}\n\n", md_escape(s.title));
    body += fmt::format("<section id=\"{}\">\n<h2>{}</h2>\n", xml_escape(s.id), xml_escape(s.title));
    if (!s.note.empty()) {
      md += md_escape(s.note) + "\n";
      body += "<p class=\"note\">" + xml_escape(s.note) + "</p>\n";
    }
    if (!s.table.rows.empty()) {
      md += table_md(s.table);
      body += table_html(s.table);
    }
    if (!s.charts.empty()) {
      std::string titles;
      body += "<div class=\"charts\">\n";
      for (const Chart& c : s.charts) {
        body += chart_svg(c, fmt::format("chart-{}", r.charts++)) + "\n";
        titles += (titles.empty() ? "" : "; ") + md_escape(c.title);
      }
      body += "</div>\n";
      md += "\nCharts in report.html: " + titles + ".\n";
    }
    body += "</section>\n";
  }
  if (!r.warnings.empty()) {
    md += "\n## Warnings\n\n";
    body += fmt::format("<details><summary>{} warnings</summary>\n<ul>\n", r.warnings.size());
    for (const std::string& w : r.warnings) {
      md += "- " + md_escape(w) + "\n";
      body += "<li>" + xml_escape(w) + "</li>\n";
    }
    body += "</ul>\n</details>\n";
  }

  r.html = fmt::format(
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>ownchat report: {0}</title>\n<style>{1}</style>\n</head>\n<body>\n<main>\n"
      "<h1>ownchat report: <code>{0}</code></h1>\n<p class=\"meta\">Made {2}. {3}.</p>\n{4}</main>\n</body>\n</html>\n",
      xml_escape(o.run_dir), kCss, xml_escape(made), xml_escape(meta), body);
  return r;
}

Report report_write(const ReportOptions& o) {
  Report r = report_build(o);
  const RunDir run(o.run_dir);
  write_file_atomic(run.report_md().string(), r.markdown);
  write_file_atomic(run.report_html().string(), r.html);
  return r;
}

}  // namespace own
