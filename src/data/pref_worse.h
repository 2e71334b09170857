// Worse answers for the synthetic preference rankings: given a chat conversation and its reference
// (last assistant) answer, write answers that a good assistant would not give, each of one kind,
// from best to worst:
//   verbose > wrong|guess > false_idk > needless_refusal > off_topic > rude   a family with a real answer
//   verbose > off_topic > rude > unsafe        refusal: harmful asks (unsafe: compliant, never actionable)
//   made_up > off_topic > rude                 honesty: a confident invention where "I don't know" is right
// Every family but refusal and honesty has a real answer, new ones included: declining it ("I don't
// know", judged by says_idk; a refusal, judged by refuses) is worse than any attempt at it and is in
// every one of its rankings (one of the two, drawn; benign always the refusal), so the RM does not
// learn a decline as good wherever it appears. wrong: a subtle error where one applies; guess: an
// ambiguous ask (family clarify) answered with another family's answer. Other answers are borrowed
// only from the pool given (one split), so no text crosses splits.
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

// What a family with a real answer must never get instead of it: (kind, answer), the kind
// "false_idk" ("I don't know" of the asked item) or "needless_refusal", drawn (benign: always the
// refusal). ("", "") for the families where declining is right or not simply worse: refusal,
// honesty, clarify, and the grounded ones (a hallucinated citation is worse than "I don't know").
std::pair<std::string, std::string> false_decline(const Conversation& c, Rng& rng);

}  // namespace own
