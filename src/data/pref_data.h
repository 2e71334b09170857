// Preference data for the reward model and DPO, in two JSONL forms (DESIGN.md §5):
//   ranking  {"prompt": [messages], "completions": [best, ..., worst], "kinds": [...]?, "family"?, "item"?}
//   TRL pair {"prompt": [messages], "chosen": [messages], "rejected": [messages]}
// One reader takes both (a pair becomes a ranking of 2); `ownchat feedback export` writes pairs
// with extra fields (chosen_model, ...), which are ignored. Answers are plain strings in memory:
// the prompt is the conversation up to the answer, so every completion is one assistant turn.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/chat_template.h"

namespace own {

struct Ranking {
  std::vector<ChatMessage> prompt;       // the conversation up to (not including) the answers; ends with the user
  std::vector<std::string> completions;  // assistant answers, best first (K >= 2), all different
  std::vector<std::string> kinds;        // (K) "reference", "verbose", "wrong", "guess", "false_idk",
                                         // "needless_refusal", "off_topic", "rude", "unsafe", "made_up";
                                         // for user data "chosen" / "rejected"
  std::string family = "user", item;     // synthetic ones carry the chat family/item
};

// Reads JSONL where each line is either a ranking {"prompt":[messages],"completions":[best..worst],"kinds":[...]?,
// "family"?,"item"?} or a TRL pair {"prompt":[messages],"chosen":[messages],"rejected":[messages]} (a pair becomes a
// ranking of 2, kinds {"chosen","rejected"}; a ranking without kinds gets "chosen" then "rejected"s).
// completions/chosen/rejected may be a string or a list holding one assistant message (content string or text parts).
// Extra fields (e.g. chosen_model from `ownchat feedback export`) are ignored. InputError names path:line and the
// field for invalid JSON, missing/empty prompt, a prompt whose last message is not the user's, unknown roles, fewer
// than 2 or more than 64 completions, empty answers, identical chosen and rejected (or repeated completions), kinds of the wrong length.
std::vector<Ranking> read_preferences_jsonl(const std::string& path);
// The same on bytes already read; `path` names them in errors.
std::vector<Ranking> parse_preferences_jsonl(std::string_view text, const std::string& path);
void write_rankings_jsonl(const std::string& path, const std::vector<Ranking>& r);  // atomic
// Every ranking expanded into its K(K-1)/2 TRL pairs (plus chosen_kind, rejected_kind, family, item); atomic.
void write_pairs_jsonl(const std::string& path, const std::vector<Ranking>& r);

// All K(K-1)/2 (better, worse) index pairs of a ranking, better first: (0,1), (0,2), ..., (K-2,K-1).
std::vector<std::pair<int, int>> ranking_pairs(const Ranking& r);

// Up to `limit` rankings, the families in turn (each in its given order), so every family is
// represented: the held-out samples of RM validation and eval.
std::vector<Ranking> spread_by_family(const std::vector<Ranking>& rankings, int64_t limit);

// The prompt's roles and contents as one string: a key for "the same prompt"
std::string prompt_key(const std::vector<ChatMessage>& prompt);

}  // namespace own
