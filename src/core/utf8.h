// UTF-8 repair, encoding and code-page conversion: used by the corpus readers (data/), the
// streamed text of generation (infer/) and anything else that must emit valid UTF-8.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace own {

// Replaces every invalid UTF-8 sequence (stray continuation bytes, overlong forms, surrogates,
// code points past U+10FFFF, truncated sequences) by U+FFFD, in place. Returns how many were
// replaced; `offsets` (if given) receives the byte offsets of the first `max_offsets` of them.
int64_t utf8_repair(std::string& text, std::vector<int64_t>* offsets = nullptr, size_t max_offsets = 4);

// Prints "ownchat: warning: <where>: N invalid UTF-8 sequence(s) at byte a, b, ...; replaced by U+FFFD".
void utf8_report(const std::string& where, int64_t count, const std::vector<int64_t>& offsets);

// Share of U+FFFD among the code points of `text` (0 for empty text).
double replacement_share(std::string_view text);

// Appends the UTF-8 encoding of code point `cp` (invalid ones as U+FFFD).
void utf8_append(std::string& out, uint32_t cp);

// Windows-1252 (a superset of ISO-8859-1 in practice) to UTF-8.
std::string cp1252_to_utf8(std::string_view bytes);

}  // namespace own
