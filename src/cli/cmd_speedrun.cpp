// ownchat speedrun
#include "cli/commands.h"
#include "core/check.h"
#include "eval/speedrun.h"

namespace own::cli {

void register_speedrun_commands(CLI::App& app) {
  CLI::App* sr = app.add_subcommand(
      "speedrun",
      "the whole pipeline from an empty run directory: data, tokenizer, pretrain, sft, rm, ppo, dpo, bon, eval, "
      "report; prints each command, skips finished stages, continues interrupted ones");
  auto o = std::make_shared<SpeedrunOptions>();
  sr->add_option("--preset", o->preset, "smoke (a tiny model, ~2 minutes: the end-to-end test) or cpu (~30 minutes on 2 cores)")
      ->capture_default_str();
  sr->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  std::string stages;
  for (const std::string& s : speedrun_stage_names()) stages += (stages.empty() ? "" : "|") + s;
  sr->add_option("--from", o->from, "redo this stage and every later one from scratch (" + stages + ")");
  sr->add_flag("--dry-run", o->dry_run, "print the commands and what would be skipped; run nothing");
  sr->add_option("--threads", o->threads, "compute threads, passed to every compute command (default: all cores)");
  sr->callback([o] {
    if (o->threads < 0) input_error("--threads must be positive, got {}", o->threads);
    speedrun(*o);
  });
}

}  // namespace own::cli
