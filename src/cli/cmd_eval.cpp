// ownchat eval
#include <cstdio>

#include "cli/commands.h"
#include "core/check.h"
#include "eval/chat_eval.h"

namespace own::cli {

void register_eval_commands(CLI::App& app) {
  CLI::App* ev = app.add_subcommand("eval", "chat evals on RUN/data/chat/test.jsonl, beside the base model and chance");
  auto o = std::make_shared<ChatEvalOptions>();
  ev->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  ev->add_option("--ckpt", o->ckpt, "model to evaluate (default RUN/ckpt/sft)");
  ev->add_option("--base", o->base, "model to compare with (default RUN/ckpt/base; `none` to skip)");
  ev->add_option("--per-family", o->per_family, "test conversations per family at most")->capture_default_str();
  ev->add_option("--max-tokens", o->max_tokens, "longest generated answer")->capture_default_str();
  add_threads_flag(ev);
  ev->callback([=] {
    if (o->per_family < 1 || o->max_tokens < 1) input_error("--per-family and --max-tokens must be positive");
    std::printf("%s", eval_table(evaluate_chat(*o)).c_str());
  });
}

}  // namespace own::cli
