// Preference pairs from the ratings people give in the web chat (`ownchat feedback export`,
// GET /api/feedback/pairs.jsonl): every (up, down) pair of assistant answers to the same message,
// in TRL's pair format (DESIGN.md §5) plus where each pair came from. A pure function of the rated
// rows: serve's store reads them from its database and calls it; data/pref_data.h reads the file.
#pragma once
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "tokenizer/chat_template.h"

namespace own {

// TRL's preference format plus where the pair came from.
struct PreferencePair {
  std::vector<ChatMessage> prompt;  // the conversation's system prompt (if any), then root..parent
  std::string chosen;               // the +1 answer
  std::string rejected;             // the -1 answer to the same parent
  std::string chosen_id, rejected_id;
  std::string chosen_model, rejected_model;
  std::string conversation_id;
};

// {"prompt":[{"role","content"}...], "chosen":[{"role":"assistant",...}], "rejected":[...],
//  "chosen_model", "rejected_model", "conversation_id", "chosen_id", "rejected_id"}
void to_json(nlohmann::json& j, const PreferencePair& p);

struct RatedAnswer {
  std::string id, content, model;
  int rating = 0;  // +1 or -1
};

// The rated answers to one message and the conversation up to it.
struct RatedTurn {
  std::string conversation_id;
  std::vector<ChatMessage> prompt;   // the system prompt (if any), then root..the message
  std::vector<RatedAnswer> answers;  // in creation order
};

// Turn by turn, every (up, down) pair of its answers: each up answer in order, with each down one.
std::vector<PreferencePair> feedback_pairs(std::span<const RatedTurn> turns);

// One pair per line, written atomically (own::write_file_atomic), parent directories created.
void write_preference_jsonl(const std::string& path, const std::vector<PreferencePair>& pairs);

}  // namespace own
