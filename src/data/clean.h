// Text cleaning shared by every corpus source: whitespace normalisation, the
// 64-bit document hash (exact-duplicate removal and the train/val split) and paragraph unwrapping.
// Everything here is a pure function of its input bytes, so the corpus is deterministic.
// Not here: format-specific markup removal (that lives with each reader in read_*.cpp).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"  // UTF-8 repair and encoding, used beside these everywhere

namespace own {

// CRLF and lone CR -> LF; control characters other than \n and \t (C0, DEL, C1) and U+FEFF
// removed; trailing spaces/tabs cut from every line; runs of more than two blank lines cut to
// two; leading and trailing blank lines removed. Expects valid UTF-8.
std::string normalize_text(std::string_view text);

// 64-bit hash of the bytes (the same on every machine), for dedup and the split.
uint64_t text_hash(std::string_view text);
// The deterministic split: ~1% of documents (hash % 1000 < 10) go to validation.
bool hash_is_val(uint64_t hash);
// A second, independent uniform value in [0, 1) from a hash (fractional weights).
double hash_unit(uint64_t hash);

// Joins the lines of each paragraph (blank-line separated) into one line when the paragraph looks
// like wrapped prose: every line after the first has the same indent, at most `max_prose_indent`.
// Other paragraphs (verse, code, tables) keep their lines; if they are indented deeper than
// `max_prose_indent` they come out indented by four spaces, otherwise flush left.
std::string unwrap_paragraphs(std::string_view text, int max_prose_indent);

// Collapses runs of spaces/tabs inside a line to one space and trims both ends.
std::string squeeze_spaces(std::string_view line);

// Splits on '\n' (a trailing '\n' gives no extra empty line).
std::vector<std::string_view> split_lines(std::string_view text);

std::string_view trim(std::string_view s);
std::string ascii_lower(std::string s);  // A-Z to a-z, other bytes kept
// s without its { and } characters (dictd and Jargon File cross-reference markup)
std::string drop_braces(std::string_view s);
bool starts_with_ci(std::string_view s, std::string_view prefix);  // ASCII case-insensitive

}  // namespace own
