// speedrun: the presets as command lines (fast), and SpeedrunSmoke, the pipeline end to end:
// `ownchat speedrun --preset smoke` from an empty directory through every stage, each stage's key
// metric moving the right way, then a rerun that skips everything, a deleted .done that reruns
// its stage with --resume, and --from that reruns a stage and what follows from scratch.
// Deterministic: every stage is seeded and the thread count is fixed (--threads 2).
#include "pipeline/speedrun.h"

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/fileio.h"
#include "eval/metrics_log.h"
#include "test_util.h"

namespace own {
namespace {
namespace fs = std::filesystem;
using test::run_binary;
using test::ScratchDir;

std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& w : v) s += (s.empty() ? "" : " ") + w;
  return s;
}

size_t count_of(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) n++;
  return n;
}

TEST(Speedrun, PlanRunsEveryStageInOrderWithThreads) {
  SpeedrunOptions o;
  o.preset = "smoke";
  o.run_dir = "/tmp/sr run";
  o.threads = 2;
  const std::vector<SpeedrunCommand> plan = speedrun_plan(o);
  const std::vector<std::string> want = {"data", "tokenizer", "index", "tokenize", "pretrain", "chat_data", "sft",
                                         "policy_prefs", "rm", "ppo", "dpo", "bon", "eval", "report"};
  ASSERT_EQ(speedrun_stage_names(), want);
  ASSERT_EQ(plan.size(), want.size());
  for (size_t i = 0; i < plan.size(); i++) {
    const std::string args = joined(plan[i].args);
    EXPECT_EQ(plan[i].stage, want[i]);
    EXPECT_CONTAINS(args, "--run /tmp/sr run");
    const bool compute = args.rfind("train ", 0) == 0 || args.rfind("eval", 0) == 0 ||
                         args.rfind("data tokenize", 0) == 0 || args.rfind("data policy-prefs", 0) == 0;
    EXPECT_EQ(args.find("--threads 2") != std::string::npos, compute) << args;
    EXPECT_EQ(args.find("--resume"), std::string::npos) << args;
    EXPECT_EQ(plan[i].resumable, args.rfind("train ", 0) == 0) << args;
  }
  EXPECT_CONTAINS(joined(plan[1].args), "--input /tmp/sr run/data/corpus/train.jsonl");
  EXPECT_CONTAINS(joined(plan[0].args), "datasets-moby-dick");
  EXPECT_EQ(plan[4].outputs.at(0), "/tmp/sr run/ckpt/base");
  EXPECT_EQ(plan[9].outputs, (std::vector<std::string>{"/tmp/sr run/ckpt/ppo", "/tmp/sr run/ckpt/ppo_critic"}));
  EXPECT_EQ(speedrun_command_line(plan[1].args).substr(0, 48), "ownchat tokenizer train --run '/tmp/sr run' --in");
  EXPECT_EQ(speedrun_command_line({"a'b", "x=1"}), "ownchat 'a'\\''b' x=1");

  o.preset = "cpu";
  o.threads = 0;
  const std::vector<SpeedrunCommand> cpu = speedrun_plan(o);
  EXPECT_EQ(joined(cpu[0].args), "data build --run /tmp/sr run");  // the default corpus
  EXPECT_CONTAINS(joined(cpu[1].args), "--vocab 4096");
  EXPECT_CONTAINS(joined(cpu[2].args), "index build --run /tmp/sr run --passage-tokens 64");
  EXPECT_CONTAINS(joined(cpu[4].args), "--depth 4");
  for (const SpeedrunCommand& c : cpu) EXPECT_EQ(joined(c.args).find("--threads"), std::string::npos);
}

TEST(Speedrun, BadFlagsSayWhatIsExpected) {
  SpeedrunOptions o;
  o.preset = "fast";
  EXPECT_CONTAINS(test::error_of([&] { speedrun_plan(o); }), "--preset fast: unknown; expected smoke|cpu");
  ScratchDir d;
  const std::string run = d.file("run");
  auto r = run_binary("speedrun --preset smoke --run " + run + " --from nosuch");
  EXPECT_EQ(r.status, 1);
  EXPECT_CONTAINS(r.output, "--from nosuch: no such stage; expected one of data|tokenizer|");
  EXPECT_FALSE(fs::exists(run + "/speedrun"));
}

TEST(Speedrun, DryRunPrintsEveryCommandAndRunsNothing) {
  ScratchDir d;
  const std::string run = d.file("run");
  auto r = run_binary("speedrun --preset smoke --run " + run + " --dry-run --threads 1");
  ASSERT_EQ(r.status, 0) << r.output;
  for (const char* cmd : {"data build", "tokenizer train", "data tokenize", "train pretrain", "data chat", "train sft",
                          "data policy-prefs", "train rm", "train ppo", "train dpo", "train bon", "eval", "report"})
    EXPECT_CONTAINS(r.output, fmt::format("$ ownchat {} --run {}", cmd, run));
  EXPECT_CONTAINS(r.output, "[14/14] report");
  EXPECT_FALSE(fs::exists(run));
}

// --table: the stage table, the one place a preset's expectations are written, runs nothing
TEST(Speedrun, TablePrintsEveryStageWithWhatToExpect) {
  auto r = run_binary("speedrun --table --preset cpu");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "speedrun --preset cpu: a 4-layer model");
  for (const std::string& stage : speedrun_stage_names()) EXPECT_CONTAINS(r.output, "| " + stage + " | `ownchat ");
  EXPECT_CONTAINS(r.output, "| pretrain | `ownchat train pretrain` | a base model learns to continue text");
  EXPECT_CONTAINS(r.output, "val bits per byte");
  EXPECT_CONTAINS(run_binary("speedrun --table --preset fast").output, "--preset fast: unknown; expected smoke|cpu");
}

// The key number a stage printed (its JSON result line, kept in RUN/speedrun/<stage>.done).
nlohmann::json stage_result(const std::string& run, const std::string& stage) {
  const nlohmann::json done = nlohmann::json::parse(read_file(run + "/speedrun/" + stage + ".done"));
  const std::string out = done.at("stdout").get<std::string>();
  // the result is the last line (one JSON object, which may nest others)
  const size_t end = out.find_last_not_of('\n');
  if (end == std::string::npos) return nlohmann::json::object();
  const size_t line = out.rfind('\n', end);
  const std::string last = out.substr(line == std::string::npos ? 0 : line + 1, end + 1 - (line == std::string::npos ? 0 : line + 1));
  if (last.empty() || last[0] != '{') return nlohmann::json::object();
  return nlohmann::json::parse(last);
}

double mean_of(const std::vector<MetricPoint>& s, size_t from, size_t to) {
  double sum = 0;
  for (size_t i = from; i < to; i++) sum += s[i].value;
  return sum / static_cast<double>(to - from);
}

TEST(SpeedrunSmoke, EveryStageMovesItsMetricAndRerunsSkipOrResume) {
  ScratchDir d;
  const std::string run = d.file("run");
  // passive OpenMP waiting: on shared, busy cores spinning threads slow a run ~10x
  const std::string env = "OMP_WAIT_POLICY=passive ";
  const std::string cmd = env + OWN_BINARY " speedrun --preset smoke --threads 2 --run " + run + " 2>&1";
  auto r = test::run_shell(cmd);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "$ ownchat train ppo --run " + run);
  EXPECT_CONTAINS(r.output, "ownchat chat --ckpt " + run + "/ckpt/ppo");
  EXPECT_CONTAINS(r.output, "ownchat serve --model " + run + "/ckpt/ppo");
  for (const std::string& stage : speedrun_stage_names())
    EXPECT_TRUE(fs::exists(run + "/speedrun/" + stage + ".done")) << stage;

  const MetricsLog log = metrics_log_read(run + "/metrics.jsonl");
  auto series = [&](const std::string& stage, const std::string& name) {
    const std::vector<MetricPoint>* s = log.find(stage, name);
    return s ? *s : std::vector<MetricPoint>{};
  };
  // pretrain: training loss and validation bits per byte fall
  const auto loss = series("pretrain", "loss"), bpb = series("pretrain", "val_bpb");
  ASSERT_GE(loss.size(), 40u);
  ASSERT_GE(bpb.size(), 2u);
  EXPECT_LT(mean_of(loss, loss.size() - 10, loss.size()), mean_of(loss, 0, 10) - 0.5);
  EXPECT_LT(bpb.back().value, bpb.front().value);
  EXPECT_LT(stage_result(run, "pretrain").at("val_bpb").get<double>(), stage_result(run, "pretrain").at("unigram_bpb").get<double>());
  // sft: validation loss falls
  const nlohmann::json sft = stage_result(run, "sft");
  EXPECT_LT(sft.at("val_loss").get<double>(), sft.at("val_loss_start").get<double>() - 0.2) << sft.dump();
  EXPECT_FALSE(series("sft", "val_loss").empty());
  // policy_prefs: the SFT model's answers, ranked, in every split
  const nlohmann::json pp = stage_result(run, "policy_prefs");
  for (const char* split : {"train_rankings", "val_rankings", "test_rankings"})
    EXPECT_GT(pp.at(split).get<int>(), 0) << pp.dump();
  // rm: ranks held-out answers better than chance
  const nlohmann::json rm = stage_result(run, "rm");
  const auto rm_acc = series("rm", "val_acc");
  ASSERT_FALSE(rm_acc.empty());
  EXPECT_GT(rm_acc.back().value, 0.6) << rm.dump();
  EXPECT_GT(rm.at("val_acc").get<double>(), rm.at("val_acc_start").get<double>()) << rm.dump();
  // ppo: the reward rises, first third of the steps against the last third, and first step against last
  const auto reward = series("ppo", "reward");
  ASSERT_GE(reward.size(), 9u);
  const size_t third = reward.size() / 3;
  EXPECT_GT(mean_of(reward, reward.size() - third, reward.size()), mean_of(reward, 0, third) + 0.1);
  const nlohmann::json ppo = stage_result(run, "ppo");
  EXPECT_GT(ppo.at("reward_last").get<double>(), ppo.at("reward_first").get<double>()) << ppo.dump();
  // dpo: prefers the chosen answer on held-out pairs more often than at the start, and than chance
  const nlohmann::json dpo = stage_result(run, "dpo");
  EXPECT_GT(dpo.at("val_acc").get<double>(), dpo.at("val_acc_start").get<double>()) << dpo.dump();
  EXPECT_GT(dpo.at("val_acc").get<double>(), 0.5) << dpo.dump();
  // bon: the reward model's picks score above the average sample
  const auto best = series("bon", "best_reward"), mean = series("bon", "mean_reward");
  ASSERT_EQ(best.size(), 1u);
  ASSERT_EQ(mean.size(), 1u);
  EXPECT_GT(best[0].value, mean[0].value + 0.2);
  // eval: scores for the SFT model and the aligned ones; the answers are non-empty, even at this
  // size (a PPO policy once answered everything with "", an SFT one with spaces). A 2-layer model
  // may still end a turn at once where <|end|> is its top guess by a hair (2 of 74, seen): at most
  // one answer in ten may be empty.
  for (const char* model : {"sft", "ppo", "dpo", "bon"}) {
    EXPECT_NE(std::find(log.eval_models.begin(), log.eval_models.end(), model), log.eval_models.end())
        << model << " has no eval rows";
    for (const char* name : {"format/non_empty"}) {
      const auto it = log.evals.find({model, name});
      ASSERT_NE(it, log.evals.end()) << model << " has no " << name;
      EXPECT_GE(it->second.value, 0.9) << model << ": " << name << " over " << it->second.n << " answers";
    }
  }
  // retrieval: the index is built, and the grounded evals (with and without passages) have rows
  EXPECT_TRUE(fs::exists(run + "/index.db"));
  for (const char* name : {"grounded/definition_correct", "grounded/definition_correct_no_retrieval",
                           "grounded/citation_correct", "grounded/hallucinated_citation"})
    EXPECT_NE(log.evals.find({"sft", name}), log.evals.end()) << "sft has no " << name;
  // report: written, with charts
  const std::string html = read_file(run + "/report.html");
  EXPECT_CONTAINS(html, "<svg");
  EXPECT_TRUE(fs::exists(run + "/report.md"));

  // a rerun skips every stage
  r = test::run_shell(cmd);
  ASSERT_EQ(r.status, 0) << r.output;
  const size_t stages = speedrun_stage_names().size();
  EXPECT_EQ(count_of(r.output, "skipped, done"), stages) << r.output;
  EXPECT_EQ(count_of(r.output, "$ ownchat"), 0u) << r.output;

  // a stage without its .done but with its checkpoint was interrupted: it continues (--resume)
  fs::remove(run + "/speedrun/dpo.done");
  r = test::run_shell(cmd);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count_of(r.output, "skipped, done"), stages - 1) << r.output;
  EXPECT_CONTAINS(r.output, "ownchat train dpo --run " + run);
  EXPECT_CONTAINS(r.output, "--threads 2 --resume");
  EXPECT_TRUE(fs::exists(run + "/speedrun/dpo.done"));

  // --from bon: bon from scratch, then eval and report again; everything before is skipped
  const auto bon_mtime = fs::last_write_time(run + "/data/bon/train.jsonl");
  r = test::run_shell(env + OWN_BINARY " speedrun --preset smoke --threads 2 --from bon --run " + run + " 2>&1");
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(count_of(r.output, "skipped, done"), stages - 3) << r.output;
  EXPECT_CONTAINS(r.output, "removing " + run + "/ckpt/bon (--from bon)");
  EXPECT_EQ(count_of(r.output, "--resume"), 0u) << r.output;
  for (const char* c : {"train bon", "eval", "report"}) EXPECT_CONTAINS(r.output, fmt::format("$ ownchat {} --run {}", c, run));
  EXPECT_NE(fs::last_write_time(run + "/data/bon/train.jsonl"), bon_mtime);
  const nlohmann::json bon = stage_result(run, "bon");
  EXPECT_GT(bon.at("best_reward").get<double>(), bon.at("mean_reward").get<double>()) << bon.dump();
}

}  // namespace
}  // namespace own
