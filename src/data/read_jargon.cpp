// The Jargon File 4.4.7 as Debian's jargon-text ships it (jargon.txt, rendered from the DocBook
// source): section titles start in column 0, text is indented three spaces, lexicon entries
// open with "   :headword: /pronunciation/, n." and cross-references are written {like this}.
// Each letter of the glossary starts with a column-2 letter line and an index of headwords,
// which is navigation and is dropped, as are the front matter and tables of contents.
#include "data/clean.h"
#include "data/readers.h"

namespace own {

namespace {


bool is_section_title(std::string_view line) { return !line.empty() && line[0] != ' ' && line[0] != '\t'; }

bool is_letter_marker(std::string_view line) {  // "  A", "  0"
  return line.size() >= 3 && line.substr(0, 2) == "  " && line[2] != ' ' && trim(line).size() <= 2;
}

// "   :awk: /awk/" -> headword "awk", rest "/awk/"; false if not an entry line
bool parse_entry_line(std::string_view line, std::string_view& headword, std::string_view& rest) {
  if (line.size() < 6 || line.substr(0, 4) != "   :") return false;
  for (size_t i = 5; i < line.size(); ++i) {
    if (line[i] == ':' && (i + 1 == line.size() || line[i + 1] == ' ')) {
      headword = line.substr(4, i - 4);
      rest = trim(line.substr(i + 1));
      return true;
    }
  }
  return false;
}

std::string entry_title(std::string_view headword, std::string_view rest) {
  // drop the pronunciation (/.../, often empty "//") but keep the part of speech
  if (!rest.empty() && rest[0] == '/') {
    size_t close = rest.find('/', 1);
    rest = close == std::string_view::npos ? std::string_view{} : trim(rest.substr(close + 1));
  }
  while (!rest.empty() && (rest[0] == ',' || rest[0] == ' ')) rest.remove_prefix(1);
  std::string title(headword);
  if (!rest.empty()) title += ", " + std::string(rest);
  return drop_braces(title);
}

// paragraphs of a section body, minus a "Table of Contents" paragraph and the one-line
// paragraphs (its items) that follow it
std::string section_body(const std::vector<std::string_view>& lines) {
  std::string kept;
  bool in_toc = false;
  size_t i = 0;
  while (i < lines.size()) {
    if (trim(lines[i]).empty()) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < lines.size() && !trim(lines[j]).empty()) ++j;
    if (trim(lines[i]) == "Table of Contents") {
      in_toc = true;
    } else if (!(in_toc && j - i == 1)) {
      in_toc = false;
      for (size_t k = i; k < j; ++k) {
        kept += lines[k];
        kept += '\n';
      }
      kept += '\n';
    }
    i = j;
  }
  return unwrap_paragraphs(drop_braces(kept), 4);
}

}  // namespace

std::vector<std::string> jargon_documents(std::string_view raw) {
  // the renderer put no-break spaces in titles ("Chapter\u00A01."): plain spaces for us
  std::string text;
  text.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '\xC2' && i + 1 < raw.size() && raw[i + 1] == '\xA0') {
      text += ' ';
      ++i;
    } else {
      text += raw[i];
    }
  }
  std::vector<std::string> docs;
  std::vector<std::string_view> lines = split_lines(text);
  enum class Mode { front, section, glossary_index, glossary_entry } mode = Mode::front;
  std::string title;
  std::vector<std::string_view> body;
  auto flush = [&] {
    if (mode == Mode::section || mode == Mode::glossary_entry) {
      std::string b = section_body(body);
      if (!b.empty()) docs.push_back(title + "\n\n" + b);
    }
    body.clear();
  };
  for (std::string_view line : lines) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    std::string_view headword, rest;
    if (is_section_title(line)) {
      flush();
      std::string_view t = trim(line);
      if (mode == Mode::front && t.substr(0, 8) != "Chapter ") continue;  // title page, contents
      if (t == "Glossary") {
        mode = Mode::glossary_index;
      } else {
        mode = Mode::section;
        title = drop_braces(t);
      }
      continue;
    }
    if (mode == Mode::front) continue;
    if (mode == Mode::glossary_index || mode == Mode::glossary_entry) {
      if (parse_entry_line(line, headword, rest)) {
        flush();
        mode = Mode::glossary_entry;
        title = entry_title(headword, rest);
        continue;
      }
      if (is_letter_marker(line)) {
        flush();
        mode = Mode::glossary_index;
        continue;
      }
      if (mode == Mode::glossary_index) continue;
    }
    body.push_back(line);
  }
  flush();
  return docs;
}

}  // namespace own
