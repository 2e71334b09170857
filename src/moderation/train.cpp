// `ownchat train moderation` (see train.h): examples from templates, the chat data and the
// lexicon; SGD; held-out precision / recall / F1 per category for the classifier, the lexicon and
// both; the checkpoint (swapped in via <dir>.tmp / <dir>.old) and metrics.jsonl lines.
#include "moderation/train.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "core/check.h"
#include "core/fileio.h"
#include "core/progress.h"
#include "core/run_dir.h"
#include "core/rng.h"
#include "data/chat_data.h"
#include "data/clean.h"
#include "moderation/lexicon.h"
#include "moderation/synth.h"
#include "model/safetensors.h"

namespace own {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr size_t C = kModerationCategories;

struct Example {
  std::string text, source;
  ModLabels labels = 0;
  bool held_out = false;
  std::vector<std::string> tokens;
  std::vector<uint32_t> features;
};

// RUN/data/chat/train.jsonl's user prompts, one per distinct text: the refusal family labelled by
// moderation_refusal_labels, everything else benign. Held out by item (the refusal question, or the
// family's item), ~15%.
void add_chat_examples(const std::string& path, std::vector<ModExample>& out, ModerationTrainResult& r) {
  std::set<std::string> seen;
  for (const Conversation& c : read_chat_jsonl(path, /*for_training=*/false)) {
    for (const ChatMessage& m : c.messages) {
      if (m.role != "user" || !seen.insert(m.content).second) continue;
      ModExample e;
      e.text = m.content;
      e.source = "chat:" + c.family;
      std::string key = c.family + "\x1f" + c.item;
      if (c.family == "refusal") {
        std::string base;
        e.labels = moderation_refusal_labels(m.content, &base);
        if (e.labels == 0) {  // a harmful ask we have no labels for: leave it out rather than call it benign
          r.unknown_refusals++;
          continue;
        }
        key = "refusal\x1f" + base;
        r.refusal_prompts++;
      } else {
        r.chat_prompts++;
      }
      e.held_out = text_hash(key) % 100 < 15;
      out.push_back(std::move(e));
    }
  }
}

float sigmoid(float z) { return 1.0f / (1.0f + std::exp(-z)); }

// a float option as its decimal spelling (0.00001, not 9.99999975e-06) for config.json
double decimal(float x) { return std::stod(fmt::format("{:.7g}", x)); }

void score_prf(ModerationPrf& p) {
  p.precision = p.tp + p.fp > 0 ? static_cast<double>(p.tp) / static_cast<double>(p.tp + p.fp) : 0.0;
  p.recall = p.tp + p.fn > 0 ? static_cast<double>(p.tp) / static_cast<double>(p.tp + p.fn) : 0.0;
  p.f1 = p.precision + p.recall > 0 ? 2 * p.precision * p.recall / (p.precision + p.recall) : 0.0;
}

void count(std::array<ModerationPrf, C>& prf, const std::array<bool, C>& predicted, ModLabels labels) {
  for (size_t c = 0; c < C; c++) {
    const bool y = labels & (1u << c);
    if (y) prf[c].support++;
    if (predicted[c] && y) prf[c].tp++;
    if (predicted[c] && !y) prf[c].fp++;
    if (!predicted[c] && y) prf[c].fn++;
  }
}

double macro_f1(std::array<ModerationPrf, C>& prf, int64_t* n) {
  double sum = 0;
  int64_t k = 0;
  for (ModerationPrf& p : prf) {
    score_prf(p);
    if (p.support == 0) continue;
    sum += p.f1;
    k++;
  }
  if (n) *n = k;
  return k > 0 ? sum / static_cast<double>(k) : 0.0;
}

// RUN/ckpt/moderation written as <dir>.tmp, then swapped in (via <dir>.old), like model checkpoints
void save_checkpoint(const fs::path& dir, const ModerationModel& m, const json& config) {
  const fs::path tmp = dir.string() + ".tmp", old = dir.string() + ".old";
  std::error_code ec;
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp, ec);
  if (ec) input_error("{}: cannot create directory: {}", tmp.string(), ec.message());
  const int64_t B = m.buckets;
  std::vector<float> w(static_cast<size_t>(static_cast<int64_t>(C) * B));  // (13, buckets) for the file
  for (int64_t b = 0; b < B; b++)
    for (size_t c = 0; c < C; c++)
      w[c * B + b] = m.weight[b * C + c];
  try {
    safetensors_write((tmp / "model.safetensors").string(),
                      {{"weight", Dtype::F32, {static_cast<int64_t>(C), B}, w.data()},
                       {"bias", Dtype::F32, {static_cast<int64_t>(C)}, m.bias.data()}},
                      {{"format", "ownchat-moderation"}});
    write_file_atomic((tmp / "config.json").string(), config.dump(2) + "\n");
    fsync_dir(tmp.string());
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
  if (fs::exists(dir, ec)) {
    fs::remove_all(old, ec);
    fs::rename(dir, old, ec);
    if (ec) input_error("cannot rename {} to {}: {}", dir.string(), old.string(), ec.message());
  }
  fs::rename(tmp, dir, ec);
  if (ec) input_error("cannot rename {} to {}: {}", tmp.string(), dir.string(), ec.message());
  fsync_dir(dir.parent_path().string());
  fs::remove_all(old, ec);
}

// One-vs-rest logistic regression by SGD over `data` (see train.h); deterministic by seed.
ModerationModel fit(const std::vector<const Example*>& data, const ModerationTrainOptions& o, const char* what) {
  ModerationModel m;
  m.buckets = o.buckets;
  m.threshold = o.threshold;
  m.weight.assign(static_cast<size_t>(o.buckets) * C, 0.0f);
  // positives are rare per category: weight them by sqrt(negatives / positives), capped
  std::array<float, C> pos_weight{};
  for (size_t c = 0; c < C; c++) {
    int64_t pos = 0;
    for (const Example* x : data) pos += (x->labels >> c) & 1u;
    const double neg = static_cast<double>(data.size()) - static_cast<double>(pos);
    pos_weight[c] = pos > 0 ? static_cast<float>(std::min(static_cast<double>(o.pos_weight_max),
                                                          std::sqrt(neg / static_cast<double>(pos))))
                            : 1.0f;
    m.bias[c] = pos > 0 ? static_cast<float>(std::log(static_cast<double>(pos) / std::max(neg, 1.0))) : -8.0f;
  }
  Rng rng(o.seed);
  std::vector<size_t> order(data.size());
  for (size_t i = 0; i < order.size(); i++) order[i] = i;
  Progress progress(what, o.epochs * static_cast<int64_t>(data.size()), "examples");
  int64_t done = 0;
  double window_loss = 0;
  for (int64_t epoch = 0; epoch < o.epochs; epoch++) {
    shuffle(order, rng);
    const float lr = o.lr / (1.0f + static_cast<float>(epoch));
    for (size_t idx : order) {
      const Example& x = *data[idx];
      if (x.features.empty()) continue;
      const float v = 1.0f / std::sqrt(static_cast<float>(x.features.size()));
      std::array<float, C> z = m.bias;
      for (uint32_t f : x.features) {
        const float* w = m.weight.data() + static_cast<size_t>(f) * C;
        for (size_t c = 0; c < C; c++) z[c] += v * w[c];
      }
      std::array<float, C> g{};
      for (size_t c = 0; c < C; c++) {
        const bool y = (x.labels >> c) & 1u;
        const float p = sigmoid(z[c]);
        const float wt = y ? pos_weight[c] : 1.0f;
        g[c] = wt * (p - (y ? 1.0f : 0.0f));
        window_loss -= wt * std::log(std::max(y ? p : 1.0f - p, 1e-7f));
        m.bias[c] -= lr * g[c];
      }
      for (uint32_t f : x.features) {
        float* w = m.weight.data() + static_cast<size_t>(f) * C;
        for (size_t c = 0; c < C; c++) w[c] -= lr * (g[c] * v + o.l2 * w[c]);
      }
      if (++done % 4096 == 0) {  // prints only every 2 s, so short runs stay quiet
        progress.update(done, fmt::format("epoch {} loss {:.4f}", epoch + 1, window_loss / 4096.0));
        window_loss = 0;
      }
    }
  }
  return m;
}

void check_options(const ModerationTrainOptions& o) {
  if (o.epochs <= 0) input_error("--epochs must be positive, got {}", o.epochs);
  if (o.buckets < 1024 || o.buckets > (int64_t{1} << 24))
    input_error("--buckets must be in [1024, 16777216], got {}", o.buckets);
  if (!(o.threshold > 0 && o.threshold < 1)) input_error("--threshold must be in (0, 1), got {}", o.threshold);
  if (o.per_template <= 0) input_error("--per-template must be positive, got {}", o.per_template);
}

// the lexicon's sampled phrases, labelled by the scores the lexicon gives them
void add_lexicon_examples(const ModerationTrainOptions& o, std::vector<ModExample>& out, ModerationTrainResult& r) {
  for (ModerationLexicon::Sample& s : ModerationLexicon::get()->samples(o.seed, o.lexicon_samples)) {
    ModExample e;
    e.text = std::move(s.text);
    for (size_t c = 0; c < C; c++)
      if (s.scores[c] >= 0.5f) e.labels |= static_cast<ModLabels>(1u << c);
    e.labels = moderation_close_labels(e.labels);
    e.source = "lexicon";
    out.push_back(std::move(e));
    r.lexicon_phrases++;
  }
}

// tokens and hashed features of each example, into the train or the held-out split
void featurize(const std::vector<ModExample>& raw, int64_t buckets, std::vector<Example>& train,
               std::vector<Example>& held) {
  for (const ModExample& e : raw) {
    Example x;
    x.text = e.text;
    x.source = e.source;
    x.labels = e.labels;
    x.held_out = e.held_out;
    x.tokens = moderation_tokens(e.text);
    moderation_features(x.tokens, buckets, x.features);
    (e.held_out ? held : train).push_back(std::move(x));
  }
}

// held-out benign prompts: from the chat data, and the templated look-alikes
struct HeldoutNegatives {
  int64_t chat = 0, chat_flagged = 0, lookalike = 0, lookalike_flagged = 0;
};

// held-out: the classifier alone, the lexicon alone, and both as Moderator::classify combines them
HeldoutNegatives score_heldout(const ModerationModel& m, const std::vector<Example>& held,
                               const ModerationTrainOptions& o, ModerationTrainResult& r) {
  const ModerationLexicon& lex = *ModerationLexicon::get();
  HeldoutNegatives neg;
  std::array<int64_t, C> shown{};
  for (const Example& x : held) {
    const ModScores cs = moderation_model_scores(m, x.tokens);
    const ModScores ls = lex.scores(x.tokens);
    ModScores both{};
    for (size_t c = 0; c < C; c++) both[c] = std::max(cs[c], ls[c]);
    const ModerationResult rc = moderation_result(cs, o.threshold), rl = moderation_result(ls, o.threshold),
                           rb = moderation_result(both, o.threshold);
    count(r.classifier, rc.categories, x.labels);
    count(r.lexicon, rl.categories, x.labels);
    count(r.combined, rb.categories, x.labels);
    for (size_t c = 0; c < C && o.show_errors > 0; c++) {
      const bool y = (x.labels >> c) & 1u;
      if (y == rb.categories[c] || shown[c]++ >= o.show_errors) continue;
      fmt::print(stderr, "held-out {} {} (classifier {:.2f}, lexicon {:.2f}): {}\n", y ? "missed" : "false",
                 kModerationCategoryNames[c], cs[c], ls[c], x.text);
    }
    if (x.labels == 0 && x.source.starts_with("chat:")) {
      neg.chat++;
      neg.chat_flagged += rb.flagged;
    } else if (x.labels == 0) {
      neg.lookalike++;
      neg.lookalike_flagged += rb.flagged;
    }
  }
  r.macro_f1_classifier = macro_f1(r.classifier, nullptr);
  r.macro_f1_lexicon = macro_f1(r.lexicon, nullptr);
  r.macro_f1 = macro_f1(r.combined, &r.categories_scored);
  auto rate = [](int64_t k, int64_t n) { return n > 0 ? static_cast<double>(k) / static_cast<double>(n) : 0.0; };
  r.heldout_chat_flag_rate = rate(neg.chat_flagged, neg.chat);
  r.heldout_lookalike_flag_rate = rate(neg.lookalike_flagged, neg.lookalike);
  return neg;
}

json checkpoint_config(const ModerationTrainOptions& o, const ModerationTrainResult& r, size_t n_examples) {
  json cats = json::array();
  for (const char* n : kModerationCategoryNames) cats.push_back(n);
  return {{"model_type", "ownchat-moderation"},
          {"version", 1},
          {"buckets", o.buckets},
          {"categories", cats},
          {"threshold", decimal(o.threshold)},
          {"features", "word unigrams + bigrams of moderation_tokens(), FNV-1a hashed, each 1/sqrt(count)"},
          {"weight_layout", "(categories, buckets)"},
          {"train", {{"seed", o.seed}, {"epochs", o.epochs}, {"lr", decimal(o.lr)}, {"l2", decimal(o.l2)},
                     {"per_template", o.per_template}, {"lexicon_samples", o.lexicon_samples},
                     {"pos_weight_max", decimal(o.pos_weight_max)}, {"refit_on_heldout", o.refit},
                     {"examples", static_cast<int64_t>(n_examples)}}},
          {"heldout", {{"examples", r.heldout_examples}, {"macro_f1", r.macro_f1},
                       {"macro_f1_classifier", r.macro_f1_classifier}, {"macro_f1_lexicon", r.macro_f1_lexicon},
                       {"chat_flag_rate", r.heldout_chat_flag_rate},
                       {"lookalike_flag_rate", r.heldout_lookalike_flag_rate}}}};
}

// metrics.jsonl: one line per category (combined, with the layers beside it) and the macro means
void append_metrics(const fs::path& path, const ModerationTrainOptions& o, const ModerationTrainResult& r,
                    const HeldoutNegatives& neg) {
  std::FILE* f = std::fopen(path.string().c_str(), "a");
  if (!f) input_error("{}: cannot open for appending", path.string());
  auto line = [&](const json& j) { fmt::print(f, "{}\n", j.dump()); };
  for (size_t c = 0; c < C; c++) {
    if (r.combined[c].support == 0) continue;
    line({{"stage", "moderation"}, {"step", o.epochs}, {"ckpt", r.ckpt_dir},
          {"name", std::string("f1/") + kModerationCategoryNames[c]}, {"value", r.combined[c].f1},
          {"precision", r.combined[c].precision}, {"recall", r.combined[c].recall}, {"n", r.combined[c].support},
          {"f1_classifier", r.classifier[c].f1}, {"f1_lexicon", r.lexicon[c].f1}});
  }
  line({{"stage", "moderation"}, {"step", o.epochs}, {"ckpt", r.ckpt_dir}, {"name", "f1_macro"}, {"value", r.macro_f1},
        {"n", r.categories_scored}});
  line({{"stage", "moderation"}, {"step", o.epochs}, {"ckpt", r.ckpt_dir}, {"name", "f1_macro/classifier"},
        {"value", r.macro_f1_classifier}});
  line({{"stage", "moderation"}, {"step", o.epochs}, {"ckpt", r.ckpt_dir}, {"name", "f1_macro/lexicon"},
        {"value", r.macro_f1_lexicon}});
  line({{"stage", "moderation"}, {"step", o.epochs}, {"ckpt", r.ckpt_dir}, {"name", "flag_rate/heldout_chat"},
        {"value", r.heldout_chat_flag_rate}, {"n", neg.chat}});
  line({{"stage", "moderation"}, {"step", o.epochs}, {"ckpt", r.ckpt_dir}, {"name", "flag_rate/heldout_lookalike"},
        {"value", r.heldout_lookalike_flag_rate}, {"n", neg.lookalike}});
  std::fclose(f);
}

}  // namespace

ModerationTrainResult train_moderation(const ModerationTrainOptions& o) {
  check_options(o);
  const RunDir run(o.run_dir);
  const std::string chat_path = (run.data("chat") / "train.jsonl").string();
  std::error_code ec;
  if (!fs::exists(chat_path, ec))
    input_error("{} is missing; run `ownchat data chat --run {}` first", chat_path, o.run_dir);

  ModerationTrainResult r;
  std::vector<ModExample> raw = moderation_synth(o.seed, o.per_template);
  add_chat_examples(chat_path, raw, r);
  if (o.lexicon_samples > 0) add_lexicon_examples(o, raw, r);
  std::vector<Example> train, held;
  featurize(raw, o.buckets, train, held);
  r.train_examples = static_cast<int64_t>(train.size());
  r.heldout_examples = static_cast<int64_t>(held.size());
  if (train.empty()) input_error("no training examples");
  std::vector<const Example*> data;
  for (const Example& x : train) data.push_back(&x);
  ModerationModel m = fit(data, o, "train moderation");
  const HeldoutNegatives neg = score_heldout(m, held, o, r);

  // the saved model: refit on train + held-out with the same settings (unless --no-refit), so the
  // look-alikes and phrasings held out above also teach the model that serves
  if (o.refit) {
    for (const Example& x : held) data.push_back(&x);
    m = fit(data, o, "refit moderation");
  }

  const fs::path dir = run.ckpt("moderation");
  fs::create_directories(dir.parent_path(), ec);
  save_checkpoint(dir, m, checkpoint_config(o, r, data.size()));
  r.ckpt_dir = dir.string();
  append_metrics(run.metrics(), o, r, neg);
  return r;
}

std::string moderation_metrics_table(const ModerationTrainResult& r) {
  std::string s = fmt::format("{:<24} {:>5} | {:>5} {:>5} {:>5} | {:>6} {:>6} | {:>6}\n", "held-out category", "n",
                              "P", "R", "F1", "F1 clf", "F1 lex", "F1 both");
  for (size_t c = 0; c < C; c++) {
    const ModerationPrf& p = r.combined[c];
    s += fmt::format("{:<24} {:>5} | {:>5.3f} {:>5.3f} {:>5.3f} | {:>6.3f} {:>6.3f} | {:>6.3f}\n",
                     kModerationCategoryNames[c], p.support, p.precision, p.recall, p.f1, r.classifier[c].f1,
                     r.lexicon[c].f1, p.f1);
  }
  s += fmt::format("macro F1 over {} categories: classifier {:.3f}, lexicon {:.3f}, both {:.3f}\n"
                   "held-out benign prompts flagged: {:.2f}% of chat prompts, {:.2f}% of look-alikes\n",
                   r.categories_scored, r.macro_f1_classifier, r.macro_f1_lexicon, r.macro_f1,
                   100.0 * r.heldout_chat_flag_rate, 100.0 * r.heldout_lookalike_flag_rate);
  return s;
}

}  // namespace own
