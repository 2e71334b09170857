#include "tokenizer/byte_level.h"

#include <array>
#include <cstdint>

namespace own {
namespace {

struct ByteLevelTables {
  std::array<uint32_t, 256> to_cp{};  // byte -> code point
  std::array<int16_t, 512> to_byte{};  // code point (all < 512) -> byte, or -1
  ByteLevelTables() {
    to_byte.fill(-1);
    uint32_t next = 256;
    for (uint32_t b = 0; b < 256; b++) {
      bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      to_cp[b] = printable ? b : next++;
      to_byte[to_cp[b]] = static_cast<int16_t>(b);
    }
  }
};

const ByteLevelTables& tables() {
  static const ByteLevelTables t;
  return t;
}

}  // namespace

std::string byte_level_encode(std::string_view bytes) {
  const auto& t = tables();
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    uint32_t cp = t.to_cp[b];  // < 0x800: one or two UTF-8 bytes
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

bool byte_level_decode(std::string_view text, std::string& bytes) {
  const auto& t = tables();
  bytes.clear();
  for (size_t i = 0; i < text.size();) {
    auto c0 = static_cast<unsigned char>(text[i]);
    uint32_t cp;
    if (c0 < 0x80) {
      cp = c0;
      i += 1;
    } else if ((c0 & 0xE0) == 0xC0 && i + 1 < text.size() && (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      cp = ((c0 & 0x1Fu) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3Fu);
      i += 2;
      if (cp < 0x80) return false;  // overlong encoding
    } else {
      return false;  // longer sequences are all outside the mapping
    }
    if (cp >= t.to_byte.size() || t.to_byte[cp] < 0) return false;
    bytes += static_cast<char>(t.to_byte[cp]);
  }
  return true;
}

}  // namespace own
