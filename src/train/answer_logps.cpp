#include "train/answer_logps.h"

#include <algorithm>

namespace own {

double row_logp(const float* token_losses, int64_t b, int64_t T) {
  double s = 0.0;
  for (int64_t t = 0; t < T; t++) s -= token_losses[b * T + t];
  return s;
}

int64_t row_tokens(const int32_t* targets, int64_t b, int64_t T) {
  int64_t n = 0;
  for (int64_t t = 0; t < T; t++) n += targets[b * T + t] >= 0;
  return n;
}

std::vector<double> answer_logps(Llama& m, const std::vector<const AnswerRow*>& rows, int32_t pad) {
  const int64_t B = m.batch(), T = m.seq();
  std::vector<int32_t> in(static_cast<size_t>(B * T)), tg(in.size());
  std::vector<double> out(rows.size());
  for (size_t r0 = 0; r0 < rows.size(); r0 += static_cast<size_t>(B)) {
    const int64_t n = std::min<int64_t>(B, static_cast<int64_t>(rows.size() - r0));
    for (int64_t b = 0; b < B; b++) {
      if (b < n) put_answer_row(*rows[r0 + b], b, T, pad, in.data(), tg.data());
      else put_empty_row(b, T, pad, in.data(), tg.data());
    }
    m.forward_loss(in.data(), tg.data());
    for (int64_t b = 0; b < n; b++) out[r0 + b] = row_logp(m.token_losses(), b, T);
  }
  return out;
}

}  // namespace own
