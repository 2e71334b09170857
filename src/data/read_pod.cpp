// Perl's POD (perl-doc: /usr/share/perl/<version>/pod/*.pod), following perlpodspec: paragraphs
// are separated by blank lines; "=command" paragraphs, verbatim paragraphs (indented: code,
// kept as they are) and ordinary paragraphs (unwrapped, formatting codes resolved).
// Text outside POD (before the first command or after =cut) and =begin/=for blocks for other
// formatters (=for hackers, =for apidoc, ...) are not documentation prose and are dropped.
#include <algorithm>
#include <cctype>

#include "data/clean.h"
#include "data/readers.h"

namespace own {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n'; }

// E<...>: the character it names (E<lt>, E<0x263A>, E<eacute>); unknown ones stay as written
std::string pod_escape(const std::string& inner) {
  std::string e;
  if (inner == "lt") e = "<";
  else if (inner == "gt") e = ">";
  else if (inner == "verbar") e = "|";
  else if (inner == "sol") e = "/";
  else if (!inner.empty() && inner[0] >= '0' && inner[0] <= '9') {
    uint32_t cp = 0;
    bool ok = true;
    int base = inner.size() > 2 && (inner[1] == 'x' || inner[1] == 'X') ? 16 : inner[0] == '0' && inner.size() > 1 ? 8 : 10;
    for (size_t p = base == 16 ? 2 : 0; p < inner.size() && ok; ++p) {
      char d = inner[p];
      int v = d >= '0' && d <= '9' ? d - '0' : d >= 'a' && d <= 'f' ? d - 'a' + 10 : d >= 'A' && d <= 'F' ? d - 'A' + 10 : 99;
      if (v >= base || cp > 0x10FFFF) ok = false;
      else cp = cp * static_cast<uint32_t>(base) + static_cast<uint32_t>(v);
    }
    if (ok) utf8_append(e, cp);
    else e = "E<" + inner + ">";
  } else if (!html_entity(inner, e)) {
    e = "E<" + inner + ">";
  }
  return e;
}

// L<...>: the text a reader sees ("text|target" -> text, "name/\"sec\"" -> "sec" in name, a URL itself)
std::string pod_link(const std::string& inner) {
  size_t bar = inner.find('|');
  if (bar != std::string::npos) return inner.substr(0, bar);
  if (inner.find("://") != std::string::npos) return inner;
  size_t slash = inner.find('/');
  if (slash == std::string::npos) return inner;
  std::string name = inner.substr(0, slash), sec = inner.substr(slash + 1);
  if (sec.size() >= 2 && sec.front() == '"' && sec.back() == '"') sec = sec.substr(1, sec.size() - 2);
  return name.empty() ? "\"" + sec + "\"" : "\"" + sec + "\" in " + name;
}

// Formatting codes, recursively. `closer` is 1 for X<...>, or n for X<<< ... >>> with n brackets
// (preceded by whitespace). Unterminated codes run to the end of the paragraph; codes nested
// deeper than 32 are left as text, so no input can exhaust the stack.
std::string pod_inline(std::string_view s, size_t& i, size_t closer, int depth) {
  std::string out;
  while (i < s.size()) {
    if (closer == 1 && s[i] == '>') {
      ++i;
      return out;
    }
    if (closer > 1 && is_space(s[i])) {
      size_t j = i;
      while (j < s.size() && is_space(s[j])) ++j;
      if (s.substr(j, closer) == std::string(closer, '>')) {
        i = j + closer;
        return out;
      }
    }
    char code = s[i];
    if (depth < 32 && std::string_view("IBCLEFSXZ").find(code) != std::string_view::npos && i + 1 < s.size() &&
        s[i + 1] == '<') {
      size_t k = 0;
      while (i + 1 + k < s.size() && s[i + 1 + k] == '<') ++k;
      size_t inner_closer = 1;
      if (k >= 2 && i + 1 + k < s.size() && is_space(s[i + 1 + k])) {
        inner_closer = k;
        i += 1 + k;
        while (i < s.size() && is_space(s[i])) ++i;
      } else {
        i += 2;
      }
      std::string inner = pod_inline(s, i, inner_closer, depth + 1);
      switch (code) {
        case 'X':
        case 'Z':
          break;
        case 'E':
          out += pod_escape(inner);
          break;
        case 'L':
          out += pod_link(inner);
          break;
        default:  // B I C F S: the text itself
          out += inner;
      }
      continue;
    }
    out += s[i++];
  }
  return out;
}

std::string inline_text(std::string_view paragraph) {
  // join lines: newlines become spaces before resolving codes (codes may span lines)
  std::string flat(paragraph);
  for (char& c : flat)
    if (c == '\n' || c == '\t') c = ' ';
  size_t i = 0;
  return squeeze_spaces(pod_inline(flat, i, 0, 0));
}

}  // namespace

std::string pod_to_text(std::string_view pod) {
  std::vector<std::string_view> lines = split_lines(pod);
  std::vector<std::string> out;
  bool in_pod = false;
  std::string skip_format;  // inside "=begin <format>" for a non-text format
  std::string item_prefix;  // "- " or "1. " owed to the next ordinary paragraph
  size_t i = 0;
  while (i < lines.size()) {
    if (trim(lines[i]).empty()) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < lines.size() && !trim(lines[j]).empty()) ++j;
    std::string block;
    for (size_t k = i; k < j; ++k) {
      if (k > i) block += '\n';
      std::string_view l = lines[k];
      while (!l.empty() && (l.back() == ' ' || l.back() == '\t' || l.back() == '\r')) l.remove_suffix(1);
      block += l;
    }
    i = j;
    bool command = block.size() > 1 && block[0] == '=' && std::isalpha(static_cast<unsigned char>(block[1]));
    if (command) {
      size_t name_end = 1;
      while (name_end < block.size() && !is_space(block[name_end])) ++name_end;
      std::string cmd = block.substr(1, name_end - 1);
      std::string rest(trim(std::string_view(block).substr(name_end)));
      std::string format = rest.substr(0, rest.find_first_of(" \t\n"));
      bool text_format = format == "text" || format == ":text";
      if (cmd == "cut") {
        in_pod = false;
        continue;
      }
      in_pod = true;
      if (!skip_format.empty()) {
        if (cmd == "end" && format == skip_format) skip_format.clear();
        continue;
      }
      if (cmd.size() == 5 && cmd.substr(0, 4) == "head") {
        out.push_back(inline_text(rest));
      } else if (cmd == "item") {
        if (rest.empty() || rest == "*") {
          item_prefix = "- ";
        } else if (rest[0] == '*' && rest.size() > 1 && is_space(rest[1])) {
          out.push_back("- " + inline_text(std::string_view(rest).substr(2)));
        } else if (rest.back() == '.' && std::all_of(rest.begin(), rest.end() - 1, [](char c) { return c >= '0' && c <= '9'; })) {
          item_prefix = rest + " ";
        } else {
          out.push_back(inline_text(rest));  // a definition-list term
        }
      } else if (cmd == "begin" && !text_format) {
        skip_format = format;
      } else if (cmd == "for" && text_format) {
        out.push_back(inline_text(std::string_view(rest).substr(format.size())));
      }
      continue;  // =pod =over =back =encoding =end =for <other>: no text
    }
    if (!in_pod || !skip_format.empty()) continue;
    if (block[0] == ' ' || block[0] == '\t') {
      out.push_back(block);  // verbatim
      continue;
    }
    std::string para = inline_text(block);
    if (!item_prefix.empty()) {
      para = item_prefix + para;
      item_prefix.clear();
    }
    if (!para.empty()) out.push_back(std::move(para));
  }
  std::string text;
  for (const std::string& p : out) {
    if (p.empty()) continue;
    if (!text.empty()) text += "\n\n";
    text += p;
  }
  return text;
}

}  // namespace own
