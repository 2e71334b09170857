#include "serve/store_ids.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <stdexcept>

namespace own {

namespace {

void random_bytes(unsigned char* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
}

std::string hex(const unsigned char* p, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; i++) {
    s[2 * i] = digits[p[i] >> 4];
    s[2 * i + 1] = digits[p[i] & 15];
  }
  return s;
}

}  // namespace

std::string sha256_hex(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(s.data(), s.size(), md, &n, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL SHA-256 failed");
  return hex(md, n);
}

// bytes >= 248 are redrawn so each character is uniform
std::string new_api_key() {
  static constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string key(kKeyStart);
  while (key.size() < kKeyStart.size() + kKeyRandomChars) {
    unsigned char buf[64];
    random_bytes(buf, sizeof(buf));
    for (unsigned char c : buf)
      if (c < 248 && key.size() < kKeyStart.size() + kKeyRandomChars) key += alphabet[c % 62];
  }
  return key;
}

std::string random_uuid() {
  unsigned char b[16];
  random_bytes(b, sizeof(b));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string h = hex(b, sizeof(b));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

}  // namespace own
