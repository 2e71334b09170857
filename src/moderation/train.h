// `ownchat train moderation`: fits the classifier layer of moderation (moderation.h) and reports
// it on a held-out split. Data: templated prompts (synth.h), RUN/data/chat/train.jsonl
// (the "refusal" family's harmful asks as positives, every other user prompt as a negative), and
// phrases sampled from the lexicon's patterns and guards (train split only).
// Model: one-vs-rest logistic regression, W (13, buckets) + b (13), plain SGD with L2 on the touched
// weights, positives up-weighted by sqrt(negatives/positives) per category. Deterministic given the
// seed (one thread). The held-out split is by template / chat item; the reported numbers are those of
// the model fit on the train split, and the saved model is then refit on train + held-out with the
// same settings (refit = false saves the measured model itself).
#pragma once
#include <array>
#include <cstdint>
#include <string>

#include "moderation/moderator.h"

namespace own {

struct ModerationTrainOptions {
  std::string run_dir = "runs/default";
  uint64_t seed = 1;
  int64_t epochs = 6;
  int64_t buckets = int64_t{1} << 18;
  int64_t per_template = 30;  // fills tried per template (duplicates dropped)
  int64_t lexicon_samples = 20;  // phrases sampled per lexicon pattern (train split only)
  float lr = 0.5f;            // SGD step at epoch 0, decays as 1/(1 + epoch)
  float l2 = 1e-5f;           // per-update weight decay on the weights an example touches
  float threshold = 0.5f;     // flagged when a score >= threshold (saved in config.json)
  float pos_weight_max = 8;   // positives weigh min(pos_weight_max, sqrt(negatives/positives))
  int64_t show_errors = 0;    // print up to this many held-out mistakes per category to stderr
  bool refit = true;          // save a model refit on all examples (false: the train-split model)
};

struct ModerationPrf {
  int64_t tp = 0, fp = 0, fn = 0, support = 0;  // support: held-out positives
  double precision = 0, recall = 0, f1 = 0;
};

struct ModerationTrainResult {
  int64_t train_examples = 0, heldout_examples = 0;
  int64_t chat_prompts = 0, refusal_prompts = 0, unknown_refusals = 0;  // from train.jsonl (unique)
  int64_t lexicon_phrases = 0;                                           // sampled from the lexicon
  std::array<ModerationPrf, kModerationCategories> classifier{}, lexicon{}, combined{};
  // means over the categories with held-out positives
  double macro_f1 = 0, macro_f1_classifier = 0, macro_f1_lexicon = 0;
  int64_t categories_scored = 0;
  // held-out negatives that the combined moderator flags: the chat data's ordinary prompts, and the
  // templated benign look-alikes ("kill a python process"), which are hard on purpose
  double heldout_chat_flag_rate = 0, heldout_lookalike_flag_rate = 0;
  std::string ckpt_dir;
};

// InputError when RUN/data/chat/train.jsonl is missing (run `ownchat data chat`) or bad options.
ModerationTrainResult train_moderation(const ModerationTrainOptions& o);
// Per-category precision / recall / F1 for the three layers, as a text table.
std::string moderation_metrics_table(const ModerationTrainResult& r);

}  // namespace own
