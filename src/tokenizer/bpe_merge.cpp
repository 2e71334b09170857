#include "tokenizer/bpe_merge.h"

#include <climits>
#include <cstring>
#include <functional>
#include <queue>

#include "core/check.h"

namespace own {

void PairTable::reserve(size_t n) {
  while ((mask_ + 1) < 2 * n) grow();
}

void PairTable::grow() {
  std::vector<uint64_t> old_keys = std::move(keys_);
  std::vector<PairMerge> old_vals = std::move(vals_);
  size_t cap = old_keys.size() * 2;
  keys_.assign(cap, kEmpty);
  vals_.assign(cap, PairMerge{});
  mask_ = cap - 1;
  shift_--;
  for (size_t i = 0; i < old_keys.size(); i++) {
    if (old_keys[i] == kEmpty) continue;
    uint64_t j = slot(old_keys[i]);
    while (keys_[j] != kEmpty) j = (j + 1) & mask_;
    keys_[j] = old_keys[i];
    vals_[j] = old_vals[i];
  }
}

bool PairTable::insert(int32_t left, int32_t right, PairMerge m) {
  if (2 * (size_ + 1) > mask_ + 1) grow();  // load factor <= 1/2
  uint64_t key = pack(left, right);
  uint64_t i = slot(key);
  for (; keys_[i] != kEmpty; i = (i + 1) & mask_) {
    if (keys_[i] == key) return false;
  }
  keys_[i] = key;
  vals_[i] = m;
  size_++;
  return true;
}

void bpe_merge_small(std::string_view chunk, const int32_t* byte_id, const PairTable& pairs,
                     std::vector<int32_t>& out) {
  const size_t n0 = chunk.size();
  OWN_CHECK(n0 <= kBpeSmallMax, "chunk of {} bytes on the small path", n0);
  int32_t id[kBpeSmallMax], rank[kBpeSmallMax], merged[kBpeSmallMax];  // rank[i]: pair (i, i+1)
  for (size_t i = 0; i < n0; i++) id[i] = byte_id[static_cast<unsigned char>(chunk[i])];
  auto set_rank = [&](size_t i) {
    const PairMerge* m = pairs.find(id[i], id[i + 1]);
    rank[i] = m ? m->rank : INT32_MAX;
    merged[i] = m ? m->id : -1;
  };
  size_t n = n0;
  for (size_t i = 0; i + 1 < n; i++) set_rank(i);
  while (n > 1) {
    size_t best = 0;
    for (size_t i = 1; i + 1 < n; i++) {
      if (rank[i] < rank[best]) best = i;
    }
    if (rank[best] == INT32_MAX) break;
    id[best] = merged[best];
    size_t tail = n - (best + 2);  // symbols after the absorbed one
    std::memmove(id + best + 1, id + best + 2, tail * sizeof(int32_t));
    std::memmove(rank + best + 1, rank + best + 2, tail * sizeof(int32_t));
    std::memmove(merged + best + 1, merged + best + 2, tail * sizeof(int32_t));
    n--;
    if (best + 1 < n) set_rank(best);
    if (best > 0) set_rank(best - 1);
  }
  out.insert(out.end(), id, id + n);
}

void bpe_merge_heap(std::string_view chunk, const int32_t* byte_id, const PairTable& pairs,
                    std::vector<int32_t>& out) {
  const size_t n = chunk.size();
  OWN_CHECK(n < (size_t{1} << 32), "chunk of {} bytes is too long", n);
  // nodes are byte positions; a merge keeps the left node and unlinks the right one
  std::vector<int32_t> id(n);
  std::vector<uint32_t> next(n), prev(n);
  const auto none = static_cast<uint32_t>(n);
  for (size_t i = 0; i < n; i++) {
    id[i] = byte_id[static_cast<unsigned char>(chunk[i])];
    next[i] = static_cast<uint32_t>(i + 1);
    prev[i] = i == 0 ? none : static_cast<uint32_t>(i - 1);
  }
  // (rank << 32 | node): smallest rank first, then leftmost; entries go stale and are
  // re-validated on pop by looking the pair up again
  std::priority_queue<uint64_t, std::vector<uint64_t>, std::greater<>> heap;
  auto push = [&](uint32_t node) {
    if (node == none || next[node] == none) return;
    const PairMerge* m = pairs.find(id[node], id[next[node]]);
    if (m) heap.push((static_cast<uint64_t>(m->rank) << 32) | node);
  };
  for (size_t i = 0; i + 1 < n; i++) push(static_cast<uint32_t>(i));
  while (!heap.empty()) {
    uint64_t top = heap.top();
    heap.pop();
    auto node = static_cast<uint32_t>(top & 0xFFFFFFFFu);
    auto rank = static_cast<int32_t>(top >> 32);
    if (id[node] < 0 || next[node] == none) continue;  // node absorbed, or now last
    const PairMerge* m = pairs.find(id[node], id[next[node]]);
    if (!m || m->rank != rank) continue;  // stale
    uint32_t right = next[node];
    id[node] = m->id;
    id[right] = -1;
    next[node] = next[right];
    if (next[right] != none) prev[next[right]] = node;
    push(prev[node]);
    push(node);
  }
  for (size_t i = 0; i < n; i++) {
    if (id[i] >= 0) out.push_back(id[i]);
  }
}

void bpe_merge_append(std::string_view chunk, const int32_t* byte_id, const PairTable& pairs,
                      std::vector<int32_t>& out) {
  if (chunk.size() <= kBpeSmallMax) {
    bpe_merge_small(chunk, byte_id, pairs, out);
  } else {
    bpe_merge_heap(chunk, byte_id, pairs, out);
  }
}

uint64_t hash_bytes(std::string_view s) {
  // 8 bytes at a time, multiply-xorshift mixing; fine for hash tables, not for adversaries
  constexpr uint64_t k = 0x9E3779B97F4A7C15ull;
  uint64_t h = s.size() * k;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * k;
    h ^= h >> 29;
  }
  uint64_t w = 0;
  std::memcpy(&w, s.data() + i, s.size() - i);
  h = (h ^ w) * k;
  h ^= h >> 32;
  return h;
}

}  // namespace own
