// The reward model's batches: whole rankings (data/pref_rows.h), as many as fit in B rows, the
// rest of the batch padding. Which rankings the last batch holds, and at which rows, is what the
// ranking objective (train/ranking_objective.h) reads the scores at.
#pragma once
#include <cstdint>
#include <vector>

#include "core/epoch_order.h"
#include "data/batch_source.h"
#include "data/pref_rows.h"

namespace own {

// The cursor counts rankings consumed.
class RankingSource : public BatchSource {
 public:
  RankingSource(std::vector<RankingRows> rankings, int32_t pad, uint64_t seed);
  int64_t size() const { return static_cast<int64_t>(rankings_.size()); }
  uint64_t cursor() const override { return cursor_; }
  void seek(uint64_t c) override { cursor_ = c; }
  void next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) override;
  // the rankings of the last batch, in row order: ranking g starts at the row after g - 1's
  const std::vector<const RankingRows*>& batch() const { return groups_; }

 private:
  std::vector<RankingRows> rankings_;
  EpochOrder order_;
  int32_t pad_;
  uint64_t cursor_ = 0;
  std::vector<const RankingRows*> groups_;
};

}  // namespace own
