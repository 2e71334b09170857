// Moderation for POST /v1/moderations, `serve --moderate` and `ownchat moderate`: OpenAI's 13
// omni-moderation categories, each scored by two small layers and the larger score kept:
//   lexicon     npm word lists (naughty-words, badwords-list) + hand-written phrase patterns, with
//               guards for benign look-alikes ("kill a python process") — lexicon.h
//   classifier  one-vs-rest logistic regression over hashed word unigrams + bigrams, trained by
//               `ownchat train moderation` on synthetic prompts — train.h
// It is a bag of words, not a language model: it sees phrasing, not meaning (negation, irony and
// context beyond a few words are lost). classify() is const and keeps no shared scratch, so one
// Moderator serves any number of threads.
#pragma once
#include <nlohmann/json.hpp>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace own {

constexpr size_t kModerationCategories = 13;
// OpenAI's order; the index into every per-category array below
enum class ModCategory : uint8_t {
  harassment, harassment_threatening, hate, hate_threatening, illicit, illicit_violent, self_harm,
  self_harm_intent, self_harm_instructions, sexual, sexual_minors, violence, violence_graphic
};
// OpenAI's spelling: "harassment", "harassment/threatening", ..., "violence/graphic"
extern const std::array<const char*, kModerationCategories> kModerationCategoryNames;
// "self-harm" for "self-harm/intent"; a top-level category is its own parent
ModCategory moderation_parent(ModCategory c);
using ModScores = std::array<float, kModerationCategories>;  // (13) in [0, 1]

struct ModerationResult {
  bool flagged = false;                              // any category set
  ModScores scores{};                                // max(lexicon, classifier); a parent >= its children
  std::array<bool, kModerationCategories> categories{};  // scores >= threshold
};

// Word tokens as both layers see them: ASCII-lowercased runs of letters and digits (bytes >= 0x80
// count as letters), apostrophes dropped ("don't" -> "dont"), "!*@$+_" kept between letters
// ("sh!t"), anything else separates.
std::vector<std::string> moderation_tokens(std::string_view text);

// The trained layer: W (buckets, 13) in memory (one feature's 13 weights share a cache line); the
// file stores OpenAI-shaped (13, buckets). Features: hashed unigrams and adjacent bigrams, each
// 1/sqrt(count), so a text's feature vector has unit length before collisions.
struct ModerationModel {
  int64_t buckets = 0;
  float threshold = 0.5f;
  std::vector<float> weight;  // (buckets, 13)
  ModScores bias{};           // (13)
};
// bucket ids of `tokens`' unigrams then bigrams (repeats kept: they add up)
void moderation_features(const std::vector<std::string>& tokens, int64_t buckets, std::vector<uint32_t>& out);
// sigmoid(bias + W . x) per category
ModScores moderation_model_scores(const ModerationModel& m, const std::vector<std::string>& tokens);
// DIR/config.json + DIR/model.safetensors as `train moderation` writes them (or DIR.old when a save
// was interrupted). InputError naming the file for anything missing, corrupt or of another shape.
ModerationModel moderation_model_load(const std::string& dir);

class ModerationLexicon;

class Moderator {
 public:
  // ckpt_dir: a `train moderation` checkpoint (RUN/ckpt/moderation); "" or a directory that does
  // not exist: the lexicon alone. InputError for a checkpoint that exists but cannot be read.
  static Moderator load(const std::string& ckpt_dir);

  ModerationResult classify(std::string_view text) const;
  bool trained() const { return model_ != nullptr; }
  float threshold() const { return model_ ? model_->threshold : 0.5f; }
  const ModerationLexicon& lexicon() const { return *lexicon_; }

 private:
  std::shared_ptr<const ModerationLexicon> lexicon_;
  std::shared_ptr<const ModerationModel> model_;  // null: lexicon only
};

// Parents raised to their highest child, categories = scores >= threshold, flagged = any.
ModerationResult moderation_result(const ModScores& scores, float threshold);

// OpenAI's result object: {"flagged", "categories": {name: bool}, "category_scores": {name: float},
// "category_applied_input_types": {name: ["text"]}}, all 13 categories in each.
nlohmann::json moderation_result_json(const ModerationResult& r);

}  // namespace own
