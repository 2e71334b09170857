// See html_page.h. Gumbo allocates from an arena that is dropped whole (no recursive free); the
// walk over its tree stops with an error past kMaxDepth levels. One walk over gumbo's tree; text goes into the current section, with breaks
// recorded as pending and written once before the next text, so markup never yields runs of
// blank lines or leading/trailing space.
#include "retrieval/html_page.h"

#include <gumbo.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "core/check.h"

namespace own {

namespace {

constexpr size_t kMaxHtmlBytes = size_t{64} << 20;

bool is_block(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_HEADER: case GUMBO_TAG_ASIDE: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_UL: case GUMBO_TAG_OL:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR:
    case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION: case GUMBO_TAG_ADDRESS: case GUMBO_TAG_HR: case GUMBO_TAG_FORM:
    case GUMBO_TAG_FIELDSET: case GUMBO_TAG_DETAILS: case GUMBO_TAG_SUMMARY: case GUMBO_TAG_CAPTION:
    case GUMBO_TAG_BODY:
      return true;
    default:
      return false;
  }
}

bool is_dropped(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_SCRIPT: case GUMBO_TAG_STYLE: case GUMBO_TAG_NOSCRIPT: case GUMBO_TAG_TEMPLATE:
    case GUMBO_TAG_NAV: case GUMBO_TAG_FOOTER: case GUMBO_TAG_HEAD: case GUMBO_TAG_IFRAME: case GUMBO_TAG_OBJECT:
    case GUMBO_TAG_SVG: case GUMBO_TAG_MATH: case GUMBO_TAG_SELECT: case GUMBO_TAG_BUTTON: case GUMBO_TAG_CANVAS:
      return true;
    default:
      return false;
  }
}

int heading_level(GumboTag t) {
  switch (t) {
    case GUMBO_TAG_H1: return 1;
    case GUMBO_TAG_H2: return 2;
    case GUMBO_TAG_H3: return 3;
    case GUMBO_TAG_H4: return 4;
    case GUMBO_TAG_H5: return 5;
    case GUMBO_TAG_H6: return 6;
    default: return 0;
  }
}

const char* attr(const GumboElement& e, const char* name) {
  const GumboAttribute* a = gumbo_get_attribute(&e.attributes, name);
  return a ? a->value : nullptr;
}

bool has_class(const GumboElement& e, const char* cls) {
  const char* v = attr(e, "class");
  if (!v) return false;
  size_t n = std::strlen(cls);
  for (const char* p = v; (p = std::strstr(p, cls)) != nullptr; p += n) {
    bool starts = p == v || p[-1] == ' ', ends = p[n] == '\0' || p[n] == ' ';
    if (starts && ends) return true;
  }
  return false;
}

bool is_hidden(const GumboElement& e) {
  if (attr(e, "hidden")) return true;
  const char* aria = attr(e, "aria-hidden");
  if (aria && std::strcmp(aria, "true") == 0) return true;
  const char* style = attr(e, "style");
  return style && (std::strstr(style, "display:none") || std::strstr(style, "display: none"));
}

class TextWalker {
 public:
  explicit TextWalker(bool sphinx) : sphinx_(sphinx) {}

  void walk(const GumboNode* node, bool in_main) {
    switch (node->type) {
      case GUMBO_NODE_TEXT:
      case GUMBO_NODE_CDATA:
      case GUMBO_NODE_WHITESPACE:
        if (in_main) text(node->v.text.text);
        return;
      case GUMBO_NODE_ELEMENT:
      case GUMBO_NODE_TEMPLATE:
        element(node->v.element, in_main);
        return;
      default:
        return;  // comments, the document node's doctype
    }
  }

  HtmlPage finish(std::string title) {
    close_section();
    page_.title = title.empty() ? first_heading_ : title;
    return std::move(page_);
  }

 private:
  void element(const GumboElement& e, bool in_main) {
    if (++depth_ > kMaxDepth)
      input_error("HTML nests elements more than {} deep; not a page this reader takes", kMaxDepth);
    element_body(e, in_main);
    --depth_;
  }

  void element_body(const GumboElement& e, bool in_main) {
    GumboTag t = e.tag;
    if (is_dropped(t) || is_hidden(e)) return;
    if (sphinx_ && t == GUMBO_TAG_A && has_class(e, "headerlink")) return;
    if (sphinx_ && !in_main) {
      const char* role = attr(e, "role");
      in_main = role && std::strcmp(role, "main") == 0;
    }
    if (int level = heading_level(t); level > 0 && in_main) {
      heading(e);
      return;
    }
    if (t == GUMBO_TAG_BR) {
      if (in_main) brk(1);
      return;
    }
    bool block = is_block(t) || t == GUMBO_TAG_LI || t == GUMBO_TAG_PRE;
    if (block && in_main) brk(t == GUMBO_TAG_LI || t == GUMBO_TAG_TR || t == GUMBO_TAG_DT ? 1 : 2);
    if (t == GUMBO_TAG_LI && in_main) item_ = true;  // "- " before the item's first text
    if (t == GUMBO_TAG_TD || t == GUMBO_TAG_TH) space_pending_ = true;
    if (t == GUMBO_TAG_PRE) ++pre_;
    children(e, in_main);
    if (t == GUMBO_TAG_PRE) --pre_;
    if (t == GUMBO_TAG_LI) item_ = false;  // an item without text owes no "- "
    if (block && in_main) brk(t == GUMBO_TAG_LI || t == GUMBO_TAG_TR || t == GUMBO_TAG_DT ? 1 : 2);
  }

  void children(const GumboElement& e, bool in_main) {
    for (unsigned i = 0; i < e.children.length; ++i) walk(static_cast<const GumboNode*>(e.children.data[i]), in_main);
  }

  // the heading's own text becomes the next section's heading
  void heading(const GumboElement& e) {
    close_section();
    item_ = false;
    break_ = 0;
    children(e, true);
    std::string h = std::move(current_.text);
    current_ = HtmlSection{};
    for (char& c : h)
      if (c == '\n') c = ' ';
    current_.heading = std::move(h);
    if (first_heading_.empty()) first_heading_ = current_.heading;
    space_ = true;
    break_ = 0;
  }

  void close_section() {
    while (!current_.text.empty() && current_.text.back() == ' ') current_.text.pop_back();
    if (!current_.text.empty()) page_.sections.push_back(std::move(current_));
    current_ = HtmlSection{};
    space_ = true;
    break_ = 0;
  }

  std::string& out() { return current_.text; }

  void brk(int n) {
    if (!out().empty()) break_ = std::max(break_, n);
  }

  void flush_break() {
    if (break_ > 0 && !out().empty()) {
      while (!out().empty() && out().back() == ' ') out().pop_back();
      out().append(static_cast<size_t>(break_), '\n');
      space_ = true;
    }
    break_ = 0;
    space_pending_ = false;
  }

  void text(const char* s) {
    if (pre_ > 0) {
      if (*s) flush_break();
      if (*s && item_) {
        out().append("- ");
        item_ = false;
      }
      out().append(s);
      space_ = !out().empty() && (out().back() == '\n' || out().back() == ' ');
      return;
    }
    for (const char* p = s; *p; ++p) {
      char c = *p;
      if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f') {
        space_pending_ = true;
        continue;
      }
      if (break_ > 0) flush_break();
      if (item_) {
        out().append("- ");
        item_ = false;
        space_ = true;
      }
      if (space_pending_ && !space_) out().push_back(' ');
      space_pending_ = false;
      out().push_back(c);
      space_ = false;
    }
  }

  static constexpr int kMaxDepth = 2000;
  bool sphinx_;
  int depth_ = 0, pre_ = 0, break_ = 0;
  bool space_ = true, space_pending_ = false, item_ = false;
  HtmlSection current_;
  HtmlPage page_;
  std::string first_heading_;
};

std::string title_of(const GumboNode* node) {
  if (node->type != GUMBO_NODE_ELEMENT) return "";
  const GumboElement& e = node->v.element;
  if (e.tag == GUMBO_TAG_TITLE) {
    std::string t;
    for (unsigned i = 0; i < e.children.length; ++i) {
      const auto* c = static_cast<const GumboNode*>(e.children.data[i]);
      if (c->type == GUMBO_NODE_TEXT) t += c->v.text.text;
    }
    std::string collapsed;
    for (char c : t) {
      bool ws = c == ' ' || c == '\n' || c == '\t' || c == '\r';
      if (ws && (collapsed.empty() || collapsed.back() == ' ')) continue;
      collapsed.push_back(ws ? ' ' : c);
    }
    while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
    return collapsed;
  }
  if (e.tag == GUMBO_TAG_BODY) return "";
  for (unsigned i = 0; i < e.children.length; ++i) {
    std::string t = title_of(static_cast<const GumboNode*>(e.children.data[i]));
    if (!t.empty()) return t;
  }
  return "";
}

// gumbo's memory, freed all at once: gumbo_destroy_output would free the tree recursively, one
// stack frame per level of nesting, and overflow the stack on hostile pages nested ~100k deep
struct GumboArena {
  std::vector<void*> blocks;
  ~GumboArena() {
    for (void* p : blocks) std::free(p);
  }
  static void* allocate(void* self, size_t n) {
    void* p = std::malloc(n == 0 ? 1 : n);
    OWN_CHECK(p != nullptr, "out of memory parsing HTML ({} bytes)", n);
    static_cast<GumboArena*>(self)->blocks.push_back(p);
    return p;
  }
  static void release(void*, void*) {}  // everything goes with the arena
};

}  // namespace

HtmlPage parse_html_page(std::string_view html, bool sphinx_main) {
  if (html.size() > kMaxHtmlBytes)
    input_error("an HTML page of {} bytes is larger than the {} MiB this reader takes", html.size(), kMaxHtmlBytes >> 20);
  GumboArena arena;
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &GumboArena::allocate;
  options.deallocator = &GumboArena::release;
  options.userdata = &arena;
  options.max_errors = 0;  // parse errors are repaired, not collected
  GumboOutput* doc = gumbo_parse_with_options(&options, html.data(), html.size());
  OWN_CHECK(doc != nullptr, "gumbo_parse failed on {} bytes", html.size());
  TextWalker walker(sphinx_main);
  walker.walk(doc->root, !sphinx_main);
  return walker.finish(title_of(doc->root));
}

}  // namespace own
