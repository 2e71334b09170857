// Whole-file reads and crash-safe writes: see fileio.h for the guarantees.
// POSIX calls (open/fstat/fsync/rename) rather than iostreams, so every failure carries errno.
// The temp name includes the pid so two processes writing the same path never share a temp file.
#include "core/fileio.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "core/check.h"

namespace own {

namespace {

std::string errno_text(int err) { return std::strerror(err); }

std::string parent_dir(const std::string& path) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

}  // namespace

std::string read_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) input_error("{}: cannot open: {}", path, errno_text(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    input_error("{}: cannot stat: {}", path, errno_text(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    input_error("{}: is a directory, expected a file", path);
  }
  std::string bytes(static_cast<size_t>(st.st_size), '\0');
  size_t done = 0;
  char more[65536];  // catches growth past the stat size (and pipes, whose st_size is 0)
  while (true) {
    bool into_more = done >= bytes.size();
    char* dst = into_more ? more : bytes.data() + done;
    size_t cap = into_more ? sizeof(more) : bytes.size() - done;
    ssize_t got = ::read(fd, dst, cap);
    if (got < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      input_error("{}: read failed: {}", path, errno_text(err));
    }
    if (got == 0) break;
    if (into_more) bytes.append(more, static_cast<size_t>(got));
    done += static_cast<size_t>(got);
  }
  ::close(fd);
  bytes.resize(done);
  return bytes;
}

void FileSink::write(const void* data, size_t n) {
  if (n == 0) return;
  if (std::fwrite(data, 1, n, f_) != n)
    input_error("{}: write failed after {} bytes: {}", path_, written_, errno_text(errno));
  written_ += static_cast<int64_t>(n);
}

void write_file_atomic(const std::string& path, std::string_view bytes) {
  write_file_atomic(path, [&](FileSink& sink) { sink.write(bytes); });
}

void write_file_atomic(const std::string& path, const std::function<void(FileSink&)>& produce) {
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) input_error("{}: cannot create {}: {}", path, tmp, errno_text(errno));
  try {
    FileSink sink(f, path);
    produce(sink);
    // fflush moves stdio's buffer to the kernel (ENOSPC often shows up here), fsync to the disk.
    if (std::fflush(f) != 0) input_error("{}: write failed: {}", path, errno_text(errno));
    if (::fsync(::fileno(f)) != 0) input_error("{}: fsync failed: {}", path, errno_text(errno));
    std::FILE* closing = f;
    f = nullptr;
    if (std::fclose(closing) != 0) input_error("{}: close failed: {}", path, errno_text(errno));
    if (std::rename(tmp.c_str(), path.c_str()) != 0)
      input_error("{}: cannot rename {} over it: {}", path, tmp, errno_text(errno));
  } catch (...) {
    if (f) std::fclose(f);
    std::remove(tmp.c_str());
    throw;
  }
  fsync_dir(parent_dir(path));
  crash_point_after_commit();
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) input_error("{}: cannot open directory to fsync: {}", dir, errno_text(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) input_error("{}: fsync of directory failed: {}", dir, errno_text(err));
}

namespace {

void remove_all_or_throw(const std::filesystem::path& p) {
  std::error_code ec;
  std::filesystem::remove_all(p, ec);
  if (ec) input_error("{}: cannot remove: {}", p.string(), ec.message());
}

void rename_or_throw(const std::string& from, const std::string& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0)
    input_error("cannot rename {} to {}: {}", from, to, errno_text(errno));
  crash_point_after_commit();
}

// true when the kernel swapped the two paths; false when this filesystem cannot (then nothing moved)
bool exchange_paths(const std::string& a, const std::string& b) {
  if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) {
    crash_point_after_commit();
    return true;
  }
  if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP || errno == EXDEV) return false;  // EXDEV: overlayfs
  input_error("cannot exchange {} and {}: {}", a, b, errno_text(errno));
}

}  // namespace

void replace_dir_atomic(const std::string& dir, const std::function<void(const std::string& tmp_dir)>& fill) {
  namespace fs = std::filesystem;
  fs::path clean = fs::path(dir).lexically_normal();
  if (!clean.has_filename()) clean = clean.parent_path();  // "a/b/" -> "a/b": the temp is a sibling
  const std::string final_dir = clean.string(), tmp = final_dir + ".tmp", old = final_dir + ".old";
  remove_all_or_throw(tmp);
  std::error_code ec;
  fs::create_directories(tmp, ec);
  if (ec) input_error("{}: cannot create directory: {}", tmp, ec.message());
  try {
    fill(tmp);
    fsync_dir(tmp);
  } catch (...) {
    std::error_code ignored;
    fs::remove_all(tmp, ignored);
    throw;
  }
  const std::string parent = parent_dir(final_dir);
  if (fs::exists(final_dir, ec) && exchange_paths(tmp, final_dir)) {
    fsync_dir(parent);
    remove_all_or_throw(tmp);  // the old contents
  } else {
    // Without an exchange: a crash between the two renames leaves only <dir>.old.
    if (fs::exists(final_dir, ec)) {
      remove_all_or_throw(old);
      rename_or_throw(final_dir, old);
    }
    rename_or_throw(tmp, final_dir);
    fsync_dir(parent);
  }
  remove_all_or_throw(old);  // also a leftover of an earlier crashed swap
}

void crash_point_after_commit() {
  static const long crash_after = [] {
    const char* v = std::getenv("OWNCHAT_CRASH_AFTER_COMMITS");
    return v ? std::strtol(v, nullptr, 10) : 0L;
  }();
  static long commits = 0;
  if (crash_after > 0 && ++commits == crash_after) std::raise(SIGKILL);
}

}  // namespace own
