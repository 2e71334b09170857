// The lexicon layer of moderation: word lists and phrase patterns over moderation_tokens().
//   terms     the npm lists (naughty-words' English list, badwords-list), each term tagged as
//             sexual, profanity, slur, ... (words.cpp) with a calibrated score
//   patterns  hand-written token patterns per category ("@will_i @kill @you"), see below
//   guards    patterns for benign look-alikes ("kill * process", "shoot * photo"): a hit that
//             overlaps a guard's span is dropped (some guards drop only harassment: "i want to
//             fuck you" is sexual, not an insult); a few clear violence from the whole text ("in
//             minecraft"); "benign" entries match nothing and only give the classifier negatives
// Pattern syntax: slots separated by spaces; a slot is alternatives separated by '|'; an
// alternative is a word, '*' (any one token), '-' (nothing), '@macro' (a list of sequences) or a
// group "(shut up|shut your mouth)" of whole sequences.
// Matching is exact on tokens (word boundaries by construction) and ASCII-case-insensitive.
// Built once per process (get()); read-only afterwards, so concurrent scoring needs no locks.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "moderation/moderator.h"

namespace own {

class ModerationLexicon {
 public:
  // The process-wide lexicon; the npm lists are looked up like the corpus packages
  // (find_node_modules: $OWN_NODE_MODULES, else node_modules above the working directory or the
  // binary). Without them the hand-written patterns still work: npm_missing() says why.
  static std::shared_ptr<const ModerationLexicon> get();
  ~ModerationLexicon();

  struct Hit {
    int8_t category;     // a ModCategory index
    float score;
    int32_t begin, end;  // token span [begin, end)
    std::string_view source;  // the pattern or term that matched
  };
  // Per-category scores of `tokens` (0 where nothing matched); parents are not raised here.
  ModScores scores(const std::vector<std::string>& tokens) const;
  // The hits behind scores(), guards applied (for `ownchat moderate --explain` and tests).
  std::vector<Hit> hits(const std::vector<std::string>& tokens) const;

  // Random phrases from each pattern (a walk through its slots; '*' becomes a filler word), labelled
  // with the pattern's categories scored >= 0.5; guards give benign phrases (labels all 0). For
  // teaching the classifier the lexicon's vocabulary; deterministic by seed.
  struct Sample {
    std::string text;
    ModScores scores{};  // 0 or the pattern's score per category
  };
  std::vector<Sample> samples(uint64_t seed, int64_t per_pattern) const;

  int64_t npm_terms() const;             // terms read from the npm lists
  const std::string& npm_missing() const;  // why none were read; "" when they were

  struct Impl;

 private:
  explicit ModerationLexicon(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace own
