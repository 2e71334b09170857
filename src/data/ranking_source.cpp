#include "data/ranking_source.h"

#include "core/check.h"

namespace own {

RankingSource::RankingSource(std::vector<RankingRows> rankings, int32_t pad, uint64_t seed)
    : rankings_(std::move(rankings)), order_(rankings_.size(), seed, true), pad_(pad) {
  if (rankings_.empty()) input_error("no preference rankings to train on (all longer than --seq?)");
}

void RankingSource::next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) {
  groups_.clear();
  int64_t row = 0;
  for (;;) {
    const RankingRows& r = rankings_[order_.at(cursor_)];
    const int64_t K = static_cast<int64_t>(r.rows.size());
    if (K > B) input_error("a ranking of {} answers does not fit --batch {}; raise --batch", K, B);
    if (row + K > B) break;
    groups_.push_back(&r);
    for (const AnswerRow& a : r.rows) put_answer_row(a, row++, T, pad_, inputs, targets);
    cursor_++;
  }
  for (; row < B; row++) put_empty_row(row, T, pad_, inputs, targets);
}

}  // namespace own
