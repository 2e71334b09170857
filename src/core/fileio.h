// Whole-file reads and crash-safe writes (POSIX).
// write_file_atomic writes `<path>.tmp.<pid>`, fsyncs it, renames it over `path` and fsyncs the
// parent directory, so a reader sees the old file or the new one, never a torn one. Every failure
// (missing file, disk full, permissions) is an InputError naming the path and strerror; a failed
// write leaves no temp file behind. No mmap, no locking: files here are < 1 GB, one writer each.
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>

namespace own {

// The whole file as bytes. Throws InputError naming `path` and the errno text.
std::string read_file(const std::string& path);

// Streams bytes into the temp file of write_file_atomic; each write throws InputError on failure.
class FileSink {
 public:
  FileSink(std::FILE* f, const std::string& path) : f_(f), path_(path) {}
  void write(const void* data, size_t n);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  int64_t bytes_written() const { return written_; }

 private:
  std::FILE* f_;
  const std::string& path_;  // the final path, for error messages
  int64_t written_ = 0;
};

void write_file_atomic(const std::string& path, std::string_view bytes);
// For large data: `produce` writes the contents through the sink, no copy in memory. If it throws,
// the temp file is removed and the exception propagates; `path` is untouched.
void write_file_atomic(const std::string& path, const std::function<void(FileSink&)>& produce);

// fsync a directory, making renames/creations inside it durable. Throws InputError.
void fsync_dir(const std::string& dir);

}  // namespace own
