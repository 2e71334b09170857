// The grounded evals (held-out grounded and grounded_idk conversations that `data chat` makes from the index): each
// question with its passages (the context turn the data holds), and without them.
//   grounded/definition_correct      with passages: the answer carries >= half the reference's
//                                    content words (content_overlap, a rule judge)
//   grounded/definition_correct_no_retrieval   the same question without passages
//   grounded/citation_correct        cites the passage that holds the answer
//   grounded/hallucinated_citation   cites a passage that does not hold the answer (any citation,
//                                    on questions no passage answers); over all questions
//   grounded/idk_unanswerable        says "I don't know" when no passage answers
//   grounded/false_idk               says "I don't know" when a passage answers
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "data/chat_data.h"
#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"

namespace own {

// name -> (value, n); empty when there are no grounded conversations
std::map<std::string, std::pair<double, int64_t>> grounded_scores(const Checkpoint& ck, const Tokenizer& tok,
                                                                  const std::vector<const Conversation*>& answerable,
                                                                  const std::vector<const Conversation*>& unanswerable,
                                                                  int64_t max_tokens);

}  // namespace own
