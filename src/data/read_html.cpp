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

namespace {

// One pass over the HTML: text runs and entities go to `t`; each tag is scanned, then either ends
// the Sphinx body, is skipped (with what it contains, for dropped elements), or shapes the layout.
class HtmlToText {
 public:
  HtmlToText(std::string_view html, bool sphinx_main) : html_(html), n_(html.size()), sphinx_main_(sphinx_main) {}

  std::string run() {
    if (sphinx_main_) start_at_main();
    while (i_ < n_) {
      const char c = html_[i_];
      if (c == '&') entity();
      else if (c != '<') text_run();
      else if (!markup()) break;  // end of the Sphinx page body
    }
    return std::move(t_.out);
  }

 private:
  struct Tag {
    std::string name;  // lower case
    std::string_view attrs;
    bool closing = false, self_closing = false;
  };

  void text(std::string_view s) {
    if (skip_depth_ == 0) t_.text(s, pre_ > 0);
  }

  void start_at_main() {
    size_t at = html_.find("role=\"main\"");
    if (at == std::string_view::npos) return;
    size_t lt = html_.rfind('<', at);
    if (lt == std::string_view::npos) return;
    i_ = lt;
    main_depth_ = 0;
  }

  // &name; or &#n; / &#xh; decoded into decoded_; false (decoded_ unusable) when it is neither
  bool decode_entity(size_t& semi) {
    semi = i_ + 1;
    while (semi < n_ && semi - i_ < 12 && (is_name_char(html_[semi]) || html_[semi] == '#')) ++semi;
    decoded_.clear();
    if (!(semi < n_ && html_[semi] == ';' && semi > i_ + 1)) return false;
    std::string_view name = html_.substr(i_ + 1, semi - i_ - 1);
    if (name[0] != '#') return html_entity(name, decoded_);
    uint32_t cp = 0;
    bool hex = name.size() > 1 && (name[1] == 'x' || name[1] == 'X');
    size_t k = hex ? 2 : 1;
    bool ok = k < name.size();
    for (; k < name.size() && ok; ++k) {
      char d = name[k];
      int v = d >= '0' && d <= '9' ? d - '0' : hex && d >= 'a' && d <= 'f' ? d - 'a' + 10 : hex && d >= 'A' && d <= 'F' ? d - 'A' + 10 : -1;
      if (v < 0 || cp > 0x10FFFF) ok = false;
      else cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(v);
    }
    if (ok) utf8_append(decoded_, cp == 0 ? 0xFFFD : cp);
    return ok;
  }

  void entity() {
    size_t semi = 0;
    if (decode_entity(semi)) {
      text(decoded_);
      i_ = semi + 1;
    } else {
      text("&");
      ++i_;
    }
  }

  void text_run() {
    size_t next = i_;
    while (next < n_ && html_[next] != '<' && html_[next] != '&') ++next;
    text(html_.substr(i_, next - i_));
    i_ = next;
  }

  // <!-- ... -->, <!DOCTYPE ...>, <?xml ...?>: skipped
  bool skip_comment_or_declaration() {
    if (html_.substr(i_, 4) == "<!--") {
      size_t end = html_.find("-->", i_ + 4);
      i_ = end == std::string_view::npos ? n_ : end + 3;
      return true;
    }
    if (i_ + 1 < n_ && (html_[i_ + 1] == '!' || html_[i_ + 1] == '?')) {
      size_t end = html_.find('>', i_);
      i_ = end == std::string_view::npos ? n_ : end + 1;
      return true;
    }
    return false;
  }

  // the tag at html_[i_] ('<'), moving i_ past it; false (i_ unmoved) when no tag name follows
  bool scan_tag(Tag& tag) {
    tag.closing = i_ + 1 < n_ && html_[i_ + 1] == '/';
    size_t name_start = i_ + (tag.closing ? 2 : 1);
    size_t name_end = name_start;
    while (name_end < n_ && is_name_char(html_[name_end])) ++name_end;
    if (name_end == name_start || !(std::isalpha(static_cast<unsigned char>(html_[name_start])))) return false;
    // the end of the tag, skipping quoted attribute values
    size_t end = name_end;
    char quote = 0;
    while (end < n_ && (quote || html_[end] != '>')) {
      if (quote && html_[end] == quote) quote = 0;
      else if (!quote && (html_[end] == '"' || html_[end] == '\'')) quote = html_[end];
      ++end;
    }
    tag.name = lower(html_.substr(name_start, name_end - name_start));
    tag.attrs = html_.substr(name_end, (end < n_ ? end : n_) - name_end);
    tag.self_closing = !tag.attrs.empty() && tag.attrs.back() == '/';
    i_ = end < n_ ? end + 1 : n_;
    return true;
  }

  // false at the end of the Sphinx page body
  bool markup() {
    if (skip_comment_or_declaration()) return true;
    Tag tag;
    if (!scan_tag(tag)) {
      text("<");  // a literal '<'
      ++i_;
      return true;
    }
    const std::string& name = tag.name;
    if (main_depth_ >= 0 && name == "div") {
      if (tag.closing && --main_depth_ == 0) return false;
      if (!tag.closing && !tag.self_closing) ++main_depth_;
    }
    if (skip_depth_ > 0) {
      if (name == skip_tag_) skip_depth_ += tag.closing ? -1 : (tag.self_closing ? 0 : 1);
      return true;
    }
    if (!tag.closing && (name == "script" || name == "style")) {  // raw text: skip to the end tag
      size_t close = find_ci(html_, "</" + name, i_);
      i_ = close == std::string_view::npos ? n_ : close;
      return true;
    }
    bool drop = in(name, {"head", "title", "noscript", "template", "svg", "select", "button", "nav"}) ||
                (sphinx_main_ && name == "a" && tag.attrs.find("headerlink") != std::string_view::npos);
    if (!tag.closing && drop && !tag.self_closing) {
      skip_tag_ = name;
      skip_depth_ = 1;
      return true;
    }
    layout(tag);
    return true;
  }

  // what a kept tag does to the text: line breaks, list items, table cells, <pre> mode
  void layout(const Tag& tag) {
    const std::string& name = tag.name;
    if (name == "pre") {
      t_.line_break(2);
      if (tag.closing) {
        pre_ = std::max(0, pre_ - 1);
      } else {
        ++pre_;
        if (i_ < n_ && html_[i_] == '\n') ++i_;  // a newline right after <pre> is not content
      }
      return;
    }
    if (name == "ul" || name == "ol") {  // list items are "- " or "1. ", "2. ", ...
      if (tag.closing && !lists_.empty()) lists_.pop_back();
      if (!tag.closing && !tag.self_closing) lists_.push_back(name == "ol" ? 1 : 0);
    }
    if (name == "td" || name == "th") {  // a table row becomes one line: "a | b | c"
      if (tag.closing) {
        cell_depth_ = std::max(0, cell_depth_ - 1);
      } else {
        if (!first_cell_) {
          t_.space();
          t_.put('|');
          t_.space();
        }
        first_cell_ = false;
        ++cell_depth_;
      }
      return;
    }
    if (name == "tr") {
      t_.line_break(1);
      first_cell_ = true;
      return;
    }
    if (cell_depth_ > 0 && !in(name, {"table"})) {  // paragraphs inside a cell stay on the row's line
      if (!in(name, {"a", "span", "em", "strong", "code", "b", "i", "tt", "sup", "sub", "kbd", "var", "cite"})) t_.space();
      return;
    }
    if (in(name, {"p", "div", "section", "article", "header", "footer", "main", "aside", "blockquote", "table", "ul",
                  "ol", "dl", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "form", "fieldset", "address", "hr",
                  "center", "body", "html"})) {
      t_.line_break(2);
    } else if (name == "li" && !tag.closing) {
      if (!lists_.empty() && lists_.back() > 0) {
        t_.item(std::to_string(lists_.back()) + ". ");
        ++lists_.back();
      } else {
        t_.item("- ");
      }
    } else if (in(name, {"br", "dt", "dd", "caption", "li", "option", "tbody", "thead"})) {
      t_.line_break(1);
    }
  }

  std::string_view html_;
  size_t n_;
  bool sphinx_main_;
  HtmlText t_;
  size_t i_ = 0;
  int main_depth_ = -1;  // div depth inside the Sphinx body; -1 = not tracking
  int pre_ = 0;
  std::vector<int> lists_;  // open lists: 0 = bulleted, n = numbered (next number n)
  int cell_depth_ = 0;      // inside <td>/<th>
  bool first_cell_ = true;
  std::string skip_tag_;  // inside an element whose content is dropped
  int skip_depth_ = 0;
  std::string decoded_;
};

}  // namespace

std::string html_to_text(std::string_view html, bool sphinx_main) { return HtmlToText(html, sphinx_main).run(); }

}  // namespace own
