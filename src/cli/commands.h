// Each command family registers its subcommands on the app. A command's callback only turns
// flags into an options struct and calls its module; InputError from there becomes exit 1.
#pragma once
#include <CLI/CLI.hpp>

#include <string>

#include "kernels/matmul.h"
#include "model/config.h"

namespace own::cli {

// --depth and the overrides shared by every command that builds a model
struct ModelFlags {
  int depth = 6;
  ModelOverrides o;
  bool untied = false;
  void add(CLI::App* app);
  ModelConfig config(int64_t seq) const;
};

Precision parse_precision(const std::string& s);
// --threads on a subcommand (the top-level flag works too)
void add_threads_flag(CLI::App* app);

void register_bench_commands(CLI::App& app);
void register_ckpt_commands(CLI::App& app);
void register_train_commands(CLI::App& app);
void register_tokenizer_commands(CLI::App& app);
void register_data_commands(CLI::App& app);
void register_generate_commands(CLI::App& app);
void register_eval_commands(CLI::App& app);
void register_report_commands(CLI::App& app);
void register_store_commands(CLI::App& app);  // keys, feedback
void register_serve_commands(CLI::App& app);
void register_moderation_commands(CLI::App& app);  // after register_train_commands: adds `train moderation`
void register_speedrun_commands(CLI::App& app);
void register_index_commands(CLI::App& app);
void register_export_commands(CLI::App& app);

}  // namespace own::cli
