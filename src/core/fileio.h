// Whole-file reads and crash-safe writes (POSIX).
// write_file_atomic writes `<path>.tmp.<pid>`, fsyncs it, renames it over `path` and fsyncs the
// parent directory, so a reader sees the old file or the new one, never a torn one. Every failure
// (missing file, disk full, permissions) is an InputError naming the path and strerror; a failed
// write leaves no temp file behind. No mmap, no locking: files here are < 1 GB, one writer each.
// replace_dir_atomic does the same for a set of files that must agree (a checkpoint, the shards,
// the corpus splits): a reader sees the whole old set or the whole new one.
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

// Writes a directory as one unit. `fill` writes the files into `<dir>.tmp` (created empty; a
// leftover from a killed run is removed first); that is fsynced and swapped in for `dir` with
// renameat2(RENAME_EXCHANGE), so `dir` is never missing, then the old contents (now in
// `<dir>.tmp`) are removed. Where the filesystem cannot exchange, two renames via `<dir>.old`:
// a crash between them leaves only `<dir>.old` (checkpoint_load falls back to it). If `fill`
// throws, `<dir>.tmp` is removed and `dir` is untouched. The caller checks that `dir`, if it
// exists, is one it may replace.
void replace_dir_atomic(const std::string& dir, const std::function<void(const std::string& tmp_dir)>& fill);

// Test hook for the hard-stop tests: with OWNCHAT_CRASH_AFTER_COMMITS=N in the environment the
// process SIGKILLs itself right after its N-th commit (a rename that publishes a file or a
// directory), so a test can stop a run at every point where the disk changes, deterministically.
// Without the variable this does nothing.
void crash_point_after_commit();

}  // namespace own
