// Passages: the unit the index stores, searches and cites. A source is cut where it has structure
// (one dictionary entry, one FAQ answer, one doc section, one JSONL line) and a piece longer than
// the token budget is cut again at paragraph, then sentence, then word boundaries, so no passage
// exceeds the budget. Each passage keeps its source, its title and its position (0, 1, ... in its
// document), so a citation can say where it came from.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace own {

class Tokenizer;

struct Passage {
  std::string source;    // "wordnet", "python-docs", or a user file's path
  std::string title;     // headword, section heading, or file name: one line, at most 200 bytes
  std::string text;      // whitespace-normalised
  int64_t position = 0;  // index within its document
};

using PassageEmit = std::function<void(Passage&&)>;

class PassageSplitter {
 public:
  // tokenizer: counts tokens when given (the run's own); otherwise a token is taken as 3 bytes
  PassageSplitter(int64_t max_tokens, const Tokenizer* tokenizer);

  // Cuts one structural piece (already the right unit) to the budget; positions continue from
  // *position. Pieces with no text after normalisation emit nothing.
  void split(const std::string& source, const std::string& title, std::string_view text, int64_t* position,
             const PassageEmit& emit) const;
  int64_t count_tokens(std::string_view text) const;
  int64_t max_tokens() const { return max_tokens_; }

 private:
  void pack(std::string_view text, std::string& current, int level, const std::function<void(std::string&&)>& out) const;
  int64_t max_tokens_;
  const Tokenizer* tokenizer_;
};

}  // namespace own
