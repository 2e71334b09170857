// dictd databases (dict-gcide, dict-devil, dict-foldoc). The .index gives each headword's byte
// range in the .dict text (base64 numbers, alphabet A-Z a-z 0-9 + /). Each database has its own
// markup, cleaned here:
//   GCIDE (Webster 1913): "Word \Syl*la"ble\ (pron.), n." headwords, {cross refs}, source tags
//     such as [1913 Webster] or [PJC], ASCII accent codes (["e] = ë, [ae] = æ, ...).
//   Devil's Dictionary: _italics_, right-aligned attributions under verse.
//   FOLDOC: headword and synonym lines, <category>, {links}, a trailing "(1994-11-01)" date.
#include <algorithm>
#include <set>
#include <tuple>

#include "core/check.h"
#include "data/clean.h"
#include "data/readers.h"

namespace own {

namespace {

bool b64_value(std::string_view s, uint64_t& v) {
  if (s.empty() || s.size() > 10) return false;
  v = 0;
  for (char c : s) {
    int d;
    if (c >= 'A' && c <= 'Z') d = c - 'A';
    else if (c >= 'a' && c <= 'z') d = c - 'a' + 26;
    else if (c >= '0' && c <= '9') d = c - '0' + 52;
    else if (c == '+') d = 62;
    else if (c == '/') d = 63;
    else return false;
    v = v * 64 + static_cast<uint64_t>(d);
  }
  return true;
}


bool is_number_like(std::string_view t) {
  return !t.empty() && std::all_of(t.begin(), t.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

// "[1913 Webster +PJC]", "[WordNet 1.5]", "[Century Dict. 1906]": who contributed a definition
bool is_source_tag(std::string_view inner) {
  static const std::set<std::string_view> words = {"Webster", "WordNet", "PJC", "PJC.", "AS", "RDH", "Century", "Dict.",
                                                   "Suppl.", "Suppl", "sense", "Chambers", "JC", "MW10", "RHUD", "+"};
  bool any = false, named = false;
  size_t i = 0;
  while (i < inner.size()) {
    while (i < inner.size() && (inner[i] == ' ' || inner[i] == '+')) ++i;
    size_t j = i;
    while (j < inner.size() && inner[j] != ' ' && inner[j] != '+') ++j;
    if (j == i) break;
    std::string_view tok = inner.substr(i, j - i);
    if (words.count(tok)) {
      named = named || (tok != "sense" && tok != "Dict." && tok != "+");
    } else if (!is_number_like(tok)) {
      return false;
    }
    any = true;
    i = j;
  }
  return any && named;
}

// GCIDE's ASCII codes for accented letters and ligatures
const char* gcide_accent(std::string_view code) {
  struct Code {
    const char* ascii;
    const char* utf8;
  };
  static const Code table[] = {
      {"'e", "é"}, {"'a", "á"}, {"'o", "ó"}, {"'i", "í"}, {"'u", "ú"}, {"'E", "É"}, {"`e", "è"}, {"`a", "à"},
      {"\"o", "ö"}, {"\"e", "ë"}, {"\"u", "ü"}, {"\"i", "ï"}, {"\"a", "ä"}, {"^o", "ô"}, {"^u", "û"}, {"^a", "â"},
      {"^e", "ê"}, {"^i", "î"}, {"~n", "ñ"}, {"~e", "ẽ"}, {",c", "ç"}, {"ae", "æ"}, {"AE", "Æ"}, {"oe", "œ"},
      {"OE", "Œ"}, {"deg", "°"}, {"eth", "ð"}, {"th", "þ"}, {"ng", "ŋ"}, {"=a", "ā"}, {"=e", "ē"}, {"=i", "ī"},
      {"=o", "ō"}, {"=u", "ū"}, {"=y", "ȳ"}, {"=ae", "ǣ"}, {"=oo", "o͞o"}, {"a^", "ă"}, {"e^", "ĕ"}, {"i^", "ĭ"},
      {"o^", "ŏ"}, {"u^", "ŭ"}, {"y^", "y̆"}, {"oo^", "o͝o"}, {".a", "ȧ"}, {".u", "u̇"}, {"-o", "o"}, {"-e", "e"},
      {"-u", "u"}, {"-i", "i"}, {"*a", "å"}, {"*u", "ů"}, {".r", "r"}, {".t", "t"}, {".n", "n"}, {"~a", "ã"},
      {"`u", "ù"}, {"`o", "ò"}, {"bar", "|"}, {"imac", "ī"}, {"root", "√"}, {"thorn", "þ"}, {"sect", "§"},
      {"yogh", "ȝ"}, {"dsdot", "ḍ"}, {"pounds", "£"}, {"flat", "♭"}, {"sharp", "♯"}, {"times", "×"},
      {"alpha", "α"}, {"beta", "β"}, {"gamma", "γ"}, {"Delta", "Δ"}, {"eta", "η"}, {"theta", "θ"}, {"iota", "ι"},
      {"kappa", "κ"}, {"Lambda", "Λ"}, {"pi", "π"}, {"rho", "ρ"}, {"tau", "τ"}, {"phi", "φ"}, {"chi", "χ"}, {"xi", "ξ"}, {"sigma", "σ"}, {"aum", "ä"}, {".h", "ḥ"},
  };
  for (const Code& c : table)
    if (code == c.ascii) return c.utf8;
  return nullptr;
}

// one pass over [..]: source tags erased, accent codes replaced, other brackets kept
std::string gcide_brackets(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] == '[') {
      size_t close = s.find(']', i + 1);
      size_t nl = s.find('\n', i + 1);
      if (close != std::string_view::npos && (nl == std::string_view::npos || close < nl || close - i < 40)) {
        std::string_view inner = s.substr(i + 1, close - i - 1);
        if (const char* accent = inner.size() <= 6 ? gcide_accent(inner) : nullptr) {
          out += accent;
          i = close + 1;
          continue;
        }
        if (inner.find('\n') == std::string_view::npos && is_source_tag(inner)) {
          i = close + 1;
          continue;
        }
      }
    }
    out += s[i++];
  }
  return out;
}

// "Abandon \A*ban"don\ (pron), v. t." -> "Abandon, v. t."
std::string gcide_headwords(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    if (s[i] != '\\') {
      out += s[i++];
      continue;
    }
    size_t close = s.find('\\', i + 1);
    if (close == std::string_view::npos || close - i > 200) {
      out += s[i++];
      continue;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    i = close + 1;
    size_t j = i;
    while (j < s.size() && (s[j] == ' ' || s[j] == '\n')) ++j;
    if (j < s.size() && s[j] == '(') {  // the pronunciation, possibly across lines
      int depth = 0;
      size_t k = j;
      for (; k < s.size(); ++k) {
        if (s[k] == '(') ++depth;
        if (s[k] == ')' && --depth == 0) break;
      }
      if (k < s.size() && k - j < 300) i = k + 1;
    }
    if (i < s.size() && s[i] != ',' && s[i] != '\n' && s[i] != '.') out += ' ';
  }
  return out;
}

int indent_width(std::string_view line) {
  size_t n = line.find_first_not_of(' ');
  return n == std::string_view::npos ? 0 : static_cast<int>(n);
}

// right-aligned "--Author." lines join the line above; numbered senses start a paragraph
std::string gcide_layout(std::string_view s) {
  std::vector<std::string> lines;
  for (std::string_view line : split_lines(s)) {
    std::string_view t = trim(line);
    if (t.substr(0, 2) == "--" && indent_width(line) >= 20 && !lines.empty() && !trim(lines.back()).empty()) {
      lines.back() += " ";
      lines.back() += t;
      continue;
    }
    bool sense = indent_width(line) >= 1 && indent_width(line) <= 4 && t.size() > 3 && t[0] >= '1' && t[0] <= '9' &&
                 (t.find(". ") == 1 || t.find(". ") == 2);
    if (sense && !lines.empty() && !trim(lines.back()).empty()) lines.emplace_back();
    lines.emplace_back(line);
  }
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

}  // namespace

std::vector<std::string_view> dictd_entries(std::string_view index, std::string_view dict, const std::string& index_path) {
  struct Range {
    uint64_t off, len;
    bool header;
  };
  std::vector<Range> ranges;
  int64_t line_no = 0;
  for (std::string_view line : split_lines(index)) {
    ++line_no;
    if (trim(line).empty()) continue;
    size_t t1 = line.find('\t');
    size_t t2 = t1 == std::string_view::npos ? t1 : line.find('\t', t1 + 1);
    uint64_t off = 0, len = 0;
    if (t2 == std::string_view::npos) {
      input_error("{}:{}: expected \"headword<TAB>offset<TAB>length\", got \"{}\"; reinstall the dictionary package",
                  index_path, line_no, line.substr(0, 80));
    }
    size_t t3 = line.find('\t', t2 + 1);
    std::string_view off_s = line.substr(t1 + 1, t2 - t1 - 1);
    std::string_view len_s = line.substr(t2 + 1, t3 == std::string_view::npos ? std::string_view::npos : t3 - t2 - 1);
    if (!b64_value(off_s, off) || !b64_value(trim(len_s), len))
      input_error("{}:{}: bad base64 offset/length \"{}\" / \"{}\"", index_path, line_no, off_s, len_s);
    if (off + len > dict.size())
      input_error("{}:{}: entry bytes {}..{} lie past the end of the .dict text ({} bytes); the index does not match "
                  "the dictionary, reinstall the package",
                  index_path, line_no, off, off + len, dict.size());
    std::string_view head = line.substr(0, t1);
    bool header = head.substr(0, 11) == "00-database" || head.substr(0, 10) == "00database";
    ranges.push_back({off, len, header});
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return std::tie(a.off, a.len, a.header) < std::tie(b.off, b.len, b.header); });
  std::vector<std::string_view> entries;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i > 0 && ranges[i].off == ranges[i - 1].off && ranges[i].len == ranges[i - 1].len) continue;
    bool header = false;  // any headword of this range marks it as database metadata
    for (size_t j = i; j < ranges.size() && ranges[j].off == ranges[i].off && ranges[j].len == ranges[i].len; ++j)
      header = header || ranges[j].header;
    if (!header) entries.push_back(dict.substr(ranges[i].off, ranges[i].len));
  }
  return entries;
}

std::string gcide_clean(std::string_view entry) {
  std::string s = gcide_brackets(entry);
  s = gcide_headwords(s);
  s = drop_braces(s);
  s = gcide_layout(s);
  return unwrap_paragraphs(s, 10);
}

std::string devil_clean(std::string_view entry) {
  std::string s;
  for (std::string_view line : split_lines(entry)) {
    std::string l;
    for (char c : line)
      if (c != '_') l += c;
    if (indent_width(l) >= 24) l = std::string(8, ' ') + std::string(trim(l));  // right-aligned attribution
    s += l + "\n";
  }
  return unwrap_paragraphs(s, 0);
}

std::string foldoc_clean(std::string_view entry) {
  std::vector<std::string_view> lines = split_lines(entry);
  size_t i = 0;
  while (i < lines.size() && trim(lines[i]).empty()) ++i;
  if (i == lines.size()) return "";
  std::string headword(trim(lines[i]));
  while (i < lines.size() && !trim(lines[i]).empty()) ++i;  // headword + synonym lines
  std::string body;
  bool first_text = true;
  for (; i < lines.size(); ++i) {
    std::string_view t = trim(lines[i]);
    // the revision date "(1994-11-01)"
    if (t.size() == 12 && t[0] == '(' && t[5] == '-' && t[8] == '-' && t[11] == ')') continue;
    std::string line(lines[i]);
    if (!t.empty()) {
      // category tags "<programming>" open the first paragraph and each numbered sense ("2. <language> ...")
      size_t at = line.find_first_not_of(' ');
      size_t dot = line.find(". ", at);
      bool numbered = dot != std::string::npos && dot > at && dot - at <= 2 &&
                      std::all_of(line.begin() + static_cast<std::ptrdiff_t>(at),
                                  line.begin() + static_cast<std::ptrdiff_t>(dot), [](char c) { return c >= '0' && c <= '9'; });
      if (numbered) at = dot + 2;
      else if (!first_text) at = line.size();
      first_text = false;
      while (at < line.size() && line[at] == '<') {
        size_t close = line.find('>', at);
        if (close == std::string::npos || close - at < 3) break;
        line.erase(at, close + 1 - at);
        while (at < line.size() && line[at] == ' ') line.erase(at, 1);
      }
    }
    body += line + "\n";
  }
  std::string text = unwrap_paragraphs(drop_braces(body), 3);
  if (text.empty()) return "";
  return headword + "\n\n" + text;
}

}  // namespace own
