// Whole-file reads and crash-safe writes: see fileio.h for the guarantees.
// POSIX calls (open/fstat/fsync/rename) rather than iostreams, so every failure carries errno.
// The temp name includes the pid so two processes writing the same path never share a temp file.
#include "core/fileio.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
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
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) input_error("{}: cannot open directory to fsync: {}", dir, errno_text(errno));
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) input_error("{}: fsync of directory failed: {}", dir, errno_text(err));
}

}  // namespace own
