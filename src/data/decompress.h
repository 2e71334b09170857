// Decompressors for the packaged corpus files: gzip/dictzip (.gz, .dict.dz) through zlib, and
// Unix compress(1) LZW, which bible-kjv-text uses inside its block container. Whole buffers in,
// whole buffers out: the largest file (GCIDE) inflates to ~40 MB. Corrupt input is an InputError
// naming `what`; nothing here can abort.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace own {

// The most bytes one file may decompress to: files here stay under 1 GB (core/fileio.h), GCIDE,
// the largest packaged source, inflates to ~40 MB. More is a corrupt file or a decompression
// bomb (gzip ~1000:1, LZW quadratic in its input), refused before it exhausts memory.
constexpr size_t kMaxDecompressedBytes = size_t{1} << 30;

// gzip (one or more members; dictzip is plain gzip with an extra header field) or zlib data.
std::string gunzip(std::string_view bytes, const std::string& what, size_t max_out = kMaxDecompressedBytes);

// The LZW code stream of compress(1) without its 3-byte header: codes of 9..max_bits bits,
// LSB first; with block_mode, code 256 clears the table. Reproduces compress's habit of
// skipping to the end of an (n_bits * 8)-bit group whenever the code width changes.
std::string unlzw(std::string_view bytes, int max_bits, bool block_mode, const std::string& what,
                  size_t max_out = kMaxDecompressedBytes);

// read_file, then gunzip when the bytes start with the gzip magic (so .gz and .dz just work)
std::string read_file_maybe_gzip(const std::string& path);

}  // namespace own
