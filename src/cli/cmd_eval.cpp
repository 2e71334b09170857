// ownchat eval
#include <fmt/format.h>

#include "cli/commands.h"
#include "core/check.h"
#include "eval/chat_eval.h"
#include "eval/run_eval.h"
#include "eval/scaling.h"

namespace own::cli {

void register_eval_commands(CLI::App& app) {
  CLI::App* ev = app.add_subcommand(
      "eval", "every stage of the run on held-out data: chat evals, reward-model accuracy, aligned models vs SFT "
              "(RM reward, KL, win rates); with --ckpt one model beside --base");
  auto o = std::make_shared<ChatEvalOptions>();
  ev->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  ev->add_option("--ckpt", o->ckpt, "one model to evaluate, beside --base (default: every stage of the run)");
  ev->add_option("--base", o->base, "with --ckpt: the model to compare with (default RUN/ckpt/base; `none` to skip)");
  auto prompts = std::make_shared<int64_t>(100);
  ev->add_option("--prompts", *prompts, "held-out prompts for the aligned models' metrics")->capture_default_str();
  ev->add_option("--per-family", o->per_family, "test conversations per family at most")->capture_default_str();
  ev->add_option("--max-tokens", o->max_tokens, "longest generated answer")->capture_default_str();
  ev->add_option("--answers", o->answers_path,
                 "with --ckpt: write every generated answer to this file as JSON lines (family, item, prompt, "
                 "reference, answer, ended)");
  auto scaling = std::make_shared<std::vector<std::string>>();
  auto model = std::make_shared<std::string>("sft");
  ev->add_option("--scaling", *scaling,
                 "print a table of --model's eval scores across these already evaluated runs (e.g. the cpu-short, "
                 "cpu and cpu-long presets' run directories); evaluates nothing");
  ev->add_option("--model", *model, "with --scaling: the model whose scores are compared")->capture_default_str();
  add_threads_flag(ev);
  ev->callback([=] {
    if (!scaling->empty()) {
      fmt::print("{}", scaling_table(*scaling, *model));
      return;
    }
    if (o->per_family < 1 || o->max_tokens < 1) input_error("--per-family and --max-tokens must be positive");
    if (!o->answers_path.empty() && o->ckpt.empty()) input_error("--answers needs --ckpt (one model's answers)");
    if (!o->ckpt.empty()) {
      fmt::print("{}", eval_table(evaluate_chat(*o)));
      return;
    }
    RunEvalOptions ro;
    ro.run_dir = o->run_dir;
    ro.per_family = o->per_family;
    ro.max_tokens = o->max_tokens;
    ro.prompts = *prompts;
    fmt::print("{}", run_eval_table(evaluate_run(ro)));
  });
}

}  // namespace own::cli
