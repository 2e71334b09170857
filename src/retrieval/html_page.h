// HTML to sectioned text with a real HTML5 parser (gumbo: the WHATWG tree-building algorithm, so
// broken markup is repaired the way browsers repair it, and every named entity is decoded).
// Scripts, styles, templates, <noscript>, navigation, footers and hidden elements are dropped;
// block elements become paragraph breaks, <br> a line break, <pre> stays verbatim, list items
// start with "- ". Each heading (h1-h6) starts a section, so passages can follow the page's own
// structure. sphinx_main: only the page body of a Sphinx page (role="main"), without its "¶"
// permalinks.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace own {

struct HtmlSection {
  std::string heading;  // "" for text before the first heading
  std::string text;     // paragraphs separated by blank lines; whitespace collapsed outside <pre>
};

struct HtmlPage {
  std::string title;                  // <title>, else the first heading, else ""
  std::vector<HtmlSection> sections;  // in document order; sections without text are left out
};

HtmlPage parse_html_page(std::string_view html, bool sphinx_main = false);

}  // namespace own
