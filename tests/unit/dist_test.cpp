// Data-parallel training on MPI through the real binary and Debian's mpirun (2 ranks, one thread
// each, oversubscribed on any machine): the same global batch gives the same losses and weights as
// one process (up to the order of float sums), checkpoints resume on another number of ranks, and
// a rank that dies ends the job with a message naming it.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/fileio.h"
#include "model/checkpoint.h"
#include "test_util.h"

using namespace own;
using namespace own::test;
namespace fs = std::filesystem;

namespace {

std::string mpirun(int ranks) {
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);  // CI containers run as root
  ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
  return fmt::format("timeout 120 mpirun --oversubscribe --bind-to none -np {} ", ranks);
}

// Why these tests cannot run here, or "" when they can.
std::string find_skip_reason() {
  if (kSanitized) return "OpenMPI's own allocations trip the leak checker of a sanitized build";
  if (run_shell("command -v mpirun >/dev/null 2>&1").status != 0) return "mpirun is not installed (scripts/setup.sh)";
  if (run_binary("--version").output.find("built with MPI") == std::string::npos) return "built without MPI";
  // a container without what OpenMPI needs to start processes (shared memory, a resolvable host)
  const CmdResult probe = run_shell(mpirun(2) + "true 2>&1");
  if (probe.status != 0) return "mpirun cannot start 2 processes here: " + probe.output.substr(0, 400);
  return "";
}

const std::string& skip_reason() {
  static const std::string why = find_skip_reason();
  return why;
}

#define SKIP_WITHOUT_MPI()                                     \
  do {                                                         \
    if (!skip_reason().empty()) GTEST_SKIP() << skip_reason(); \
  } while (0)


// data (Moby-Dick shards, chat data) and a tokenizer, copied into a fresh run folder per use
const std::string& template_run() {
  static const std::string run = [] {
    const std::string r = moby_run("ownchat_dist");
    for (const std::string& args : {"data tokenize --run " + r, "data chat --run " + r}) {
      CmdResult c = run_binary(args);
      EXPECT_EQ(c.status, 0) << args << "\n" << c.output;
    }
    return r;
  }();
  return run;
}

std::string fresh_run(const ScratchDir& dir, const std::string& name) {
  const std::string r = dir.file(name);
  fs::copy(template_run(), r, fs::copy_options::recursive);
  return r;
}

// 8 steps of 2 micro-batches of 2 x 64 tokens: a global batch of 256 tokens
const std::string kPretrain =
    "--threads 1 train pretrain --depth 2 --vocab 512 --seq 64 --batch 2 --total-batch-tokens 256 --steps 8 "
    "--eval-every 4 ";

// the values of one metric of one stage, in the order logged
std::vector<double> metric(const std::string& run, const std::string& stage, const std::string& name) {
  std::vector<double> out;
  std::ifstream f(run + "/metrics.jsonl");
  for (std::string line; std::getline(f, line);) {
    auto j = nlohmann::json::parse(line);
    if (j["stage"] == stage && j["name"] == name) out.push_back(j["value"].get<double>());
  }
  return out;
}

std::vector<double> losses(const std::string& run, const std::string& stage) { return metric(run, stage, "loss"); }

// max |a - b| over the weights, relative to max |a|
double weight_gap(const std::string& a_dir, const std::string& b_dir) {
  const Checkpoint a = checkpoint_load(a_dir), b = checkpoint_load(b_dir);
  EXPECT_EQ(a.layout.total, b.layout.total);
  double gap = 0, scale = 0;
  for (int64_t k = 0; k < a.layout.total; k++) {
    gap = std::max(gap, static_cast<double>(std::fabs(a.params.data[k] - b.params.data[k])));
    scale = std::max(scale, static_cast<double>(std::fabs(a.params.data[k])));
  }
  fmt::print("weights of {} and {}: max gap {:.2e} of the largest weight\n", a_dir, b_dir, gap / scale);
  return gap / scale;
}

void expect_close(const std::vector<double>& a, const std::vector<double>& b, double tol) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t k = 0; k < a.size(); k++) EXPECT_NEAR(a[k], b[k], tol * std::max(std::fabs(a[k]), 1.0)) << "step " << k;
}

// Reduction order: one process adds micro-batch 1's gradient into micro-batch 0's as it goes; two
// ranks add the two sums at the end. Measured: weights 1.2e-7 to 2.5e-7 apart (relative to the
// largest), losses equal to 4 decimals; the bounds leave 40x room.
constexpr double kLossTol = 1e-5, kWeightTol = 1e-5;

}  // namespace

TEST(DataParallel, TwoRanksTrainAsOneProcessWithTheSameGlobalBatch) {  // pretrain, SFT, PPO
  SKIP_WITHOUT_MPI();
  ScratchDir dir;
  const std::string one = fresh_run(dir, "one"), two = fresh_run(dir, "two");
  CmdResult c = run_binary(kPretrain + "--run " + one);
  ASSERT_EQ(c.status, 0) << c.output;
  c = run_shell(mpirun(2) + OWN_BINARY + " " + kPretrain + "--run " + two + " 2>&1");
  ASSERT_EQ(c.status, 0) << c.output;
  // rank 0 alone speaks: one result line, one progress, one metrics file
  size_t results = 0;
  for (size_t at = c.output.find("\"train_loss\""); at != std::string::npos; at = c.output.find("\"train_loss\"", at + 1)) results++;
  EXPECT_EQ(results, 1u) << c.output;
  expect_close(losses(one, "pretrain"), losses(two, "pretrain"), kLossTol);
  EXPECT_EQ(losses(two, "pretrain").size(), 8u);
  EXPECT_LT(weight_gap(one + "/ckpt/base", two + "/ckpt/base"), kWeightTol);

  // SFT from that base, 2 micro-batches a step: one process against two ranks
  const std::string sft = "--threads 1 train sft --batch 2 --grad-accum 2 --seq 128 --steps 4 --eval-every 4 ";
  c = run_binary(sft + "--run " + one);
  ASSERT_EQ(c.status, 0) << c.output;
  c = run_shell(mpirun(2) + OWN_BINARY + " " + sft + "--run " + two + " --init " + one + "/ckpt/base 2>&1");
  ASSERT_EQ(c.status, 0) << c.output;
  expect_close(losses(one, "sft"), losses(two, "sft"), kLossTol);
  EXPECT_LT(weight_gap(one + "/ckpt/sft", two + "/ckpt/sft"), kWeightTol);

  // PPO from that SFT model: each rank samples and scores half the rollouts with the seeds one
  // process uses, then trains on half of each minibatch; the rewards and weights come out the same
  c = run_binary("--threads 1 train rm --batch 8 --seq 128 --steps 2 --eval-every 2 --run " + one);
  ASSERT_EQ(c.status, 0) << c.output;
  const std::string ppo = "--threads 1 train ppo --steps 2 --prompts 4 --minibatch 2 --max-tokens 12 --seq 128 "
                          "--judge-every 0 --init " + one + "/ckpt/sft --rm " + one + "/ckpt/rm ";
  c = run_binary(ppo + "--run " + one);
  ASSERT_EQ(c.status, 0) << c.output;
  c = run_shell(mpirun(2) + OWN_BINARY + " " + ppo + "--run " + two + " 2>&1");
  ASSERT_EQ(c.status, 0) << c.output;
  for (const char* name : {"reward", "kl", "response_len", "policy_loss", "value_loss"})
    expect_close(metric(one, "ppo", name), metric(two, "ppo", name), 1e-4);
  EXPECT_LT(weight_gap(one + "/ckpt/ppo", two + "/ckpt/ppo"), kWeightTol);
}

TEST(DataParallel, CheckpointsResumeOnAnotherNumberOfRanks) {
  SKIP_WITHOUT_MPI();
  ScratchDir dir;
  const std::string whole = fresh_run(dir, "whole"), two_then_one = fresh_run(dir, "21"),
                    one_then_two = fresh_run(dir, "12");
  ASSERT_EQ(run_binary(kPretrain + "--run " + whole).status, 0);
  // 2 ranks stop at step 4, one process finishes
  CmdResult c = run_shell(mpirun(2) + OWN_BINARY + " " + kPretrain + "--stop-at 4 --run " + two_then_one + " 2>&1");
  ASSERT_EQ(c.status, 0) << c.output;
  c = run_binary(kPretrain + "--resume --run " + two_then_one);
  ASSERT_EQ(c.status, 0) << c.output;
  EXPECT_NE(c.output.find("resumed from"), std::string::npos) << c.output;
  // one process stops at step 4, 2 ranks finish
  ASSERT_EQ(run_binary(kPretrain + "--stop-at 4 --run " + one_then_two).status, 0);
  c = run_shell(mpirun(2) + OWN_BINARY + " " + kPretrain + "--resume --run " + one_then_two + " 2>&1");
  ASSERT_EQ(c.status, 0) << c.output;
  for (const std::string& r : {two_then_one, one_then_two}) {
    expect_close(losses(whole, "pretrain"), losses(r, "pretrain"), kLossTol);
    EXPECT_LT(weight_gap(whole + "/ckpt/base", r + "/ckpt/base"), kWeightTol) << r;
  }
}

TEST(DataParallel, ABatchThatDoesNotSplitAndUnsupportedStagesAreErrors) {
  SKIP_WITHOUT_MPI();
  ScratchDir dir;
  const std::string r = fresh_run(dir, "r");
  CmdResult c = run_shell(mpirun(2) + OWN_BINARY +
                          " --threads 1 train pretrain --depth 2 --vocab 512 --seq 64 --batch 2 --steps 2 --run " + r +
                          " 2>&1");
  EXPECT_NE(c.status, 0);
  EXPECT_NE(c.output.find("1 micro-batches per step do not split over 2 ranks"), std::string::npos) << c.output;
  // both ranks find it; whichever aborts first ends the other, so either may be the one that says it
  EXPECT_NE(c.output.find(" of 2: error: 1 micro-batches"), std::string::npos) << c.output;
  c = run_shell(mpirun(2) + OWN_BINARY + " train bon --run " + r + " 2>&1");
  EXPECT_NE(c.status, 0);
  EXPECT_NE(c.output.find("does not run data-parallel"), std::string::npos) << c.output;
}

TEST(DataParallel, ARankThatDiesEndsTheJobNamingIt) {
  SKIP_WITHOUT_MPI();
  ScratchDir dir;
  const std::string r = fresh_run(dir, "r");
  const std::string log = dir.file("job.log"), rc = dir.file("job.rc");
  const std::string job = mpirun(2) + OWN_BINARY + " --threads 1 train pretrain --depth 2 --vocab 512 --seq 64 "
                          "--batch 2 --total-batch-tokens 256 --steps 1000000 --run " + r;
  ASSERT_EQ(run_shell("(" + job + " >" + log + " 2>&1; echo $? >" + rc + ") >/dev/null 2>&1 &").status, 0);
  // find rank 1: an ownchat process of this run with OMPI_COMM_WORLD_RANK=1 in its environment
  pid_t victim = -1;
  for (int tries = 0; tries < 300 && victim < 0; tries++) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    for (const auto& e : fs::directory_iterator("/proc")) {
      const std::string name = e.path().filename().string();
      if (name.find_first_not_of("0123456789") != std::string::npos) continue;
      std::string cmd, env;
      try {
        cmd = read_file(e.path().string() + "/cmdline");
        env = read_file(e.path().string() + "/environ");
      } catch (const InputError&) {
        continue;
      }
      if (cmd.find(r) != std::string::npos && cmd.find("mpirun") != 0 &&
          env.find(std::string("OMPI_COMM_WORLD_RANK=1") + '\0') != std::string::npos)
        victim = static_cast<pid_t>(std::stol(name));
    }
  }
  ASSERT_GT(victim, 0) << read_file(log);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // mid-run
  ASSERT_EQ(::kill(victim, SIGKILL), 0);
  const auto t0 = std::chrono::steady_clock::now();
  while (!fs::exists(rc) && std::chrono::steady_clock::now() - t0 < std::chrono::seconds(30))
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(fs::exists(rc)) << "the job still runs 30 s after rank 1 was killed:\n" << read_file(log);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the shell writes the code
  EXPECT_NE(std::stoi(read_file(rc)), 0);
  const std::string out = read_file(log);
  EXPECT_NE(out.find("rank 1"), std::string::npos) << out;
  EXPECT_NE(out.find("signal 9"), std::string::npos) << out;
}
