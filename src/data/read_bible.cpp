// The King James Bible of bible-kjv-text. /usr/lib/bible.data is the bible-kjv program's
// container, read here from its observed layout (big-endian u32 fields):
//   bytes 0..79   "EC02Compressed Data File" padded with NULs
//   84: block size (65536), 88: block count n, 92: n+1 file offsets (the last = file size)
//   then n blocks, each an independent compress(1) LZW stream without its 3-byte header (one
//   header, 1F 9D + flags, sits just before the first block and gives the code width).
// The decoded text is one verse per line, "Ge1:1 In the beginning God created ...".
#include <cctype>

#include "core/check.h"
#include "data/clean.h"
#include "data/decompress.h"
#include "data/readers.h"

namespace own {

namespace {

uint32_t be32(std::string_view b, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(b[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(b[at + 2])) << 8) | static_cast<uint32_t>(static_cast<uint8_t>(b[at + 3]));
}

struct Book {
  const char* abbrev;
  const char* name;  // as a chapter title: "Genesis 1", "Psalm 23"
};

constexpr Book k_books[] = {
    {"Ge", "Genesis"},       {"Exo", "Exodus"},          {"Lev", "Leviticus"},      {"Num", "Numbers"},
    {"Deu", "Deuteronomy"},  {"Josh", "Joshua"},         {"Jdgs", "Judges"},        {"Ruth", "Ruth"},
    {"1Sm", "1 Samuel"},     {"2Sm", "2 Samuel"},        {"1Ki", "1 Kings"},        {"2Ki", "2 Kings"},
    {"1Chr", "1 Chronicles"}, {"2Chr", "2 Chronicles"},  {"Ezra", "Ezra"},          {"Neh", "Nehemiah"},
    {"Est", "Esther"},       {"Job", "Job"},             {"Psa", "Psalm"},          {"Prv", "Proverbs"},
    {"Eccl", "Ecclesiastes"}, {"SSol", "Song of Solomon"}, {"Isa", "Isaiah"},       {"Jer", "Jeremiah"},
    {"Lam", "Lamentations"}, {"Eze", "Ezekiel"},         {"Dan", "Daniel"},         {"Hos", "Hosea"},
    {"Joel", "Joel"},        {"Amos", "Amos"},           {"Obad", "Obadiah"},       {"Jonah", "Jonah"},
    {"Mic", "Micah"},        {"Nahum", "Nahum"},         {"Hab", "Habakkuk"},       {"Zep", "Zephaniah"},
    {"Hag", "Haggai"},       {"Zec", "Zechariah"},       {"Mal", "Malachi"},        {"Mat", "Matthew"},
    {"Mark", "Mark"},        {"Luke", "Luke"},           {"John", "John"},          {"Acts", "Acts"},
    {"Rom", "Romans"},       {"1Cor", "1 Corinthians"},  {"2Cor", "2 Corinthians"}, {"Gal", "Galatians"},
    {"Eph", "Ephesians"},    {"Phi", "Philippians"},      {"Col", "Colossians"},     {"1Th", "1 Thessalonians"},
    {"2Th", "2 Thessalonians"}, {"1Tim", "1 Timothy"},   {"2Tim", "2 Timothy"},     {"Titus", "Titus"},
    {"Phmn", "Philemon"},    {"Heb", "Hebrews"},         {"Jas", "James"},          {"1Pet", "1 Peter"},
    {"2Pet", "2 Peter"},     {"1Jn", "1 John"},          {"2Jn", "2 John"},         {"3Jn", "3 John"},
    {"Jude", "Jude"},        {"Rev", "Revelation"},
};

std::string book_name(std::string_view abbrev) {
  for (const Book& b : k_books)
    if (abbrev == b.abbrev) return b.name;
  return std::string(abbrev);  // unknown abbreviation: keep it rather than drop the chapter
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alpha(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }

}  // namespace

std::string kjv_decode(std::string_view b, const std::string& what, size_t max_out) {
  auto bad = [&](const std::string& why) {
    input_error("{}: not a bible-kjv data file ({}); reinstall bible-kjv-text", what, why);
  };
  if (b.substr(0, 4) != "EC02") bad("no EC02 magic");
  if (b.size() < 96) bad(fmt::format("only {} bytes", b.size()));
  const uint32_t n_blocks = be32(b, 88);
  const size_t table_end = 92 + 4 * (static_cast<size_t>(n_blocks) + 1);
  if (n_blocks == 0 || n_blocks > 1'000'000 || table_end > b.size()) bad(fmt::format("{} blocks", n_blocks));
  std::vector<size_t> offsets;
  for (size_t i = 0; i <= n_blocks; ++i) offsets.push_back(be32(b, 92 + 4 * i));
  for (size_t i = 0; i < n_blocks; ++i)
    if (offsets[i] < table_end || offsets[i] > offsets[i + 1] || offsets[i + 1] > b.size())
      bad(fmt::format("block {} spans bytes {}..{} of {}", i, offsets[i], offsets[i + 1], b.size()));
  int max_bits = 16;
  bool block_mode = true;
  if (offsets[0] >= 3 && static_cast<uint8_t>(b[offsets[0] - 3]) == 0x1F && static_cast<uint8_t>(b[offsets[0] - 2]) == 0x9D) {
    auto flags = static_cast<uint8_t>(b[offsets[0] - 1]);
    max_bits = flags & 0x1F;
    block_mode = (flags & 0x80) != 0;
  }
  std::string text;
  for (size_t i = 0; i < n_blocks; ++i)
    text += unlzw(b.substr(offsets[i], offsets[i + 1] - offsets[i]), max_bits, block_mode,
                  fmt::format("{} (block {})", what, i), max_out - text.size());
  return text;
}

std::vector<std::string> kjv_chapters(std::string_view verses) {
  std::vector<std::string> docs;
  std::string cur, cur_key;
  for (std::string_view line : split_lines(verses)) {
    // "<book><chapter>:<verse> <text>", book = optional digit + letters
    size_t i = 0;
    if (i < line.size() && is_digit(line[i])) ++i;
    size_t book_start = 0;
    while (i < line.size() && is_alpha(line[i])) ++i;
    size_t book_end = i;
    while (i < line.size() && is_digit(line[i])) ++i;
    size_t chapter_end = i;
    if (book_end == book_start || chapter_end == book_end || i >= line.size() || line[i] != ':') continue;
    ++i;
    size_t verse_start = i;
    while (i < line.size() && is_digit(line[i])) ++i;
    if (i == verse_start) continue;
    std::string_view verse = line.substr(verse_start, i - verse_start);
    std::string_view body = trim(line.substr(i));
    std::string key(line.substr(0, chapter_end));
    if (key != cur_key) {
      if (!cur.empty()) docs.push_back(std::move(cur));
      cur = book_name(line.substr(book_start, book_end - book_start)) + " " +
            std::string(line.substr(book_end, chapter_end - book_end)) + "\n\n";
      cur_key = key;
    }
    cur += verse;
    cur += ' ';
    cur += body;
    cur += '\n';
  }
  if (!cur.empty()) docs.push_back(std::move(cur));
  return docs;
}

}  // namespace own
