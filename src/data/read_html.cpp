// HTML to plain text, for Python's Sphinx documentation (python3.11-doc) and HTML mail parts.
// A small tolerant scanner, not a DOM: tags are recognised by name, attributes are only looked at
// for class="headerlink" (Sphinx's pilcrow links) and role="main" (the page body), unknown
// entities stay as written, and unbalanced markup just yields text. Output is UTF-8 with
// paragraph breaks; <pre> blocks (code examples) keep their lines.
#include <algorithm>
#include <cctype>

#include "data/clean.h"
#include "data/readers.h"

namespace own {

namespace {

// names of U+00A0..U+00FF, in order
const char* const k_latin1[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",    "copy",   "ordf",
    "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",
    "para",   "middot", "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave",
    "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",
    "Igrave", "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",
    "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",  "agrave", "aacute",
    "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil", "egrave", "eacute", "ecirc",  "euml",   "igrave",
    "iacute", "icirc",  "iuml",   "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
    "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml"};

struct Named {
  const char* name;
  uint32_t cp;
};
constexpr Named k_named[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},        {"quot", '"'},      {"apos", '\''},
    {"ensp", 0x2002},   {"emsp", 0x2003},   {"thinsp", 0x2009}, {"ndash", 0x2013},  {"mdash", 0x2014},
    {"lsquo", 0x2018},  {"rsquo", 0x2019},  {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D},
    {"bdquo", 0x201E},  {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},   {"hellip", 0x2026},
    {"prime", 0x2032},  {"Prime", 0x2033},  {"lsaquo", 0x2039}, {"rsaquo", 0x203A}, {"euro", 0x20AC},
    {"trade", 0x2122},  {"larr", 0x2190},   {"uarr", 0x2191},   {"rarr", 0x2192},   {"darr", 0x2193},
    {"harr", 0x2194},   {"minus", 0x2212},  {"infin", 0x221E},  {"ne", 0x2260},     {"le", 0x2264},
    {"ge", 0x2265},     {"OElig", 0x0152},  {"oelig", 0x0153},  {"Scaron", 0x0160}, {"scaron", 0x0161},
    {"Yuml", 0x0178},   {"fnof", 0x0192},   {"circ", 0x02C6},   {"tilde", 0x02DC},  {"alpha", 0x03B1},
    {"beta", 0x03B2},   {"gamma", 0x03B3},  {"delta", 0x03B4},  {"pi", 0x03C0},     {"sigma", 0x03C3},
    {"mu", 0x03BC},     {"lambda", 0x03BB}, {"zwj", 0x200D},    {"zwnj", 0x200C},
};

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == ':';
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

size_t find_ci(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= hay.size(); ++i)
    if (starts_with_ci(hay.substr(i), needle)) return i;
  return std::string_view::npos;
}

bool in(std::string_view name, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), name) != set.end();
}

class HtmlText {
 public:
  std::string out;

  void text(std::string_view s, bool verbatim) {
    for (char c : s) {
      if (!verbatim && (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f')) {
        space_ = true;
        continue;
      }
      put(c);
    }
  }
  void put(char c) {
    if (breaks_ > 0) {
      while (!out.empty() && out.back() == ' ') out.pop_back();
      if (!out.empty()) {
        size_t have = 0;
        for (size_t k = out.size(); k > 0 && out[k - 1] == '\n'; --k) ++have;
        for (int k = static_cast<int>(have); k < breaks_; ++k) out += '\n';
      }
      breaks_ = 0;
      space_ = false;
      out += item_;
      item_.clear();
    } else if (space_) {
      if (!out.empty() && out.back() != '\n' && out.back() != ' ') out += ' ';
      space_ = false;
    }
    out += c;
  }
  void line_break(int n) { breaks_ = std::max(breaks_, n); }
  void item(std::string prefix) {
    line_break(1);
    item_ = std::move(prefix);
  }
  void space() { space_ = true; }

 private:
  int breaks_ = 0;  // newlines owed before the next character
  bool space_ = false;
  std::string item_;  // "- " owed at the start of a list item
};

}  // namespace

bool html_entity(std::string_view name, std::string& out) {
  for (size_t k = 0; k < 96; ++k)
    if (name == k_latin1[k]) {
      if (k == 0) out += ' ';  // nbsp: a plain space is what a reader of text expects
      else if (k != 13) utf8_append(out, static_cast<uint32_t>(0xA0 + k));  // shy: dropped
      return true;
    }
  for (const Named& e : k_named)
    if (name == e.name) {
      utf8_append(out, e.cp);
      return true;
    }
  return false;
}

std::string html_to_text(std::string_view html, bool sphinx_main) {
  HtmlText t;
  size_t i = 0;
  const size_t n = html.size();
  int main_depth = -1;  // div depth inside the Sphinx body; -1 = not tracking
  if (sphinx_main) {
    size_t at = html.find("role=\"main\"");
    if (at != std::string_view::npos) {
      size_t lt = html.rfind('<', at);
      if (lt != std::string_view::npos) {
        i = lt;
        main_depth = 0;
      }
    }
  }
  int pre = 0;
  std::vector<int> lists;  // open lists: 0 = bulleted, n = numbered (next number n)
  int cell_depth = 0;      // inside <td>/<th>
  bool first_cell = true;
  std::string skip_tag;  // inside an element whose content is dropped
  int skip_depth = 0;
  std::string decoded;
  while (i < n) {
    char c = html[i];
    if (c == '&') {
      size_t semi = i + 1;
      while (semi < n && semi - i < 12 && (is_name_char(html[semi]) || html[semi] == '#')) ++semi;
      decoded.clear();
      bool ok = false;
      if (semi < n && html[semi] == ';' && semi > i + 1) {
        std::string_view name = html.substr(i + 1, semi - i - 1);
        if (name[0] == '#') {
          uint32_t cp = 0;
          bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
          size_t k = hex ? 2 : 1;
          ok = k < name.size();
          for (; k < name.size() && ok; ++k) {
            char d = name[k];
            int v = d >= '0' && d <= '9' ? d - '0' : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10 : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
            if (v < 0 || cp > 0x10FFFF) ok = false;
            else cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
          }
          if (ok) utf8_append(decoded, cp == 0 ? 0xFFFD : cp);
        } else {
          ok = html_entity(name, decoded);
        }
      }
      if (ok) {
        if (skip_depth == 0) t.text(decoded, pre > 0);
        i = semi + 1;
      } else {
        if (skip_depth == 0) t.text("&", pre > 0);
        ++i;
      }
      continue;
    }
    if (c != '<') {
      size_t next = i;
      while (next < n && html[next] != '<' && html[next] != '&') ++next;
      if (skip_depth == 0) t.text(html.substr(i, next - i), pre > 0);
      i = next;
      continue;
    }
    // markup
    if (html.substr(i, 4) == "<!--") {
      size_t end = html.find("-->", i + 4);
      i = end == std::string_view::npos ? n : end + 3;
      continue;
    }
    if (i + 1 < n && (html[i + 1] == '!' || html[i + 1] == '?')) {
      size_t end = html.find('>', i);
      i = end == std::string_view::npos ? n : end + 1;
      continue;
    }
    bool closing = i + 1 < n && html[i + 1] == '/';
    size_t name_start = i + (closing ? 2 : 1);
    size_t name_end = name_start;
    while (name_end < n && is_name_char(html[name_end])) ++name_end;
    if (name_end == name_start || !(std::isalpha(static_cast<unsigned char>(html[name_start])))) {
      if (skip_depth == 0) t.text("<", pre > 0);  // a literal '<'
      ++i;
      continue;
    }
    // the end of the tag, skipping quoted attribute values
    size_t end = name_end;
    char quote = 0;
    while (end < n && (quote || html[end] != '>')) {
      if (quote && html[end] == quote) quote = 0;
      else if (!quote && (html[end] == '"' || html[end] == '\'')) quote = html[end];
      ++end;
    }
    std::string name = lower(html.substr(name_start, name_end - name_start));
    std::string_view attrs = html.substr(name_end, (end < n ? end : n) - name_end);
    bool self_closing = !attrs.empty() && attrs.back() == '/';
    i = end < n ? end + 1 : n;

    if (main_depth >= 0 && name == "div") {
      if (closing && --main_depth == 0) break;  // end of the Sphinx page body
      if (!closing && !self_closing) ++main_depth;
    }
    if (skip_depth > 0) {
      if (name == skip_tag) skip_depth += closing ? -1 : (self_closing ? 0 : 1);
      continue;
    }
    if (!closing && (name == "script" || name == "style")) {  // raw text: skip to the end tag
      size_t close = find_ci(html, "</" + name, i);
      i = close == std::string_view::npos ? n : close;
      continue;
    }
    bool drop = in(name, {"head", "title", "noscript", "template", "svg", "select", "button", "nav"}) ||
                (sphinx_main && name == "a" && attrs.find("headerlink") != std::string_view::npos);
    if (!closing && drop && !self_closing) {
      skip_tag = name;
      skip_depth = 1;
      continue;
    }
    if (name == "pre") {
      t.line_break(2);
      if (closing) {
        pre = std::max(0, pre - 1);
      } else {
        ++pre;
        if (i < n && html[i] == '\n') ++i;  // a newline right after <pre> is not content
      }
      continue;
    }
    if (name == "ul" || name == "ol") {  // list items are "- " or "1. ", "2. ", ...
      if (closing && !lists.empty()) lists.pop_back();
      if (!closing && !self_closing) lists.push_back(name == "ol" ? 1 : 0);
    }
    if (name == "td" || name == "th") {  // a table row becomes one line: "a | b | c"
      if (closing) {
        cell_depth = std::max(0, cell_depth - 1);
      } else {
        if (!first_cell) {
          t.space();
          t.put('|');
          t.space();
        }
        first_cell = false;
        ++cell_depth;
      }
      continue;
    }
    if (name == "tr") {
      t.line_break(1);
      first_cell = true;
      continue;
    }
    if (cell_depth > 0 && !in(name, {"table"})) {  // paragraphs inside a cell stay on the row's line
      if (!in(name, {"a", "span", "em", "strong", "code", "b", "i", "tt", "sup", "sub", "kbd", "var", "cite"})) t.space();
      continue;
    }
    if (in(name, {"p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote", "table", "ul",
                  "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "form", "fieldset", "address", "hr",
                  "center", "body", "html"})) {
      t.line_break(2);
    } else if (name == "li" && !closing) {
      if (!lists.empty() && lists.back() > 0) {
        t.item(std::to_string(lists.back()) + ". ");
        ++lists.back();
      } else {
        t.item("- ");
      }
    } else if (in(name, {"br", "dt", "dd", "caption", "li", "option", "tbody", "thead"})) {
      t.line_break(1);
    }
  }
  return t.out;
}

}  // namespace own
