// WordNet 3.0 data files (wordnet-base: /usr/share/wordnet/data.{noun,verb,adj,adv}). A synset
// line is "offset lex_filenum ss_type w_cnt(hex) [word lex_id]... p_cnt [pointer]... | gloss",
// the gloss being "definition; "example"; "example"". License lines start with two spaces.
// Pointers and verb frames are structure, not text, and are dropped.
#include "data/clean.h"
#include "data/readers.h"

namespace own {

namespace {

std::vector<std::string_view> split_spaces(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t j = i;
    while (j < s.size() && s[j] != ' ') ++j;
    if (j > i) out.push_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

int hex_value(std::string_view s) {
  int v = 0;
  for (char c : s) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0 || v > 0xFFFF) return -1;
    v = v * 16 + d;
  }
  return s.empty() ? -1 : v;
}

std::string lemma_text(std::string_view w) {
  size_t paren = w.find('(');  // adjective position markers: "(a)", "(p)", "(ip)"
  if (paren != std::string_view::npos && !w.empty() && w.back() == ')') w = w.substr(0, paren);
  std::string out(w);
  for (char& c : out)
    if (c == '_') c = ' ';
  return out;
}

}  // namespace

std::string wordnet_synset_text(std::string_view line) {
  if (line.empty() || line[0] == ' ') return "";  // license header
  size_t bar = line.find(" | ");
  if (bar == std::string_view::npos) return "";
  std::vector<std::string_view> f = split_spaces(line.substr(0, bar));
  if (f.size() < 6) return "";
  const char* pos = nullptr;
  if (f[2] == "n") pos = "noun";
  else if (f[2] == "v") pos = "verb";
  else if (f[2] == "a" || f[2] == "s") pos = "adjective";
  else if (f[2] == "r") pos = "adverb";
  int w_cnt = hex_value(f[3]);
  if (!pos || w_cnt <= 0 || f.size() < 4 + 2 * static_cast<size_t>(w_cnt)) return "";
  std::string title;
  for (int k = 0; k < w_cnt; ++k) {
    if (k) title += ", ";
    title += lemma_text(f[4 + 2 * static_cast<size_t>(k)]);
  }
  std::string_view gloss = trim(line.substr(bar + 3));
  // definition = up to the first quoted example ("...; \"example\"")
  size_t q = gloss.find("; \"");
  if (!gloss.empty() && gloss[0] == '"') q = 0;
  std::string_view definition = trim(gloss.substr(0, q));
  std::string text = title + " (" + pos + ")";
  if (!definition.empty()) {
    text += '\n';
    text += definition;
  }
  if (q != std::string_view::npos) {
    std::string_view rest = gloss.substr(q);
    // examples are separated by "; " outside quotes
    size_t i = 0;
    while (i < rest.size()) {
      while (i < rest.size() && (rest[i] == ';' || rest[i] == ' ')) ++i;
      size_t j = i;
      bool quoted = false;
      while (j < rest.size() && !(rest[j] == ';' && !quoted)) {
        if (rest[j] == '"') quoted = !quoted;
        ++j;
      }
      std::string_view ex = trim(rest.substr(i, j - i));
      if (!ex.empty()) {
        text += '\n';
        text += ex;
      }
      i = j;
    }
  }
  return text;
}

std::vector<std::string> wordnet_documents(std::string_view data_file) {
  std::vector<std::string> docs;
  for (std::string_view line : split_lines(data_file)) {
    std::string t = wordnet_synset_text(line);
    if (!t.empty()) docs.push_back(std::move(t));
  }
  return docs;
}

}  // namespace own
