// Synthetic preference rankings for the reward model and DPO (`ownchat data chat` writes them next
// to the chat data). Each conversation of the chat splits gives one ranking of K = 4 answers: its
// reference answer first, then three worse ones (data/pref_worse.h: verbose, wrong, guess,
// false_idk, needless_refusal, off_topic, rude, unsafe, made_up). Rankings keep the chat split of
// their item and borrow answers only within it, so nothing of a val/test item reaches RM training.
// Deterministic by seed; the copies chat_synth makes of small families in train are ranked once.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "data/chat_synth.h"
#include "data/pref_data.h"

namespace own {

struct PrefSynthOptions {
  std::string run_dir = "runs/default";
  uint64_t seed = 1;
  // at most this many rankings per split, 0: all. Taken round-robin over the families, so small
  // ones (refusal, benign, identity) are kept whole when the big ones are cut.
  int64_t max_per_split = 0;
};

struct PrefSplits {
  std::vector<Ranking> train, val, test;
  std::map<std::string, int64_t> per_kind;        // completions per kind, all splits ("reference" included)
  std::map<std::string, int64_t> train_per_kind;  // the same, train only
  int64_t skipped = 0;                            // conversations with fewer than K - 1 worse answers that apply
};

// Rankings from the chat splits (RUN/data/chat/{train,val,test}.jsonl): same items, same split, so no
// test item leaks into RM training.
PrefSplits synthesize_preferences(const ChatSplits& chat, const PrefSynthOptions& o);
// Writes RUN/data/prefs/{train,val,test}.jsonl (rankings) + RUN/data/prefs/pairs_train.jsonl (TRL pairs
// expanded from the train rankings) + stats.json; returns the splits.
PrefSplits build_preference_data(const ChatSplits& chat, const PrefSynthOptions& o);

}  // namespace own
