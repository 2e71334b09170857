#include "train/ranking_accuracy.h"

#include "train/pref_loss.h"

namespace own {

RankingAccuracy ranking_accuracy(RewardScorer& rm, const std::vector<RankingRows>& rankings) {
  std::vector<AnswerRow> rows;
  for (const RankingRows& r : rankings) rows.insert(rows.end(), r.rows.begin(), r.rows.end());
  const std::vector<float> s = rm.score(rows);
  RankingAccuracy a;
  double right = 0;
  int64_t refs = 0;
  std::map<std::string, std::pair<double, int64_t>> sum_by_kind;
  size_t at = 0;
  for (const RankingRows& r : rankings) {
    const float* rs = s.data() + at;
    const int K = static_cast<int>(r.rows.size());
    a.reference_reward += rs[0];
    refs++;
    for (int k = 0; k < K; k++) {
      auto& [sum, count] = sum_by_kind[r.kinds[k]];
      sum += rs[k];
      count++;
    }
    for (int i = 0; i < K; i++)
      for (int j = i + 1; j < K; j++) {
        auto& [ok, n] = a.by_kind[r.kinds[j]];
        const double got = pair_win(rs[i], rs[j]);
        ok += got;
        right += got;
        n++;
        a.pairs++;
      }
    at += static_cast<size_t>(K);
  }
  a.accuracy = a.pairs > 0 ? right / static_cast<double>(a.pairs) : 0.0;
  a.reference_reward = refs > 0 ? a.reference_reward / static_cast<double>(refs) : 0.0;
  for (const auto& [kind, sc] : sum_by_kind) a.reward_by_kind[kind] = sc.first / static_cast<double>(sc.second);
  return a;
}

}  // namespace own
