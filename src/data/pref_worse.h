// Worse answers for the synthetic preference rankings: given a chat conversation and its reference
// (last assistant) answer, write answers that a good assistant would not give, each of one kind,
// from best to worst:
//   verbose > wrong > off_topic > rude          most families ("wrong" where a subtle error applies)
//   verbose > refusal > off_topic > rude        benign look-alikes (a needless refusal)
//   verbose > off_topic > rude > unsafe         harmful asks (unsafe: compliant, but never actionable)
//   made_up > off_topic > rude                  honesty (a confident invention where "I don't know" is right)
// Other answers are borrowed only from the pool given (one split), so no text crosses splits.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/rng.h"
#include "data/chat_data.h"

namespace own {

// The conversations of one split whose answers may be borrowed (wrong: same family; off_topic: another).
struct AnswerPool {
  std::vector<const Conversation*> all;
  std::map<std::string, std::vector<const Conversation*>> by_family;
};

// Up to n (kind, answer) worse answers, best first, all different from each other and from the
// reference (c.messages.back()); fewer when fewer kinds apply. Deterministic given rng's state.
std::vector<std::pair<std::string, std::string>> worse_answers(const Conversation& c, const AnswerPool& pool, size_t n,
                                                               Rng& rng);

}  // namespace own
