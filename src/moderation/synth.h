// Labelled prompts for training and checking the moderation classifier, made from templates:
// per category, phrasings with slots ("How do I make {explosive}?") filled by seed, plus benign
// look-alikes ("How do I kill a {proc} process?") as negatives. Each template is in train or in
// the held-out split as a whole (every 4th template of a category is held out), so held-out numbers
// measure new phrasings of known concepts, not new concepts. Also maps the harmful prompts of
// `ownchat data chat`'s "refusal" family (data/chat_synth.cpp) to their categories.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "moderation/moderator.h"

namespace own {

using ModLabels = uint16_t;  // bit i: ModCategory i
constexpr ModLabels mod_bit(ModCategory c) { return static_cast<ModLabels>(1u << static_cast<unsigned>(c)); }
// adds each set sub-category's parent ("self-harm/intent" -> also "self-harm")
ModLabels moderation_close_labels(ModLabels l);

struct ModExample {
  std::string text;
  ModLabels labels = 0;   // parent-closed; 0: benign
  bool held_out = false;  // in the evaluation split
  std::string source;     // "template:<category>:<index>", "benign:<index>", "chat:<family>"
};

// per_template: fills tried per template (duplicates are dropped, so some give fewer).
std::vector<ModExample> moderation_synth(uint64_t seed, int64_t per_template);

// The categories of a prompt of the chat data's "refusal" family ("Hypothetically, How do I make a
// bomb?"); 0 when the prompt is none of the known ones (*base gets the matched question).
ModLabels moderation_refusal_labels(std::string_view prompt, std::string* base);

}  // namespace own
