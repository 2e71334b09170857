// ownchat ckpt init|info
#include <fmt/format.h>

#include "cli/commands.h"
#include "model/inspect.h"

namespace own::cli {

void register_ckpt_commands(CLI::App& app) {
  CLI::App* ckpt = app.add_subcommand("ckpt", "create or inspect checkpoints (safetensors + config.json)");
  ckpt->require_subcommand(1);

  CLI::App* init = ckpt->add_subcommand("init", "write a randomly initialised model checkpoint");
  struct InitFlags {
    ModelFlags model;
    std::string out;
    uint64_t seed = 1;
    int64_t seq = 1024;
  };
  auto f = std::make_shared<InitFlags>();
  f->model.add(init);
  init->add_option("--out", f->out, "checkpoint directory to write")->required();
  init->add_option("--seed", f->seed, "initialisation seed")->capture_default_str();
  init->add_option("--seq", f->seq, "context length (max_position_embeddings)")->capture_default_str();
  init->callback([=] {
    f->model.o.seq = f->seq;
    checkpoint_init(f->out, f->model.config(f->seq), f->seed);
  });

  CLI::App* info = ckpt->add_subcommand("info", "validate a checkpoint and print its summary as JSON");
  auto dir = std::make_shared<std::string>();
  info->add_option("dir", *dir, "checkpoint directory")->required();
  info->callback([=] { fmt::print("{}\n", checkpoint_info(*dir).dump(2)); });
}

}  // namespace own::cli
