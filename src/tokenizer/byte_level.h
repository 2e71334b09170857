// GPT-2's byte <-> visible-character mapping (HF "ByteLevel"): every byte gets a printable
// Unicode character, so byte-level BPE tokens can be stored as JSON strings. Printable
// Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') map to themselves, the other 68 bytes to
// U+0100 upwards in byte order (space -> 'Ġ' U+0120, '\n' -> 'Ċ' U+010A).
#pragma once
#include <string>
#include <string_view>

namespace own {

// Token bytes -> its byte-level string (UTF-8).
std::string byte_level_encode(std::string_view bytes);
// Byte-level string -> bytes; false if it holds a character outside the mapping (or bad UTF-8).
bool byte_level_decode(std::string_view text, std::string& bytes);

}  // namespace own
