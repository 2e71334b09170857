// ownchat train moderation | ownchat moderate
#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/result_line.h"
#include "core/check.h"
#include "core/run_dir.h"
#include "moderation/moderator.h"
#include "moderation/lexicon.h"
#include "moderation/train.h"

namespace own {

// The result line of `train moderation`: counts, and rates to 4 decimals, in this order.
void to_json(nlohmann::ordered_json& j, const ModerationTrainResult& r) {
  const auto rate = [](double x) { return cli::rounded(x); };
  j = {{"train_examples", r.train_examples},
       {"heldout_examples", r.heldout_examples},
       {"chat_prompts", r.chat_prompts},
       {"refusal_prompts", r.refusal_prompts},
       {"macro_f1", rate(r.macro_f1)},
       {"macro_f1_classifier", rate(r.macro_f1_classifier)},
       {"macro_f1_lexicon", rate(r.macro_f1_lexicon)},
       {"heldout_chat_flag_rate", rate(r.heldout_chat_flag_rate)},
       {"heldout_lookalike_flag_rate", rate(r.heldout_lookalike_flag_rate)},
       {"ckpt", r.ckpt_dir}};
}

}  // namespace own

namespace own::cli {

namespace {

void print_result(const Moderator& mod, const std::string& text, bool explain) {
  const ModerationResult r = mod.classify(text);
  if (explain)
    for (const ModerationLexicon::Hit& h : mod.lexicon().hits(moderation_tokens(text)))
      fmt::print(stderr, "  lexicon: {} {:.2f}  \"{}\"\n", kModerationCategoryNames[static_cast<size_t>(h.category)],
                 h.score, h.source);
  fmt::print("{}\n", moderation_result_json(r).dump());
  std::fflush(stdout);
}

}  // namespace

void register_moderation_commands(CLI::App& app) {
  CLI::App* train = app.get_subcommand("train");
  CLI::App* tm = train->add_subcommand(
      "moderation", "moderation classifier on templated prompts + RUN/data/chat -> RUN/ckpt/moderation");
  auto o = std::make_shared<ModerationTrainOptions>();
  tm->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  tm->add_option("--seed", o->seed, "seed for the templated prompts and the data order")->capture_default_str();
  tm->add_option("--epochs", o->epochs, "passes over the training split")->capture_default_str();
  tm->add_option("--buckets", o->buckets, "hashed feature buckets (weights: 13 x buckets floats)")->capture_default_str();
  tm->add_option("--per-template", o->per_template, "fills tried per template")->capture_default_str();
  tm->add_option("--lexicon-samples", o->lexicon_samples, "phrases sampled per lexicon pattern for training (0: none)")
      ->capture_default_str();
  tm->add_option("--pos-weight-max", o->pos_weight_max, "cap on the up-weighting of rare positives")
      ->capture_default_str();
  tm->add_option("--lr", o->lr, "SGD step size at the first epoch")->capture_default_str();
  tm->add_option("--l2", o->l2, "L2 weight decay per update")->capture_default_str();
  tm->add_option("--threshold", o->threshold, "score at which a category is set (saved with the model)")
      ->capture_default_str();
  tm->add_flag("--refit,!--no-refit", o->refit,
               "save a model refit on train + held-out (the default; --no-refit: save the model the numbers "
               "describe)");
  tm->add_option("--show-errors", o->show_errors, "print up to N held-out mistakes per category to stderr");
  tm->callback([=] {
    const ModerationTrainResult r = train_moderation(*o);
    fmt::print(stderr, "{}", moderation_metrics_table(r));
    fmt::print("{}\n", json_line(r));
  });

  CLI::App* md = app.add_subcommand(
      "moderate", "classify text for OpenAI's moderation categories; one JSON result per --text or stdin line");
  struct Flags {
    std::string run = "runs/default", ckpt;
    std::vector<std::string> texts;
    bool lexicon_only = false, explain = false;
  };
  auto f = std::make_shared<Flags>();
  md->add_option("--run", f->run, "run directory (its ckpt/moderation, when trained)")->capture_default_str();
  md->add_option("--ckpt", f->ckpt, "moderation checkpoint (default RUN/ckpt/moderation)");
  md->add_option("--text", f->texts, "text to classify (repeatable); without it, each stdin line is one text");
  md->add_flag("--lexicon-only", f->lexicon_only, "ignore the trained classifier");
  md->add_flag("--explain", f->explain, "print the lexicon hits behind each result to stderr");
  md->callback([=] {
    std::string ckpt = f->ckpt.empty() ? RunDir(f->run).ckpt("moderation").string() : f->ckpt;
    std::error_code ec;
    if (!f->ckpt.empty() && !std::filesystem::exists(ckpt, ec))
      input_error("{}: no such moderation checkpoint; train one with `ownchat train moderation --run RUN`", ckpt);
    const Moderator mod = Moderator::load(f->lexicon_only ? "" : ckpt);
    if (!mod.trained() && !f->lexicon_only)
      fmt::print(stderr, "ownchat: {} not found: lexicon only (train it with `ownchat train moderation --run {}`)\n",
                 ckpt, f->run);
    if (!mod.lexicon().npm_missing().empty())
      fmt::print(stderr, "ownchat: moderation word lists: {}\n", mod.lexicon().npm_missing());
    if (!f->texts.empty()) {
      for (const std::string& t : f->texts) print_result(mod, t, f->explain);
      return;
    }
    std::string line;
    while (std::getline(std::cin, line)) print_result(mod, line, f->explain);
  });
}

}  // namespace own::cli
