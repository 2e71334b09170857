// The lexicon's data (phrases.cpp): macros, phrase patterns with calibrated scores,
// guards for benign look-alikes, and tags for the npm word-list terms. Pattern syntax is in
// lexicon.h. Scores are constants, not fitted: ~0.9 an unambiguous phrase ("i will kill
// you"), ~0.8 a strong one, ~0.6 a likely one, < 0.5 a weak signal that alone does not flag.
#pragma once
#include <cstdint>
#include <span>
#include <string_view>

namespace own::modlex {

// Score.cat: a ModCategory index, or one of these markers
constexpr int8_t kGuard = -1;          // drop the hits that overlap this match
constexpr int8_t kGuardViolence = -2;  // drop violence / violence-graphic / illicit-violent hits anywhere
constexpr int8_t kMinor = -3;          // mentions a minor (sexual + minor anywhere -> a weak sexual/minors)
constexpr int8_t kGuardHarassment = -4;  // drop the harassment hits that overlap this match
constexpr int8_t kBenign = -5;           // matches nothing: benign phrases for training the classifier
constexpr int8_t kNone = -128;

struct Score {
  int8_t cat = kNone;
  float value = 0;
};
struct Phrase {
  const char* pattern;
  Score s0, s1 = {}, s2 = {};
};
struct Macro {
  const char* name;       // "@person"
  const char* sequences;  // comma-separated; each a pattern of its own
};

// How a term of the npm lists scores:
//   sexual     sexual (its score)
//   insult     sexual (its score), and an insult when aimed at someone (@npm_insult)
//   profanity  nothing alone; an insult when aimed at someone (@npm_insult)
//   slur       hate (its score), and an insult when aimed at someone
//   ableist    harassment (its score), and an insult when aimed at someone
//   hate       hate (its score): symbols and slogans
//   minor      sexual/minors and sexual (its score)
//   ignore     too ambiguous to score ("god", "balls", "escort", "cox")
enum class TermKind : uint8_t { sexual, insult, profanity, slur, ableist, hate, minor, ignore };
struct TermTag {
  const char* term;
  TermKind kind;
  float score;
};

std::span<const Macro> lexicon_macros();
std::span<const Phrase> lexicon_phrases();
// Explicit tags; a term without one gets default_term_tag()
std::span<const TermTag> lexicon_term_tags();
// By substring ("fuck" -> profanity, "nigg" -> slur, ...), else sexual 0.8
TermTag default_term_tag(std::string_view term);

}  // namespace own::modlex
