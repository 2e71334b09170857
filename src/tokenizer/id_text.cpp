#include "tokenizer/id_text.h"

#include <charconv>

#include "core/check.h"

namespace own {

std::vector<int32_t> parse_token_ids(std::string_view text, std::string_view source) {
  std::vector<int32_t> ids;
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; };
  size_t i = 0;
  while (true) {
    while (i < text.size() && is_space(text[i])) i++;
    if (i >= text.size()) break;
    size_t end = i;
    while (end < text.size() && !is_space(text[end])) end++;
    std::string_view word = text.substr(i, end - i);
    int32_t id = 0;
    auto [ptr, ec] = std::from_chars(word.data(), word.data() + word.size(), id);
    if (ec != std::errc() || ptr != word.data() + word.size()) {
      std::string shown(word.substr(0, 40));
      input_error("{}: token {} (\"{}\"): not a decimal token id{}", source, ids.size(), shown,
                  ec == std::errc::result_out_of_range ? " (out of range)" : "");
    }
    ids.push_back(id);
    i = end;
  }
  return ids;
}

void append_token_ids_text(std::span<const int32_t> ids, std::string& out) {
  char buf[16];
  out.reserve(out.size() + ids.size() * 6);
  for (size_t i = 0; i < ids.size(); i++) {
    if (i) out += ' ';
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ids[i]);
    out.append(buf, end);
  }
}

}  // namespace own
