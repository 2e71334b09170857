// DPO's batches: every (better, worse) pair of every ranking (data/pref_rows.h), B / 2 pairs per
// batch, row 2k the chosen answer of the batch's k-th pair and row 2k + 1 its rejected one; the
// rest is padding. Which pairs the last batch holds is what the DPO objective
// (train/dpo_objective.h) caches the reference's log-probabilities by.
#pragma once
#include <cstdint>
#include <vector>

#include "core/epoch_order.h"
#include "data/batch_source.h"
#include "data/pref_rows.h"

namespace own {

struct AnswerPair {
  const AnswerRow* chosen;
  const AnswerRow* rejected;
};

// every pair of each ranking, better first; the pairs point into `rankings`
std::vector<AnswerPair> all_pairs(const std::vector<RankingRows>& rankings);

// Row 2k is pairs[idx[k]]'s chosen answer, row 2k + 1 its rejected one; the rest is padding.
void put_pairs(const std::vector<AnswerPair>& pairs, const std::vector<uint64_t>& idx, int64_t B, int64_t T,
               int32_t pad, int32_t* inputs, int32_t* targets);

// The cursor counts pairs consumed.
class PairSource : public BatchSource {
 public:
  PairSource(std::vector<AnswerPair> pairs, int32_t pad, uint64_t seed);
  int64_t size() const { return static_cast<int64_t>(pairs_.size()); }
  uint64_t cursor() const override { return cursor_; }
  void seek(uint64_t c) override { cursor_ = c; }
  void next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) override;
  // the indices (into the pairs) of the last batch's pairs: (B / 2)
  const std::vector<uint64_t>& batch() const { return idx_; }

 private:
  std::vector<AnswerPair> pairs_;
  EpochOrder order_;
  int32_t pad_;
  uint64_t cursor_ = 0;
  std::vector<uint64_t> idx_;
};

}  // namespace own
