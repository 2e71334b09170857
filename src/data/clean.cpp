// Cleaning primitives: see clean.h. Byte-level loops with no locale or regex, so they are fast
// (the whole default corpus passes through normalize_text) and behave the same everywhere.
#include "data/clean.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>

namespace own {

namespace {

uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  x ^= x >> 31;
  return x;
}

int indent_of(std::string_view line) {
  int col = 0;
  for (char c : line) {
    if (c == ' ') {
      ++col;
    } else if (c == '\t') {
      col = (col / 8 + 1) * 8;
    } else {
      break;
    }
  }
  return col;
}

// width of a leading list marker plus its space ("• ", "- ", "12. ", "(a) "), 0 if none
int list_marker_width(std::string_view line) {
  size_t at = line.find_first_not_of(" \t");
  if (at == std::string_view::npos) return 0;
  std::string_view t = line.substr(at);
  size_t end = 0;
  if (t.substr(0, 3) == "\xE2\x80\xA2") {
    end = 3;  // U+2022 bullet (3 bytes, 1 column)
    if (t.size() > end && t[end] == ' ') return 2;
    return 0;
  }
  if (t[0] == '-' || t[0] == '*' || t[0] == 'o') {
    end = 1;
  } else if (t[0] >= '0' && t[0] <= '9') {
    while (end < t.size() && t[end] >= '0' && t[end] <= '9') ++end;
    if (end >= t.size() || (t[end] != '.' && t[end] != ')')) return 0;
    ++end;
  } else if (t[0] == '(') {
    end = t.find(')');
    if (end == std::string_view::npos || end > 4) return 0;
    ++end;
  } else {
    return 0;
  }
  if (end >= t.size() || t[end] != ' ') return 0;
  while (end < t.size() && t[end] == ' ') ++end;
  return static_cast<int>(end);
}

bool is_blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

// the line with leading whitespace expanded to spaces and `drop` columns removed
std::string dedent(std::string_view line, int drop) {
  size_t body = line.find_first_not_of(" \t");
  if (body == std::string_view::npos) return "";
  int col = indent_of(line);
  std::string out(static_cast<size_t>(std::max(0, col - drop)), ' ');
  std::string_view rest = line.substr(body);
  while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t')) rest.remove_suffix(1);
  out += rest;
  return out;
}

}  // namespace

std::string normalize_text(std::string_view text) {
  std::string out, line;
  out.reserve(text.size());
  int pending_blank = 0;
  auto end_line = [&] {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
    if (line.empty()) {
      ++pending_blank;
      return;
    }
    if (!out.empty()) out.append(static_cast<size_t>(1 + std::min(pending_blank, 2)), '\n');
    pending_blank = 0;
    out += line;
    line.clear();
  };
  const size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c == '\n') {
      end_line();
    } else if (c == '\r') {
      if (i + 1 < n && text[i + 1] == '\n') ++i;
      end_line();
    } else if (c < 0x20 && c != '\t') {
      // other C0 controls: dropped
    } else if (c == 0x7F) {
      // DEL: dropped
    } else if (c == 0xC2 && i + 1 < n && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      ++i;  // C1 control (U+0080..U+009F): dropped
    } else if (c == 0xEF && i + 2 < n && static_cast<unsigned char>(text[i + 1]) == 0xBB &&
               static_cast<unsigned char>(text[i + 2]) == 0xBF) {
      i += 2;  // U+FEFF byte order mark / zero-width no-break space: dropped
    } else {
      line += static_cast<char>(c);
    }
  }
  end_line();
  return out;
}

uint64_t text_hash(std::string_view text) {
  const uint64_t k1 = 0x9E3779B97F4A7C15ull, k2 = 0xC2B2AE3D27D4EB4Full;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  uint64_t h = 0x27D4EB2F165667C5ull ^ (static_cast<uint64_t>(n) * k1);
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w = 0;
    for (int b = 7; b >= 0; --b) w = (w << 8) | p[i + static_cast<size_t>(b)];  // little-endian word
    h ^= rotl(w * k2, 31) * k1;
    h = rotl(h, 27) * k1 + 0x52DCE729ull;
  }
  if (i < n) {
    uint64_t w = 0;
    for (size_t b = n; b > i; --b) w = (w << 8) | p[b - 1];
    h ^= rotl(w * k2, 31) * k1;
  }
  return mix64(h);
}

bool hash_is_val(uint64_t hash) { return hash % 1000 < 10; }

double hash_unit(uint64_t hash) {
  return static_cast<double>(mix64(hash ^ 0x6A09E667F3BCC909ull) >> 11) * 0x1.0p-53;
}

std::string unwrap_paragraphs(std::string_view text, int max_prose_indent) {
  std::vector<std::string_view> lines = split_lines(text);
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < lines.size()) {
    if (is_blank(lines[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < lines.size() && !is_blank(lines[j])) ++j;
    // paragraph = lines[i, j)
    bool prose = true;
    if (j - i == 1) {
      prose = indent_of(lines[i]) <= max_prose_indent;
    } else {
      int cont = indent_of(lines[i + 1]);
      // a list item with a hanging indent ("• text" / "2. text", continued under the text) is prose too
      bool hanging = indent_of(lines[i]) <= max_prose_indent && cont == indent_of(lines[i]) + list_marker_width(lines[i]);
      if (cont > max_prose_indent && !hanging) prose = false;
      for (size_t k = i + 2; k < j && prose; ++k) prose = indent_of(lines[k]) == cont;
    }
    if (!out.empty()) out += "\n\n";
    if (prose) {
      for (size_t k = i; k < j; ++k) {
        if (k > i) out += ' ';
        out += squeeze_spaces(lines[k]);
      }
    } else {
      int common = 1 << 30;
      for (size_t k = i; k < j; ++k) common = std::min(common, indent_of(lines[k]));
      std::string prefix = common > max_prose_indent ? "    " : "";
      for (size_t k = i; k < j; ++k) {
        if (k > i) out += '\n';
        out += prefix;
        out += dedent(lines[k], common);
      }
    }
    i = j;
  }
  return out;
}

std::string squeeze_spaces(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  bool space = false;
  for (char c : line) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

std::string_view trim(std::string_view s) {
  size_t a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return {};
  size_t b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::string ascii_lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = s[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = static_cast<char>(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = static_cast<char>(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::string drop_braces(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s)
    if (c != '{' && c != '}') out += c;
  return out;
}

}  // namespace own
