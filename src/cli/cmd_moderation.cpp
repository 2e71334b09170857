// ownchat train moderation | ownchat moderate
#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "core/check.h"
#include "moderation/moderator.h"
#include "moderation/lexicon.h"
#include "moderation/train.h"

namespace own::cli {

namespace {

void print_result(const Moderator& mod, const std::string& text, bool explain) {
  const ModerationResult r = mod.classify(text);
  if (explain)
    for (const ModerationLexicon::Hit& h : mod.lexicon().hits(moderation_tokens(text)))
      std::fprintf(stderr, "  lexicon: %s %.2f  \"%.*s\"\n", kModerationCategoryNames[static_cast<size_t>(h.category)],
                   static_cast<double>(h.score), static_cast<int>(h.source.size()), h.source.data());
  std::printf("%s\n", moderation_result_json(r).dump().c_str());
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
    std::fprintf(stderr, "%s", moderation_metrics_table(r).c_str());
    std::printf("{\"train_examples\": %lld, \"heldout_examples\": %lld, \"chat_prompts\": %lld, "
                "\"refusal_prompts\": %lld, \"macro_f1\": %.4f, \"macro_f1_classifier\": %.4f, "
                "\"macro_f1_lexicon\": %.4f, \"heldout_chat_flag_rate\": %.4f, "
                "\"heldout_lookalike_flag_rate\": %.4f, \"ckpt\": \"%s\"}\n",
                static_cast<long long>(r.train_examples), static_cast<long long>(r.heldout_examples),
                static_cast<long long>(r.chat_prompts), static_cast<long long>(r.refusal_prompts), r.macro_f1,
                r.macro_f1_classifier, r.macro_f1_lexicon, r.heldout_chat_flag_rate, r.heldout_lookalike_flag_rate, r.ckpt_dir.c_str());
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
    std::string ckpt = f->ckpt.empty() ? (std::filesystem::path(f->run) / "ckpt" / "moderation").string() : f->ckpt;
    std::error_code ec;
    if (!f->ckpt.empty() && !std::filesystem::exists(ckpt, ec))
      input_error("{}: no such moderation checkpoint; train one with `ownchat train moderation --run RUN`", ckpt);
    const Moderator mod = Moderator::load(f->lexicon_only ? "" : ckpt);
    if (!mod.trained() && !f->lexicon_only)
      std::fprintf(stderr, "ownchat: %s not found: lexicon only (train it with `ownchat train moderation --run %s`)\n",
                   ckpt.c_str(), f->run.c_str());
    if (!mod.lexicon().npm_missing().empty())
      std::fprintf(stderr, "ownchat: moderation word lists: %s\n", mod.lexicon().npm_missing().c_str());
    if (!f->texts.empty()) {
      for (const std::string& t : f->texts) print_result(mod, t, f->explain);
      return;
    }
    std::string line;
    while (std::getline(std::cin, line)) print_result(mod, line, f->explain);
  });
}

}  // namespace own::cli
