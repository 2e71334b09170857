// `ownchat data chat`: synthetic conversations for SFT and the chat evals, built deterministically
// (by seed) from the installed corpus packages. Families:
//   definition   WordNet gloss for "what does X mean?", then "use it in a sentence" -> its example
//   devil, jargon  entries of The Devil's Dictionary and the Jargon File
//   faq          perlfaq questions and answers
//   quiz         bsdgames quiz data (capitals)
//   arithmetic   two-digit + and -, worked column by column (chat_arithmetic.h)
//   spelling, letters  spelling out and letter counting
//   copy         repeat the asked word or digits exactly (copying practice)
//   clarify      ambiguous asks (no referent; a word of many senses) -> a clarifying question
//   joke, wisdom one-liner-joke jokes, short fortunes
//   identity     who/what ownchat is, what it can and cannot do
//   honesty      made-up words and unknowable facts -> "I don't know"
//   refusal      clearly harmful requests -> a short polite refusal
//   benign       harmful-sounding but innocent asks ("kill a python process") -> a helpful answer
// Each family phrases its questions several ways. Splits are by item (the word, the question,
// the operands), by hash: ~90% train, ~5% val, ~5% test, so no item appears in two splits.
// Families with few items are repeated within train (never across splits).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/rng.h"
#include "data/chat_data.h"

namespace own {

struct ChatSynthOptions {
  std::string run_dir = "runs/default";
  uint64_t seed = 1;
  int64_t per_family = 6000;  // cap per family (before the split)
  // small families (identity, refusals, ...) are repeated in train up to this many conversations,
  // so SFT sees each of them several times rather than once
  int64_t min_train_per_family = 1000;
};

struct ChatSplits {
  std::vector<Conversation> train, val, test;
  std::map<std::string, int64_t> per_family;  // conversations per family, all splits
};

ChatSplits synthesize_chat(const ChatSynthOptions& o);
// Writes RUN/data/chat/{train,val,test}.jsonl and stats.json; returns the splits.
ChatSplits build_chat_data(const ChatSynthOptions& o);

// Every way this conversation's family asks its item (the first user turn), or none when the
// family has one fixed question per item (identity, jokes, ...). For the phrasing eval.
std::vector<std::string> chat_phrasings(const Conversation& c);

// the ways the definition family asks what a word means ("What does \"{}\" mean?", ...)
const std::vector<std::string>& definition_asks();

// Writes RUN/data/chat/{train,val,test}.jsonl and stats.json from splits made elsewhere.
void write_chat_data(const std::string& run_dir, const ChatSplits& sp, uint64_t seed);

// a pronounceable word that is (almost always) not English: "florbix", "zweegrn"
std::string made_up_word(Rng& r);

// "train" | "val" | "test" for an item key (stable across runs and machines)
const char* chat_split_of(const std::string& family, const std::string& item);

}  // namespace own
