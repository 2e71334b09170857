#include "data/shards.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/check.h"
#include "core/fileio.h"

namespace own {
namespace {

constexpr char kMagic[8] = {'O', 'W', 'N', 'S', 'H', 'A', 'R', 'D'};

struct Header {
  char magic[8];
  uint32_t version, width;
  uint64_t tokens, documents, vocab;
  uint8_t reserved[24];
};
static_assert(sizeof(Header) == 64);

}  // namespace

ShardWriter::ShardWriter(std::string path, int64_t vocab_size)
    : path_(std::move(path)), vocab_(vocab_size), width_(vocab_size <= 65536 ? 2 : 4) {
  tmp_ = path_ + ".tmp." + std::to_string(::getpid());
  f_ = std::fopen(tmp_.c_str(), "wb");
  if (!f_) input_error("{}: cannot create: {}", tmp_, std::strerror(errno));
  Header h{};
  if (std::fwrite(&h, sizeof h, 1, f_) != 1) input_error("{}: write failed: {}", tmp_, std::strerror(errno));
}

ShardWriter::~ShardWriter() {
  if (f_) {
    std::fclose(f_);
    std::remove(tmp_.c_str());
  }
}

void ShardWriter::add_document(const int32_t* tokens, int64_t n) {
  OWN_CHECK(f_, "add_document after finish");
  buf_.resize(static_cast<size_t>(n) * width_);
  for (int64_t i = 0; i < n; i++) {
    OWN_CHECK(tokens[i] >= 0 && tokens[i] < vocab_, "token {} outside vocab {}", tokens[i], vocab_);
    uint32_t t = static_cast<uint32_t>(tokens[i]);
    std::memcpy(buf_.data() + static_cast<size_t>(i) * width_, &t, width_);  // little-endian host
  }
  if (n > 0 && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
    input_error("{}: write failed (disk full?): {}", tmp_, std::strerror(errno));
  tokens_ += n;
  docs_++;
}

void ShardWriter::finish() {
  Header h{};
  std::memcpy(h.magic, kMagic, 8);
  h.version = kShardVersion;
  h.width = width_;
  h.tokens = static_cast<uint64_t>(tokens_);
  h.documents = static_cast<uint64_t>(docs_);
  h.vocab = static_cast<uint64_t>(vocab_);
  bool ok = std::fseek(f_, 0, SEEK_SET) == 0 && std::fwrite(&h, sizeof h, 1, f_) == 1 && std::fflush(f_) == 0 &&
            ::fsync(::fileno(f_)) == 0;
  int err = errno;
  ok = std::fclose(f_) == 0 && ok;
  f_ = nullptr;
  if (!ok || std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::remove(tmp_.c_str());
    input_error("{}: cannot write shard: {}", path_, std::strerror(err ? err : errno));
  }
  fsync_dir(std::filesystem::path(path_).parent_path().string());
  crash_point_after_commit();
}

Shard shard_read(const std::string& path, int64_t expected_vocab) {
  std::string bytes = read_file(path);
  const char* how = "regenerate it with `ownchat data tokenize`";
  if (bytes.size() < sizeof(Header)) input_error("{}: {} bytes, too short for a shard header; {}", path, bytes.size(), how);
  Header h;
  std::memcpy(&h, bytes.data(), sizeof h);
  if (std::memcmp(h.magic, kMagic, 8) != 0) input_error("{}: not an ownchat token shard (bad magic); {}", path, how);
  if (h.version != kShardVersion)
    input_error("{}: shard version {} is not supported (expected {}); {}", path, h.version, kShardVersion, how);
  if (h.width != 2 && h.width != 4) input_error("{}: bad token width {}; {}", path, h.width, how);
  uint64_t want = sizeof(Header) + h.tokens * h.width;
  if (bytes.size() != want)
    input_error("{}: truncated or padded: header says {} tokens ({} bytes), file has {} bytes; {}", path, h.tokens,
                want, bytes.size(), how);
  if (expected_vocab > 0 && static_cast<int64_t>(h.vocab) != expected_vocab)
    input_error("{}: made with a vocabulary of {} tokens, the tokenizer has {}; {}", path, h.vocab, expected_vocab, how);
  Shard s;
  s.path = path;
  s.tokens = static_cast<int64_t>(h.tokens);
  s.documents = static_cast<int64_t>(h.documents);
  s.vocab_size = static_cast<int64_t>(h.vocab);
  s.ids.resize(h.tokens);
  const uint8_t* p = reinterpret_cast<const uint8_t*>(bytes.data()) + sizeof(Header);
  for (uint64_t i = 0; i < h.tokens; i++) {
    uint32_t t = 0;
    std::memcpy(&t, p + i * h.width, h.width);
    if (t >= h.vocab) input_error("{}: token {} at index {} is outside the vocabulary of {}; {}", path, t, i, h.vocab, how);
    s.ids[i] = static_cast<int32_t>(t);
  }
  return s;
}

std::vector<std::string> shard_list(const std::string& dir, const std::string& split) {
  std::vector<std::string> out;
  for (int i = 0;; i++) {
    char name[64];
    std::snprintf(name, sizeof name, "%s_%03d.bin", split.c_str(), i);
    std::filesystem::path p = std::filesystem::path(dir) / name;
    if (!std::filesystem::exists(p)) break;
    out.push_back(p.string());
  }
  return out;
}

}  // namespace own
