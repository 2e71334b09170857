// Pretraining batches from token shards: every token of the split concatenated (documents
// separated by <|bos|>), cut into windows of T+1 tokens (inputs = first T, targets = last T),
// visited in a seeded random order, a fresh order each epoch. The cursor counts windows
// consumed, so a run resumes on the exact next window.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/rng.h"
#include "data/batch_source.h"

namespace own {

class PackedSource : public BatchSource {
 public:
  // shuffle=false walks the windows in order (validation). repeat_share: the share of rows that
  // repeat their first P tokens over and over (P from 16 to T/2 per row), chosen by (seed, cursor).
  PackedSource(std::vector<int32_t> tokens, int64_t T, uint64_t seed, bool shuffle, double repeat_share = 0);
  void next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) override;
  uint64_t cursor() const override { return cursor_; }
  void seek(uint64_t c) override;
  int64_t windows() const { return n_windows_; }
  int64_t tokens() const { return static_cast<int64_t>(tokens_.size()); }

 private:
  std::vector<int32_t> tokens_;
  std::vector<int64_t> order_;  // window order for the current epoch
  int64_t T_, n_windows_;
  uint64_t seed_, cursor_ = 0, epoch_ = ~uint64_t{0};
  bool shuffle_;
  double repeat_share_;
  void set_epoch(uint64_t e);
};

// All tokens of `split` ("train" or "val") under dir, in shard order; InputError when none.
std::vector<int32_t> load_split_tokens(const std::string& shard_dir, const std::string& split, int64_t vocab_size);

}  // namespace own
