// gzip via zlib's inflate (auto-detecting gzip/zlib headers, looping over concatenated members),
// and a small compress(1) LZW decoder written from the format's description.
#include "data/decompress.h"

#include <zlib.h>

#include <algorithm>
#include <vector>

#include "core/check.h"
#include "core/fileio.h"

namespace own {

namespace {

[[noreturn]] void too_large(const std::string& what, size_t max_out) {
  input_error("{}: decompresses to more than {} bytes (the limit): a corrupt file or a decompression bomb", what,
              max_out);
}

}  // namespace

std::string gunzip(std::string_view bytes, const std::string& what, size_t max_out) {
  std::string out;
  out.reserve(std::min(bytes.size() * 3, max_out));
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) input_error("{}: cannot initialise zlib", what);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  char buf[1 << 16];
  while (true) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof(buf);
    int rc = inflate(&zs, Z_NO_FLUSH);
    if (out.size() + (sizeof(buf) - zs.avail_out) > max_out) {
      inflateEnd(&zs);
      too_large(what, max_out);
    }
    out.append(buf, sizeof(buf) - zs.avail_out);
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
      inflateEnd(&zs);
      input_error("{}: truncated gzip data (ends after {} decompressed bytes); reinstall the package", what,
                  out.size());
    }
    std::string msg = zs.msg ? zs.msg : "error " + std::to_string(rc);
    inflateEnd(&zs);
    input_error("{}: corrupt gzip data ({}); reinstall the package", what, msg);
  }
  inflateEnd(&zs);
  return out;
}

std::string unlzw(std::string_view bytes, int max_bits, bool block_mode, const std::string& what, size_t max_out) {
  if (max_bits < 9 || max_bits > 16) input_error("{}: LZW data with {}-bit codes; expected 9..16", what, max_bits);
  const size_t table_size = size_t{1} << max_bits;
  std::vector<uint16_t> prefix(table_size);
  std::vector<uint8_t> suffix(table_size);
  for (size_t c = 0; c < 256; ++c) suffix[c] = static_cast<uint8_t>(c);
  const size_t first_free = block_mode ? 257 : 256;
  size_t free_code = first_free;
  int n_bits = 9;
  const uint64_t total_bits = static_cast<uint64_t>(bytes.size()) * 8;
  uint64_t bit = 0, group_start = 0;
  int64_t old = -1;
  uint8_t first_char = 0;
  std::string out;
  out.reserve(std::min(bytes.size() * 3, max_out));
  std::string stack;
  // compress reads codes in groups of n_bits bytes (8 codes); a width change drops the rest
  auto skip_to_group_end = [&] {
    uint64_t group = static_cast<uint64_t>(n_bits) * 8;
    bit = group_start + (bit - group_start + group - 1) / group * group;
    group_start = bit;
  };
  while (bit + static_cast<uint64_t>(n_bits) <= total_bits) {
    size_t byte = static_cast<size_t>(bit >> 3);
    uint32_t window = 0;
    for (size_t k = 0; k < 3 && byte + k < bytes.size(); ++k)
      window |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[byte + k])) << (8 * k);
    size_t code = (window >> (bit & 7)) & ((1u << n_bits) - 1);
    bit += static_cast<uint64_t>(n_bits);
    if (block_mode && code == 256) {
      skip_to_group_end();
      free_code = first_free;
      n_bits = 9;
      old = -1;
      continue;
    }
    if (old < 0) {
      if (code > 255) input_error("{}: corrupt LZW data (first code {} at bit {})", what, code, bit);
      first_char = static_cast<uint8_t>(code);
      if (out.size() + 1 > max_out) too_large(what, max_out);
      out += static_cast<char>(first_char);
      old = static_cast<int64_t>(code);
      continue;
    }
    if (code > free_code) input_error("{}: corrupt LZW data (code {} > next free {} at bit {})", what, code, free_code, bit);
    size_t in_code = code;
    stack.clear();
    if (code == free_code) {  // the KwKwK case: the code being defined right now
      stack += static_cast<char>(first_char);
      code = static_cast<size_t>(old);
    }
    while (code >= 256) {
      stack += static_cast<char>(suffix[code]);
      code = prefix[code];
    }
    first_char = static_cast<uint8_t>(code);
    stack += static_cast<char>(first_char);
    if (out.size() + stack.size() > max_out) too_large(what, max_out);
    out.append(stack.rbegin(), stack.rend());
    if (free_code < table_size) {
      prefix[free_code] = static_cast<uint16_t>(old);
      suffix[free_code] = first_char;
      ++free_code;
    }
    old = static_cast<int64_t>(in_code);
    if (free_code > (size_t{1} << n_bits) - 1 && n_bits < max_bits) {
      skip_to_group_end();
      ++n_bits;
    }
  }
  return out;
}

std::string read_file_maybe_gzip(const std::string& path) {
  std::string bytes = read_file(path);
  if (bytes.size() >= 2 && static_cast<uint8_t>(bytes[0]) == 0x1F && static_cast<uint8_t>(bytes[1]) == 0x8B)
    return gunzip(bytes, path);
  return bytes;
}

}  // namespace own
