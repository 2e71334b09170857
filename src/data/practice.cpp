#include "data/practice.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/rng.h"
#include "data/chat_arithmetic.h"
#include "data/chat_synth.h"
#include "data/clean.h"

namespace own {

namespace {
bool ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
// glued to a word that is not plain English: digits, underscores, non-ASCII letters
bool glue(char c) { return (c >= '0' && c <= '9') || c == '_' || static_cast<unsigned char>(c) >= 0x80; }
}  // namespace

void WordPool::add_text(const std::string& text) {
  for (size_t i = 0; i < text.size() && words_.size() < cap_;) {
    if (!ascii_letter(text[i])) {
      i++;
      continue;
    }
    const size_t start = i;
    while (i < text.size() && ascii_letter(text[i])) i++;
    const size_t n = i - start;
    if (n < 3 || n > 12 || (start > 0 && glue(text[start - 1])) || (i < text.size() && glue(text[i]))) continue;
    std::string w = text.substr(start, n);
    if (std::any_of(w.begin(), w.end(), [](char c) { return c < 'a'; })) continue;  // lowercase only
    if (seen_.insert(text_hash(w)).second) words_.push_back(std::move(w));
  }
}

namespace {

struct Practice {
  const std::vector<std::string>& words;
  Rng rng;

  const std::string& word() { return words[rng.below(words.size())]; }
  // a made-up word that the chat data does not hold out (honesty's val and test words)
  std::string made_up() {
    for (;;) {
      std::string w = made_up_word(rng);
      if (std::string(chat_split_of("honesty", w)) == "train") return w;
    }
  }
  std::string number() {
    const int digits = 1 + static_cast<int>(rng.below(6));
    std::string s;
    for (int i = 0; i < digits; i++) s += static_cast<char>('0' + (i == 0 && digits > 1 ? 1 + rng.below(9) : rng.below(10)));
    return s;
  }
  std::string item() {
    const uint64_t k = rng.below(20);
    return k < 12 ? word() : k < 17 ? made_up() : number();
  }
  template <typename F>
  std::string join(size_t n, const char* sep, F&& f) {
    std::string s;
    for (size_t i = 0; i < n; i++) s += (i ? sep : "") + f();
    return s;
  }

  std::string copy() {
    const size_t n = 1 + rng.below(8);
    const char* sep = rng.below(2) ? ", " : " ";
    const std::string list = join(n, sep, [&] { return item(); });
    switch (rng.below(6)) {
      case 0: return fmt::format("{}. Again: {}.", list, list);
      case 1: return fmt::format("{}\n{}", list, list);
      case 2: return fmt::format("Repeat after me: {}\n{}", list, list);
      case 3: return fmt::format("\"{}\", she said. \"{}\", he repeated.", list, list);
      case 4: return fmt::format("Copy: {} -> {}", list, list);
      default: return fmt::format("The words were {}. I wrote down {}.", list, list);
    }
  }

  std::string recall() {
    const size_t n = 2 + rng.below(5);
    std::vector<std::pair<std::string, std::string>> kv;
    for (size_t i = 0; i < n; i++) kv.emplace_back(rng.below(2) ? word() : made_up(), rng.below(2) ? number() : item());
    std::string s;
    for (size_t i = 0; i < n; i++) s += fmt::format("{}{} = {}", i ? ", " : "", kv[i].first, kv[i].second);
    const auto& [k, v] = kv[rng.below(n)];
    return rng.below(2) ? fmt::format("{}. So {} = {}.", s, k, v) : fmt::format("{}.\nWhat is {}? {} = {}.", s, k, k, v);
  }

  std::string spell() {
    const std::string w = rng.below(3) ? word() : made_up();
    const char sep = rng.below(2) ? '-' : ' ';
    std::string letters(1, w[0]);
    for (size_t i = 1; i < w.size(); i++) {
      letters += sep;
      letters += w[i];
    }
    return rng.below(2) ? fmt::format("{} is spelled {}.", w, letters) : fmt::format("{}: {}", w, letters);
  }

  // a train-split sum or difference (the chat data's val and test operands never appear)
  std::string arithmetic() {
    for (;;) {
      const int a = static_cast<int>(rng.below(100)), b = static_cast<int>(rng.below(100));
      const char op = rng.below(2) ? '+' : '-';
      if (std::string(chat_split_of("arithmetic", fmt::format("{}{}{}", a, op, b))) != "train") continue;
      if (rng.below(3) == 0) return fmt::format("{} {} {} = {}", a, op, b, op == '+' ? a + b : a - b);
      return worked_arithmetic(a, op, b);
    }
  }

  std::string paragraph() {
    std::string doc;
    const uint64_t kind = rng.below(4);  // one kind per document, as a workbook page would be
    while (doc.size() < 800) {
      doc += kind == 0 ? copy() : kind == 1 ? recall() : kind == 2 ? spell() : arithmetic();
      doc += "\n";
    }
    doc.pop_back();
    return doc;
  }
};

}  // namespace

void practice_documents(const std::vector<std::string>& words, uint64_t seed, int64_t bytes,
                        const std::function<void(std::string&&)>& emit) {
  static const std::vector<std::string> kFallback = {"cat", "house", "river", "green", "seven", "table", "walk"};
  Practice p{words.empty() ? kFallback : words, Rng(seed ^ 0x70ac71ce)};
  for (int64_t done = 0; done < bytes;) {
    std::string doc = p.paragraph();
    done += static_cast<int64_t>(doc.size());
    emit(std::move(doc));
  }
}

}  // namespace own
