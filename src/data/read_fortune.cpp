// fortune(6) files: plain text, one entry per block, blocks separated by a line "%". The .dat
// index files beside them are not needed.
#include "data/clean.h"
#include "data/readers.h"

namespace own {

std::vector<std::string> fortune_documents(std::string_view text) {
  std::vector<std::string> docs;
  std::string cur;
  auto flush = [&] {
    if (!trim(cur).empty()) docs.push_back(std::move(cur));
    cur.clear();
  };
  for (std::string_view line : split_lines(text)) {
    std::string_view t = line;
    if (!t.empty() && t.back() == '\r') t.remove_suffix(1);
    if (t == "%" || t == "%%") {
      flush();
      continue;
    }
    cur += line;
    cur += '\n';
  }
  flush();
  return docs;
}

}  // namespace own
