// Random ids and API keys for the store, and the SHA-256 a key is stored as (OpenSSL).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace own {

inline constexpr std::string_view kKeyStart = "sk-own-";
inline constexpr size_t kKeyRandomChars = 32;
inline constexpr size_t kKeyPrefixChars = 12;

// 122 random bits in the UUID v4 layout
std::string random_uuid();
// sk-own- + 32 base62 characters (~190 bits)
std::string new_api_key();
std::string sha256_hex(std::string_view s);

}  // namespace own
