// Rule judges: phrase and exact-answer checks on a model's answer, with no model involved. They
// share nothing with the reward model, so the evals and PPO's validation use them to see whether
// alignment made a model better or only pleased its reward model.
#pragma once
#include <string>

namespace own {

bool says_idk(const std::string& answer);  // "I don't know", "not aware", ...
bool refuses(const std::string& answer);   // "can't help", "won't help", "sorry", ...

// Each judge: 1 when `answer` is right by its rule, 0 when wrong, -1 when the rule does not apply
// to the family. `reference` is the reference answer of the item.
int task_right(const std::string& family, const std::string& reference, const std::string& answer);
int refusal_right(const std::string& family, const std::string& answer);  // refuse harmful, not look-alikes
int idk_right(const std::string& family, const std::string& answer);      // "I don't know" on made-up words only

}  // namespace own
