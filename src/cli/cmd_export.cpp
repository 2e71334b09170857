// ownchat export gguf
#include "cli/commands.h"
#include "infer/gguf_export.h"

namespace own::cli {

void register_export_commands(CLI::App& app) {
  CLI::App* exp = app.add_subcommand("export", "write a model in another tool's format");
  exp->require_subcommand(1);
  CLI::App* gguf = exp->add_subcommand("gguf", "a checkpoint and its tokenizer as one GGUF file (llama.cpp, Ollama)");
  auto o = std::make_shared<GgufExportOptions>();
  gguf->add_option("--ckpt", o->ckpt, "checkpoint directory")->required();
  gguf->add_option("--out", o->out, "the .gguf file to write")->required();
  gguf->add_option("--type", o->type, "weight type: f32, f16, bf16 or q8_0 (norms stay f32)")->capture_default_str();
  gguf->add_option("--tokenizer", o->tokenizer, "tokenizer.json (default: the checkpoint's or its run's)");
  gguf->callback([o] { export_gguf(*o); });
}

}  // namespace own::cli
