// See passages.h. Packing is greedy: pieces (paragraphs, else sentences, else words) are appended
// to the current passage while the whole still fits, so a passage ends at the largest boundary
// that keeps it under the budget.
#include "retrieval/passages.h"

#include <vector>

#include "core/check.h"
#include "data/clean.h"
#include "tokenizer/tokenizer.h"

namespace own {

namespace {

constexpr int64_t kBytesPerTokenEstimate = 3;

// separators, coarsest first: paragraphs, lines, sentences, words
constexpr std::string_view kSeparators[] = {"\n\n", "\n", ". ", " "};
constexpr int kLevels = 4;

std::vector<std::string_view> cut(std::string_view text, std::string_view sep) {
  std::vector<std::string_view> pieces;
  size_t start = 0;
  while (start < text.size()) {
    size_t at = text.find(sep, start);
    size_t end = at == std::string_view::npos ? text.size() : at + sep.size();
    pieces.push_back(text.substr(start, end - start));
    start = end;
  }
  return pieces;
}

constexpr size_t kMaxTitleBytes = 200;

// at most n bytes of s, cut at a character boundary
std::string_view utf8_prefix(std::string_view s, size_t n) {
  if (s.size() <= n) return s;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

// one line, spaces squeezed, at most kMaxTitleBytes
std::string clean_title(std::string_view title) {
  std::string flat(title);
  for (char& c : flat)
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  std::string t = squeeze_spaces(flat);
  return std::string(utf8_prefix(t, kMaxTitleBytes));
}

}  // namespace

PassageSplitter::PassageSplitter(int64_t max_tokens, const Tokenizer* tokenizer)
    : max_tokens_(max_tokens), tokenizer_(tokenizer) {
  if (max_tokens < 8) input_error("passage budget of {} tokens is too small (at least 8)", max_tokens);
}

int64_t PassageSplitter::count_tokens(std::string_view text) const {
  if (tokenizer_) return static_cast<int64_t>(tokenizer_->encode(text).size());
  return (static_cast<int64_t>(text.size()) + kBytesPerTokenEstimate - 1) / kBytesPerTokenEstimate;
}

void PassageSplitter::split(const std::string& source, const std::string& title, std::string_view text,
                            int64_t* position, const PassageEmit& emit) const {
  std::string norm = normalize_text(text);
  if (norm.empty()) return;
  const std::string short_title = clean_title(title);
  auto out = [&](std::string&& piece) {
    std::string t(trim(piece));
    if (!t.empty()) emit(Passage{source, short_title, std::move(t), (*position)++});
  };
  // a byte-level token covers at least one byte, so a text no longer than the budget in bytes fits
  if (static_cast<int64_t>(norm.size()) <= max_tokens_ || count_tokens(norm) <= max_tokens_) {
    out(std::move(norm));
    return;
  }
  std::string current;
  pack(norm, current, 0, out);
  out(std::move(current));
}

// Appends the pieces of `text` (cut at kSeparators[level]) to `current`, emitting `current`
// whenever the next piece would not fit; a piece that alone exceeds the budget is cut finer.
void PassageSplitter::pack(std::string_view text, std::string& current, int level,
                           const std::function<void(std::string&&)>& out) const {
  for (std::string_view piece : cut(text, kSeparators[level])) {
    std::string joined = current + std::string(piece);
    if (static_cast<int64_t>(joined.size()) <= max_tokens_ || count_tokens(joined) <= max_tokens_) {
      current = std::move(joined);
      continue;
    }
    if (!trim(current).empty()) out(std::move(current));
    current.clear();
    if (static_cast<int64_t>(piece.size()) <= max_tokens_ || count_tokens(piece) <= max_tokens_) {
      current = std::string(piece);
    } else if (level + 1 < kLevels) {
      pack(piece, current, level + 1, out);
    } else {  // one "word" longer than the budget: cut it by bytes at UTF-8 character starts
      size_t start = 0, step = static_cast<size_t>(max_tokens_);
      while (start < piece.size()) {
        size_t end = std::min(piece.size(), start + step);
        while (end < piece.size() && end > start + 1 && (static_cast<uint8_t>(piece[end]) & 0xC0) == 0x80) --end;
        out(std::string(piece.substr(start, end - start)));
        start = end;
      }
    }
  }
}

}  // namespace own
