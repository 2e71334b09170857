// `ownchat report` from a synthetic metrics.jsonl that covers every stage: the Markdown tables hold
// the latest values (repeated steps and a resume resolved to the later lines), the HTML has one
// <svg> per expected chart with polylines of the expected point counts (after downsampling),
// text is escaped, bad lines are skipped with path:line warnings, a missing file is an error.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "core/fileio.h"
#include "eval/report.h"
#include "eval/svg_chart.h"
#include "model/config.h"
#include "test_util.h"

using namespace own;
using namespace own::test;
using nlohmann::json;

namespace {

std::string line(const std::string& stage, int64_t step, const std::string& name, double value) {
  return json{{"stage", stage}, {"step", step}, {"name", name}, {"value", value}}.dump() + "\n";
}

// every stage, plus the cases the reader must resolve; returns the lines of the two bad ones
std::pair<int, int> write_metrics(const std::string& path) {
  std::string s;
  int n = 0, bad_json = 0, bad_value = 0;
  auto add = [&](const std::string& l) {
    s += l;
    n++;
  };
  for (int64_t i = 0; i < 1200; i++) {  // long: downsampled to kMaxChartPoints
    add(line("pretrain", i, "loss", 3 + static_cast<double>((i * 7) % 10) / 10));
    add(line("pretrain", i, "lr", 0.001));
    if (i % 100 == 99) add(line("pretrain", i, "val_bpb", 2 - static_cast<double>(i) / 1000));
  }
  add(line("pretrain", 1199, "x<script>alert(1)</script>", 7));  // an unknown name, escaped
  for (int64_t i = 0; i < 30; i++) add(line("sft", i, "loss", 2));
  add(line("sft", 10, "val_loss", 2.5));
  add(line("sft", 20, "val_loss", 2.25));
  add("{\"stage\": \"sft\", \"step\": 21, \"name\": \"lo\n");  // torn line
  bad_json = n;
  add("\n");  // blank: ignored, not a warning
  add(line("sft", 20, "val_loss", 2.125));  // the same step again: this one wins
  for (int64_t i = 20; i < 25; i++) add(line("sft", i, "loss", 1));  // resumed at 20, stopped at 24
  add(R"({"stage":"sft","step":25,"name":"loss","value":"abc"})" "\n");
  bad_value = n;
  for (int64_t i = 0; i < 10; i++) {
    for (const char* m : {"loss", "train_acc", "val_acc", "val_acc/wrong", "val_acc/rude", "reward_mean"})
      add(line("rm", i, m, 0.5 + static_cast<double>(i) / 100));
    for (const char* m : {"reward", "kl", "kl_coef", "entropy", "clip_frac", "value_loss", "policy_loss", "response_len",
                          "nonfinite_skipped"})
      add(line("ppo", i, m, static_cast<double>(i)));
    for (const char* m : {"loss", "reward_acc", "reward_margin", "val_acc"}) add(line("dpo", i, m, 0.25));
    for (const char* m : {"loss", "best_reward", "mean_reward"}) add(line("bon", i, m, 1.5));
  }
  add(line("moderation", 3, "f1/<b>harassment</b>", 0.75));  // a stage without charts
  // evals: today's shape (metric, ckpt, base), a later run of it, the coming shape (name, model)
  add(R"({"stage":"eval","ckpt":"runs/d6/ckpt/sft","metric":"multiple_choice/quiz","n":9,"chance":0.25,"base":0.22,"value":1.0})" "\n");
  add(R"({"stage":"eval","ckpt":"runs/d6/ckpt/sft","metric":"multiple_choice/quiz","n":9,"chance":0.25,"base":0.22,"value":0.875})" "\n");
  add(R"({"stage":"eval","model":"dpo","name":"multiple_choice/quiz","n":9,"chance":0.25,"value":0.5})" "\n");
  add(R"({"stage":"eval","ckpt":"runs/d6/ckpt/ppo/","name":"exact_match/arithmetic","value":0.125})" "\n");
  std::ofstream(path) << s;
  return {bad_json, bad_value};
}

size_t count(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) n++;
  return n;
}

// the <svg> elements of the page, by title
std::map<std::string, std::string> svgs(const std::string& html) {
  std::map<std::string, std::string> out;
  for (size_t at = html.find("<svg"); at != std::string::npos; at = html.find("<svg", at + 1)) {
    const std::string svg = html.substr(at, html.find("</svg>", at) - at);
    const size_t t = svg.find("<title");
    const size_t t0 = svg.find('>', t) + 1;
    out[svg.substr(t0, svg.find("</title>") - t0)] = svg;
  }
  return out;
}

// the number of points of the polyline labelled `label` in `svg` (-1: none)
int64_t polyline_points(const std::string& svg, const std::string& label) {
  const size_t at = svg.find("<polyline class=\"series\" data-series=\"" + label + "\"");
  if (at == std::string::npos) return -1;
  const size_t p = svg.find("points=\"", at) + 8;
  const std::string pts = svg.substr(p, svg.find('"', p) - p);
  return pts.empty() ? 0 : static_cast<int64_t>(std::count(pts.begin(), pts.end(), ' ')) + 1;
}

}  // namespace

TEST(Report, TablesChartsAndWarnings) {
  ScratchDir dir;
  const auto [bad_json, bad_value] = write_metrics(dir.file("metrics.jsonl"));
  std::filesystem::create_directories(dir.path / "ckpt" / "sft");
  const ModelConfig c = config_from_depth(2);
  std::ofstream(dir.file("ckpt/sft/config.json")) << config_to_json(c).dump();
  const Report r = report_write({dir.path.string(), "2025-01-02 03:04:05 UTC"});
  EXPECT_EQ(read_file(dir.file("report.md")), r.markdown);
  EXPECT_EQ(read_file(dir.file("report.html")), r.html);
  for (const auto& e : std::filesystem::directory_iterator(dir.path))  // atomic writes leave no temp files
    EXPECT_EQ(e.path().string().find(".tmp"), std::string::npos) << e.path();

  // bad lines: skipped with path:line, the rest still read
  ASSERT_EQ(r.skipped, 2);
  ASSERT_EQ(r.warnings.size(), 2u);
  EXPECT_CONTAINS(r.warnings[0], fmt::format("metrics.jsonl:{}: not valid JSON", bad_json));
  EXPECT_CONTAINS(r.warnings[1], fmt::format("metrics.jsonl:{}: \"value\" of loss is not a number", bad_value));
  EXPECT_CONTAINS(r.markdown, "2025-01-02 03:04:05 UTC");

  // the tables: latest values, resumed series cut at the resume, unknown names and stages kept
  const std::string& md = r.markdown;
  EXPECT_CONTAINS(md, fmt::format("| sft | 2 | 128 | 2 | 2 | 384 | {} | {} |", c.vocab_size, c.max_position_embeddings));
  EXPECT_CONTAINS(md, "| metric | points | last step | final | min | max |");
  EXPECT_CONTAINS(md, "| loss | 1200 | 1199 | 3.3 | 3 | 3.9 |");
  EXPECT_CONTAINS(md, "| val_bpb | 12 | 1199 | 0.801 | 0.801 | 1.901 |");
  EXPECT_CONTAINS(md, "| loss | 25 | 24 | 1 | 1 | 2 |");              // sft
  EXPECT_CONTAINS(md, "| val_loss | 2 | 20 | 2.125 | 2.125 | 2.5 |");  // step 20 logged twice
  EXPECT_CONTAINS(md, "| val_acc/rude | 10 | 9 | 0.59 | 0.5 | 0.59 |");
  EXPECT_CONTAINS(md, "| nonfinite_skipped | 10 | 9 | 9 | 0 | 9 |");
  EXPECT_CONTAINS(md, "| x&lt;script&gt;alert(1)&lt;/script&gt; | 1 | 1199 | 7 | 7 | 7 |");
  EXPECT_CONTAINS(md, "## moderation");
  EXPECT_CONTAINS(md, "| f1/&lt;b&gt;harassment&lt;/b&gt; | 1 | 3 | 0.75 | 0.75 | 0.75 |");
  EXPECT_CONTAINS(md, "| metric | n | chance | base | sft | ppo | dpo |");
  EXPECT_CONTAINS(md, "| multiple_choice/quiz | 9 | 0.25 | 0.22 | 0.875 | – | 0.5 |");
  EXPECT_CONTAINS(md, "| exact_match/arithmetic |  |  | – | – | 0.125 | – |");
  for (const char* stage : {"## Pretraining", "## Supervised fine-tuning (SFT)", "## Reward model", "## PPO", "## DPO",
                            "## Best-of-n"})
    EXPECT_CONTAINS(md, stage);
  EXPECT_LT(md.find("## Pretraining"), md.find("## Best-of-n"));

  // the charts: one <svg> each, drawn only for series that exist
  const auto charts = svgs(r.html);
  const std::vector<std::string> expected = {
      "Pretraining: loss", "Pretraining: validation bits per byte", "SFT: loss", "Reward model: loss",
      "Reward model: accuracy", "Reward model: validation accuracy by kind", "Reward model: mean reward", "PPO: reward",
      "PPO: KL to the reference policy", "PPO: KL coefficient", "PPO: response length", "PPO: entropy",
      "PPO: clip fraction", "PPO: value loss", "PPO: policy loss", "DPO: loss", "DPO: reward accuracy",
      "DPO: reward margin", "Best-of-n: loss", "Best-of-n: reward"};
  EXPECT_EQ(r.charts, static_cast<int64_t>(expected.size()));
  EXPECT_EQ(charts.size(), expected.size());
  for (const std::string& t : expected) EXPECT_TRUE(charts.count(t)) << "no chart " << t;
  EXPECT_EQ(polyline_points(charts.at("Pretraining: loss"), "train"), static_cast<int64_t>(kMaxChartPoints));
  EXPECT_EQ(polyline_points(charts.at("Pretraining: validation bits per byte"), "validation"), 12);
  EXPECT_EQ(polyline_points(charts.at("SFT: loss"), "train"), 25);
  EXPECT_EQ(polyline_points(charts.at("SFT: loss"), "validation"), 2);
  EXPECT_EQ(polyline_points(charts.at("Reward model: validation accuracy by kind"), "wrong"), 10);
  EXPECT_EQ(polyline_points(charts.at("Reward model: validation accuracy by kind"), "rude"), 10);
  EXPECT_EQ(polyline_points(charts.at("Best-of-n: reward"), "best of n"), 10);
  EXPECT_EQ(polyline_points(charts.at("Best-of-n: reward"), "mean"), 10);
  const std::string& loss = charts.at("Pretraining: loss");  // axes with tick labels, a legend, a y label
  EXPECT_CONTAINS(loss, ">1200</text>");
  EXPECT_CONTAINS(loss, ">3.0</text>");
  EXPECT_CONTAINS(loss, ">loss (nats per token)</text>");
  EXPECT_CONTAINS(loss, ">step</text>");

  // self-contained and escaped: no scripts, no outside references
  EXPECT_EQ(r.html.find("<script"), std::string::npos);
  EXPECT_EQ(count(r.html, "http"), count(r.html, "\"http://www.w3.org/2000/svg\""));  // the SVG namespace only
  EXPECT_EQ(static_cast<int64_t>(count(r.html, "<svg")), r.charts);
  EXPECT_CONTAINS(r.html, "<td>x&lt;script&gt;alert(1)&lt;/script&gt;</td>");
  EXPECT_CONTAINS(r.html, "<td>f1/&lt;b&gt;harassment&lt;/b&gt;</td>");
}

TEST(Report, MissingMetricsIsAnInputError) {
  ScratchDir dir;
  const std::string msg = error_of([&] { report_build({dir.path.string(), ""}); });
  EXPECT_CONTAINS(msg, dir.file("metrics.jsonl"));
  EXPECT_FALSE(std::filesystem::exists(dir.file("report.html")));
}

TEST(Report, NoStagesYetStillAReport) {
  ScratchDir dir;
  std::ofstream(dir.file("metrics.jsonl")) << "\n";
  const Report r = report_build({dir.path.string(), ""});
  EXPECT_EQ(r.charts, 0);
  EXPECT_CONTAINS(r.markdown, "No eval results yet");
  EXPECT_CONTAINS(r.html, "</html>");
}

TEST(Report, DownsampleKeepsTheExtremes) {
  std::vector<MetricPoint> p;
  for (int64_t i = 0; i < 100000; i++) p.push_back({i, i == 4321 ? 100.0 : i == 77777 ? -100.0 : static_cast<double>(i % 3)});
  const std::vector<MetricPoint> d = downsample(p);
  EXPECT_LE(d.size(), kMaxChartPoints);
  for (size_t i = 1; i < d.size(); i++) EXPECT_LT(d[i - 1].step, d[i].step);
  EXPECT_TRUE(std::any_of(d.begin(), d.end(), [](const MetricPoint& x) { return x.value == 100.0 && x.step == 4321; }));
  EXPECT_TRUE(std::any_of(d.begin(), d.end(), [](const MetricPoint& x) { return x.value == -100.0 && x.step == 77777; }));
  EXPECT_EQ(downsample(std::vector<MetricPoint>(p.begin(), p.begin() + 10)).size(), 10u);
}

TEST(Report, EscapesChartText) {
  Chart c;
  c.title = "a <b> & \"c\"";
  c.series.push_back({"'s'", {{0, 1.0}}});
  const std::string svg = chart_svg(c, "x");
  EXPECT_CONTAINS(svg, "a &lt;b&gt; &amp; &quot;c&quot;");
  EXPECT_CONTAINS(svg, "data-series=\"&#39;s&#39;\"");
  EXPECT_CONTAINS(svg, "<circle");  // a lone point is drawn as a dot
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
}

TEST(Report, Cli) {
  ScratchDir dir;
  write_metrics(dir.file("metrics.jsonl"));
  CmdResult r = run_binary("report --run " + dir.path.string());
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "ownchat: warning: " + dir.file("metrics.jsonl") + ":");
  EXPECT_CONTAINS(r.output, "20 charts");
  EXPECT_TRUE(std::filesystem::exists(dir.file("report.html")));
  r = run_binary("report --run " + dir.file("nowhere"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, dir.file("nowhere/metrics.jsonl"));
}

// `eval --scaling`: one model's latest eval scores across runs, each run labelled by its preset and
// the minutes its speedrun stages took; a metric a run lacks is "-"; no scores is an error.
TEST(Report, ScalingTableAcrossRuns) {
  ScratchDir dir;
  auto eval_line = [](const std::string& model, const std::string& name, double v) {
    return json{{"stage", "eval"}, {"model", model}, {"name", name}, {"value", v}, {"n", 20}}.dump() + "\n";
  };
  const std::string a = dir.file("short"), b = dir.file("long");
  for (const std::string& run : {a, b}) std::filesystem::create_directories(run + "/speedrun");
  write_file_atomic(a + "/metrics.jsonl", eval_line("sft", "exact_match/arithmetic", 0.1) +
                                              eval_line("sft", "exact_match/arithmetic", 0.25) +  // later wins
                                              eval_line("ppo", "exact_match/arithmetic", 0.9));
  write_file_atomic(b + "/metrics.jsonl",
                    eval_line("sft", "exact_match/arithmetic", 0.85) + eval_line("sft", "consistency/phrasings", 0.7));
  write_file_atomic(a + "/speedrun/pretrain.done", json{{"preset", "cpu-short"}, {"seconds", 180.0}}.dump());
  write_file_atomic(a + "/speedrun/sft.done", json{{"preset", "cpu-short"}, {"seconds", 420.0}}.dump());
  CmdResult r = run_binary("eval --scaling " + a + " " + b);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "| metric (sft) | " + a + " (cpu-short, 10 min) | " + b + " |");
  EXPECT_CONTAINS(r.output, "| exact_match/arithmetic | 0.250 | 0.850 |");
  EXPECT_CONTAINS(r.output, "| consistency/phrasings | - | 0.700 |");
  r = run_binary("eval --scaling " + a + " --model ppo");
  EXPECT_CONTAINS(r.output, "| exact_match/arithmetic | 0.900 |");
  r = run_binary("eval --scaling " + a + " --model bon");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "none of the runs has eval scores of model 'bon'");
  r = run_binary("eval --scaling " + dir.file("nowhere"));
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, dir.file("nowhere/metrics.jsonl"));
}
