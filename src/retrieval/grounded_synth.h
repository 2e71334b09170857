// Grounded conversations for SFT and the grounded evals, made from the index itself: a question,
// a context turn of k numbered passages, and the answer.
//   grounded      the passage that answers is among BM25 distractors (at its BM25 rank half the
//                 time, anywhere the other half); the answer copies what answers the question
//                 from it and cites it by number. Questions: what a WordNet word means, what a
//                 FOLDOC/Jargon/Devil's Dictionary headword is, a perlfaq question.
//   grounded_idk  distractors only (every passage about the asked item left out): the answer says
//                 that the passages do not say, and cites nothing.
// Splits are by item, as the chat families' (chat_split_of with the definition family for words),
// so a test word's passage never teaches its answer in train.
#pragma once
#include <cstdint>
#include <string>

#include "data/chat_synth.h"

namespace own {

struct GroundedOptions {
  std::string index_path;  // RUN/index.db
  int k = 3;               // passages per question
  int64_t count = 3000;    // conversations (all splits) at most
  double unanswerable = 0.25;  // share of grounded_idk
  uint64_t seed = 1;
};

// Adds the grounded conversations to sp (train is reshuffled); returns how many were added.
int64_t add_grounded_chat(ChatSplits& sp, const GroundedOptions& o);

// `data chat`: the chat families (chat_synth.h) plus, when go.index_path is set and go.count > 0,
// the grounded ones; written to RUN/data/chat.
ChatSplits build_chat_data_grounded(const ChatSynthOptions& co, GroundedOptions go);

}  // namespace own
