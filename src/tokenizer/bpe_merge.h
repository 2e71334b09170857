// The BPE merge loop for one pre-token chunk, and the pair table it looks merges up in.
// A merge (left id, right id) -> (rank, merged id); the loop repeatedly applies the adjacent
// pair with the lowest rank, leftmost on ties, until none applies. That is both HF's BPE
// (rank = position in the merge list) and tiktoken's (rank = the merged token's id, with
// every split of every token in the table). Short chunks use an O(n^2) scan over a small
// array (fastest for n <= 64); longer ones a heap over a linked list, O(n log n).
#pragma once
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace own {

struct PairMerge {
  int32_t rank;
  int32_t id;  // the merged token
};

// Open addressing, linear probing, keys (left << 32 | right). Built once, then read-only.
class PairTable {
 public:
  void reserve(size_t n);
  // false if the pair is already present (the old value is kept)
  bool insert(int32_t left, int32_t right, PairMerge m);
  const PairMerge* find(int32_t left, int32_t right) const {
    uint64_t key = pack(left, right);
    for (uint64_t i = slot(key);; i = (i + 1) & mask_) {
      if (keys_[i] == key) return &vals_[i];
      if (keys_[i] == kEmpty) return nullptr;
    }
  }
  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static uint64_t pack(int32_t l, int32_t r) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(l)) << 32) | static_cast<uint32_t>(r);
  }
  uint64_t slot(uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }
  void grow();
  std::vector<uint64_t> keys_ = std::vector<uint64_t>(16, kEmpty);
  std::vector<PairMerge> vals_ = std::vector<PairMerge>(16);
  uint64_t mask_ = 15;
  int shift_ = 60;
  size_t size_ = 0;
};

// Appends the ids of `chunk` to `out`. byte_id maps each byte to its single-byte token.
void bpe_merge_append(std::string_view chunk, const int32_t* byte_id, const PairTable& pairs,
                      std::vector<int32_t>& out);

// The two strategies, exposed so tests can check them against each other on any length.
void bpe_merge_small(std::string_view chunk, const int32_t* byte_id, const PairTable& pairs,
                     std::vector<int32_t>& out);  // chunk.size() <= kBpeSmallMax
void bpe_merge_heap(std::string_view chunk, const int32_t* byte_id, const PairTable& pairs,
                    std::vector<int32_t>& out);
inline constexpr size_t kBpeSmallMax = 64;

// A 64-bit hash of a byte string (for the chunk cache and token lookups).
uint64_t hash_bytes(std::string_view s);

}  // namespace own
