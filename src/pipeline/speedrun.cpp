#include "pipeline/speedrun.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/dist.h"
#include "core/fileio.h"
#include "core/json_util.h"
#include "core/run_dir.h"
#include "pipeline/child_process.h"
#include "pipeline/stage_table.h"

namespace own {
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

std::string seconds_text(double s) {
  if (s < 60) return fmt::format("{:.1f} s", s);
  return fmt::format("{}m{:02d}s", static_cast<int>(s) / 60, static_cast<int>(s) % 60);
}

bool exists_or_old(const fs::path& p) {
  std::error_code ec;
  return fs::exists(p, ec) || fs::exists(fs::path(p.string() + ".old"), ec);
}

// The index of the --from stage; plan.size() when there is none.
size_t from_stage(const std::vector<SpeedrunCommand>& plan, const std::string& from) {
  if (from.empty()) return plan.size();
  std::string names;
  for (size_t i = 0; i < plan.size(); i++) {
    if (plan[i].stage == from) return i;
    names += (i ? "|" : "") + plan[i].stage;
  }
  input_error("--from {}: no such stage; expected one of {}", from, names);
}

// --from: this stage and every later one start over
void restart_stage(const SpeedrunCommand& c, const fs::path& done, const SpeedrunOptions& o) {
  for (const std::string& out : c.outputs)
    for (const std::string& p : {out, out + ".old"})
      if (fs::exists(p)) {
        fmt::print("speedrun: {} {} (--from {})\n", o.dry_run ? "would remove" : "removing", p, o.from);
        if (!o.dry_run) fs::remove_all(p);
      }
  if (!o.dry_run) fs::remove(done);
}

// A finished stage is skipped; a note when its .done was made by another command than `line`.
void skip_done_stage(const SpeedrunCommand& c, const fs::path& done, const std::string& line) {
  std::string before;
  try {
    before = string_or(nlohmann::json::parse(read_file(done.string())), "command", "");
  } catch (const std::exception&) {  // unreadable: still done; the rerun hint covers it
  }
  fmt::print("skipped, done ({})\n", done.string());
  if (before != line)
    fmt::print("speedrun: note: it was made by a different command:\n  {}\n  pass --from {} to redo it and "
               "what follows\n",
               before, c.stage);
}

// Runs the stage's command and records it in `done`; returns its seconds. InputError when it fails
// or is interrupted.
double run_stage(const SpeedrunCommand& c, const std::vector<std::string>& args, bool resume, const fs::path& done,
               const SpeedrunOptions& o) {
  std::fflush(stdout);
  const auto t0 = Clock::now();
  const ChildResult r = run_self(args);
  const double secs = seconds_since(t0);
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
                                 {"command", speedrun_command_line(c.args)},
                                 {"resumed", resume},
                                 {"seconds", secs},
                                 {"stdout", r.out}};
  write_file_atomic(done.string(), record.dump(2) + "\n");
  return secs;
}

void print_finish(const RunDir& run, double total, int ran, int skipped) {
  // with the run's index, both answer from it and cite their sources
  const std::string index = std::filesystem::exists(run.index()) ? " --index " + run.index().string() : "";
  fmt::print("\nspeedrun: finished in {} ({} stages run, {} skipped, already done)\n"
             "The report: {} and {}\n"
             "Talk to your model (PPO; swap in ckpt/sft, ckpt/dpo or ckpt/bon to compare):\n"
             "  ownchat chat --ckpt {}{}\n"
             "  ownchat serve --model {}{}     # then open http://127.0.0.1:8080\n",
             seconds_text(total), ran, skipped, run.report_md().string(), run.report_html().string(),
             run.ckpt("ppo").string(), index, run.ckpt("ppo").string(), index);
  std::fflush(stdout);
}

}  // namespace

void speedrun(const SpeedrunOptions& o) {
  dist::refuse_data_parallel("speedrun");
  const std::vector<SpeedrunCommand> plan = speedrun_plan(o);
  const size_t from = from_stage(plan, o.from);
  const RunDir run(o.run_dir);
  fmt::print("speedrun: preset {}: {}\nspeedrun: run directory {}{}\n", o.preset, speedrun_preset(o.preset)->about,
             o.run_dir, o.dry_run ? " (dry run: nothing is run)" : "");
  if (!o.dry_run) fs::create_directories(run.speedrun());

  const auto t_all = Clock::now();
  int ran = 0, skipped = 0;
  for (size_t i = 0; i < plan.size(); i++) {
    const SpeedrunCommand& c = plan[i];
    const fs::path done = run.speedrun() / (c.stage + ".done");
    fmt::print("\n[{}/{}] {}: {}\n", i + 1, plan.size(), c.stage, c.about);
    if (i >= from) {
      restart_stage(c, done, o);
    } else if (fs::exists(done)) {
      skip_done_stage(c, done, speedrun_command_line(c.args));
      skipped++;
      continue;
    }
    std::vector<std::string> args = c.args;
    const bool resume = c.resumable && !o.dry_run && exists_or_old(c.outputs[0]);
    if (resume) {
      args.push_back("--resume");
      fmt::print("speedrun: {} exists without {}: an interrupted run, continued\n", c.outputs[0], done.string());
    } else if (c.resumable && o.dry_run && i < from && exists_or_old(c.outputs[0])) {
      args.push_back("--resume");
    }
    fmt::print("$ {}\n", speedrun_command_line(args));
    if (o.dry_run) continue;
    const double secs = run_stage(c, args, resume, done, o);
    fmt::print("[{}/{}] {}: done in {}\n", i + 1, plan.size(), c.stage, seconds_text(secs));
    ran++;
  }
  if (!o.dry_run) print_finish(run, seconds_since(t_all), ran, skipped);
}

}  // namespace own
