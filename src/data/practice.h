// Practice text for pretraining (`data build --practice SHARE`): synthetic paragraphs that reward
// what a small model on a short budget does not learn from natural text alone.
//   copy        a list of words, made-up words and numbers, then the same list again
//   recall      key = value pairs, then one key asked back with its value
//   spell       a word, then its letters one by one
//   arithmetic  two-digit + and -, worked column by column (chat_arithmetic.h)
// Copying the earlier context (induction) is what answering "what does X mean?" with the word X,
// a sum with its operands, or a passage's answer all need; natural text repeats itself too rarely
// for a 4-layer model to learn it in a few million tokens.
// Items that are held out of the chat data (test and val sums, made-up words) never appear, so the
// chat evals stay held out.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_set>
#include <vector>

namespace own {

// Appends documents of about 1 KB each until `bytes` bytes are emitted. `words` are real words to
// draw from (the corpus's own); the text is a pure function of (words, seed, bytes).
void practice_documents(const std::vector<std::string>& words, uint64_t seed, int64_t bytes,
                        const std::function<void(std::string&&)>& emit);

// Collects the words practice draws from: lowercase ASCII words of 3 to 12 letters, each once,
// in first-seen order, at most `cap` of them.
class WordPool {
 public:
  explicit WordPool(size_t cap) : cap_(cap) {}
  void add_text(const std::string& text);
  const std::vector<std::string>& words() const { return words_; }

 private:
  size_t cap_;
  std::vector<std::string> words_;
  std::unordered_set<uint64_t> seen_;  // hashes of words_
};

}  // namespace own
