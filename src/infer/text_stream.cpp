#include "infer/text_stream.h"

#include <algorithm>

#include "core/utf8.h"

namespace own {

TextStream::TextStream(std::vector<std::string> stop_strings) {
  for (auto& s : stop_strings)
    if (!s.empty()) stops_.push_back(std::move(s));
}

size_t utf8_incomplete_tail(std::string_view s) {
  // look back over at most 3 continuation bytes for the lead byte of the last character
  const size_t n = s.size();
  for (size_t back = 1; back <= std::min<size_t>(4, n); back++) {
    const auto c = static_cast<unsigned char>(s[n - back]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte
    size_t len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    return len > back && c >= 0xC2 && c <= 0xF4 ? back : 0;
  }
  return 0;
}

void TextStream::emit(size_t n, std::string& piece) {
  std::string out = pending_.substr(0, n);
  pending_.erase(0, n);
  utf8_repair(out);
  text_ += out;
  piece += out;
}

bool TextStream::push(std::string_view bytes, std::string& piece) {
  piece.clear();
  pending_ += bytes;
  size_t first = std::string::npos;
  for (const std::string& s : stops_) first = std::min(first, pending_.find(s));
  if (first != std::string::npos) {
    emit(first, piece);
    pending_.clear();
    return true;
  }
  // hold back the longest tail that is a proper prefix of some stop string
  size_t hold = 0;
  for (const std::string& s : stops_)
    for (size_t k = std::min(s.size() - 1, pending_.size()); k > hold; k--)
      if (std::string_view(pending_).ends_with(std::string_view(s).substr(0, k))) {
        hold = k;
        break;
      }
  size_t ready = pending_.size() - hold;
  ready -= utf8_incomplete_tail(std::string_view(pending_).substr(0, ready));
  emit(ready, piece);
  return false;
}

void TextStream::flush(std::string& piece) {
  piece.clear();
  emit(pending_.size(), piece);
}

}  // namespace own
