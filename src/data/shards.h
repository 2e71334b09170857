// Token shards: a tokenized corpus split in files of at most ~100M tokens.
// Format (ours, so it has a magic and a version; STYLE.md §9), little-endian:
//   64-byte header: "OWNSHARD" | u32 version (1) | u32 bytes per token (2 or 4) |
//                   u64 tokens | u64 documents | u64 vocab size | 24 reserved zero bytes
//   then `tokens` token ids. Every document starts with the tokenizer's <|bos|>.
// One writer (streaming, atomic: temp file + fsync + rename) and one reader (validates).
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace own {

constexpr uint32_t kShardVersion = 1;

class ShardWriter {
 public:
  // vocab_size decides the token width (u16 when it fits)
  ShardWriter(std::string path, int64_t vocab_size);
  ~ShardWriter();  // an unfinished shard is removed
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;
  void add_document(const int32_t* tokens, int64_t n);  // tokens already start with <|bos|>
  void finish();                                        // header, fsync, rename into place
  int64_t tokens() const { return tokens_; }

 private:
  std::string path_, tmp_;
  std::FILE* f_ = nullptr;
  int64_t vocab_, tokens_ = 0, docs_ = 0;
  uint32_t width_;
  std::vector<uint8_t> buf_;
};

struct Shard {
  std::string path;
  int64_t tokens = 0, documents = 0, vocab_size = 0;
  std::vector<int32_t> ids;  // (tokens)
};

// Reads and validates (magic, version, width, size vs header: a truncated file says so and how
// to regenerate it). expected_vocab > 0 checks the shard was made with that vocabulary.
Shard shard_read(const std::string& path, int64_t expected_vocab = 0);
// "<dir>/<split>_000.bin", "<dir>/<split>_001.bin", ... that exist, in order
std::vector<std::string> shard_list(const std::string& dir, const std::string& split);

}  // namespace own
