// UTF-8 primitives: see utf8.h. Byte loops with no locale, so they behave the same everywhere.
#include "core/utf8.h"

#include <fmt/format.h>

#include <cstdio>

namespace own {

namespace {

// Bytes consumed by the sequence at p: >0 and *ok=true for a valid sequence; otherwise the length of
// the maximal invalid prefix (the lead byte plus the continuation bytes that still fitted).
size_t utf8_sequence(const unsigned char* p, size_t n, bool* ok) {
  unsigned char b = p[0];
  *ok = true;
  if (b < 0x80) return 1;
  size_t need = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (b >= 0xC2 && b <= 0xDF) {
    need = 1;
  } else if (b >= 0xE0 && b <= 0xEF) {
    need = 2;
    if (b == 0xE0) lo = 0xA0;  // overlong
    if (b == 0xED) hi = 0x9F;  // surrogates
  } else if (b >= 0xF0 && b <= 0xF4) {
    need = 3;
    if (b == 0xF0) lo = 0x90;  // overlong
    if (b == 0xF4) hi = 0x8F;  // past U+10FFFF
  } else {
    *ok = false;
    return 1;
  }
  for (size_t k = 1; k <= need; ++k) {
    unsigned char c = k < n ? p[k] : 0;
    unsigned char l = k == 1 ? lo : 0x80, h = k == 1 ? hi : 0xBF;
    if (k >= n || c < l || c > h) {
      *ok = false;
      return k;
    }
  }
  return need + 1;
}

}  // namespace

int64_t utf8_repair(std::string& text, std::vector<int64_t>* offsets, size_t max_offsets) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  bool ok = true;
  while (i < n) {  // fast path: find the first problem without copying
    if (p[i] < 0x80) {
      ++i;
      continue;
    }
    size_t len = utf8_sequence(p + i, n - i, &ok);
    if (!ok) break;
    i += len;
  }
  if (i >= n) return 0;
  std::string out(text, 0, i);
  int64_t count = 0;
  while (i < n) {
    size_t len = utf8_sequence(p + i, n - i, &ok);
    if (ok) {
      out.append(text, i, len);
    } else {
      if (offsets && offsets->size() < max_offsets) offsets->push_back(static_cast<int64_t>(i));
      out += "\xEF\xBF\xBD";
      ++count;
    }
    i += len;
  }
  text.swap(out);
  return count;
}

void utf8_report(const std::string& where, int64_t count, const std::vector<int64_t>& offsets) {
  if (count <= 0) return;
  std::string at;
  for (size_t k = 0; k < offsets.size(); ++k) at += fmt::format("{}{}", k ? ", " : "", offsets[k]);
  if (static_cast<int64_t>(offsets.size()) < count) at += ", ...";
  fmt::print(stderr, "ownchat: warning: {}: {} invalid UTF-8 sequence{} at byte {}; replaced by U+FFFD\n", where, count,
             count == 1 ? "" : "s", at);
}

double replacement_share(std::string_view text) {
  int64_t chars = 0, bad = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) ++chars;
    if (c == 0xEF && i + 2 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xBF &&
        static_cast<unsigned char>(text[i + 2]) == 0xBD)
      ++bad;
  }
  return chars ? static_cast<double>(bad) / static_cast<double>(chars) : 0.0;
}

void utf8_append(std::string& out, uint32_t cp) {
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string cp1252_to_utf8(std::string_view bytes) {
  // 0x80..0x9F of Windows-1252; 0 = unassigned there
  static const uint16_t k_high[32] = {0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                      0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,
                                      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                      0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (char ch : bytes) {
    auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else if (c < 0xA0) {
      uint16_t cp = k_high[c - 0x80];
      utf8_append(out, cp ? cp : 0xFFFD);
    } else {
      utf8_append(out, c);
    }
  }
  return out;
}

}  // namespace own
