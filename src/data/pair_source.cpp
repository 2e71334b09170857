#include "data/pair_source.h"

#include "core/check.h"

namespace own {

std::vector<AnswerPair> all_pairs(const std::vector<RankingRows>& rankings) {
  std::vector<AnswerPair> out;
  for (const RankingRows& r : rankings)
    for (size_t i = 0; i < r.rows.size(); i++)
      for (size_t j = i + 1; j < r.rows.size(); j++) out.push_back({&r.rows[i], &r.rows[j]});
  return out;
}

void put_pairs(const std::vector<AnswerPair>& pairs, const std::vector<uint64_t>& idx, int64_t B, int64_t T,
               int32_t pad, int32_t* inputs, int32_t* targets) {
  for (int64_t b = 0; b < B; b++) {
    const size_t p = static_cast<size_t>(b / 2);
    if (p < idx.size()) {
      const AnswerPair& ap = pairs[idx[p]];
      put_answer_row(b % 2 == 0 ? *ap.chosen : *ap.rejected, b, T, pad, inputs, targets);
    } else {
      put_empty_row(b, T, pad, inputs, targets);
    }
  }
}

PairSource::PairSource(std::vector<AnswerPair> pairs, int32_t pad, uint64_t seed)
    : pairs_(std::move(pairs)), order_(pairs_.size(), seed, true), pad_(pad) {
  if (pairs_.empty()) input_error("no preference pairs to train on (all longer than --seq?)");
}

void PairSource::next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) {
  if (B < 2) input_error("--batch must be at least 2 (a chosen and a rejected answer)");
  idx_.clear();
  for (int64_t p = 0; p < B / 2; p++) idx_.push_back(order_.at(cursor_++));
  put_pairs(pairs_, idx_, B, T, pad_, inputs, targets);
}

}  // namespace own
