// ownchat speedrun
#include <fmt/format.h>

#include "cli/commands.h"
#include "core/check.h"
#include "pipeline/speedrun.h"

namespace own::cli {

void register_speedrun_commands(CLI::App& app) {
  CLI::App* sr = app.add_subcommand(
      "speedrun",
      "the whole pipeline from an empty run directory: data, tokenizer, pretrain, sft, rm, ppo, dpo, bon, eval, "
      "report; prints each command, skips finished stages, continues interrupted ones");
  auto o = std::make_shared<SpeedrunOptions>();
  auto table = std::make_shared<bool>(false);
  sr->add_option("--preset", o->preset,
                 "smoke (a tiny model: the end-to-end test), cpu (a 4-layer model that learns to chat, ~30 min), "
                 "cpu-short (~10 min) or cpu-long (~90 min); --table prints each one's stages and times")
      ->capture_default_str();
  sr->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  std::string stages;
  for (const std::string& s : speedrun_stage_names()) stages += (stages.empty() ? "" : "|") + s;
  sr->add_option("--from", o->from, "redo this stage and every later one from scratch (" + stages + ")");
  sr->add_flag("--dry-run", o->dry_run, "print the commands and what would be skipped; run nothing");
  sr->add_flag("--table", *table,
               "print the preset's stages with the time and the metric to expect from each on 2 cores (Markdown); "
               "run nothing");
  sr->add_option("--threads", o->threads, "compute threads, passed to every compute command (default: all cores)");
  sr->callback([o, table] {
    if (o->threads < 0) input_error("--threads must be positive, got {}", o->threads);
    if (*table) return fmt::print("{}", speedrun_table(o->preset));
    speedrun(*o);
  });
}

}  // namespace own::cli
