#include "train/answer_rows.h"

#include <algorithm>

#include "core/check.h"

namespace own {

AnswerRow answer_row(const Tokenizer& tok, std::span<const ChatMessage> prompt, const std::string& answer) {
  std::vector<ChatMessage> conv(prompt.begin(), prompt.end());
  conv.push_back({"assistant", answer});
  AnswerRow r;
  std::vector<uint8_t> is_answer;
  render_chat_masked(tok, conv, r.ids, is_answer);
  r.answer_start = static_cast<int64_t>(r.ids.size());
  while (r.answer_start > 0 && is_answer[static_cast<size_t>(r.answer_start - 1)]) r.answer_start--;
  return r;
}

void put_answer_row(const AnswerRow& r, int64_t b, int64_t T, int32_t pad, int32_t* inputs, int32_t* targets) {
  const int64_t n = static_cast<int64_t>(r.ids.size());
  if (n > T) input_error("a prompt + answer of {} tokens does not fit the sequence length {}", n, T);
  int32_t* in = inputs + b * T;
  int32_t* tg = targets + b * T;
  for (int64_t t = 0; t < T; t++) {
    in[t] = t < n ? r.ids[static_cast<size_t>(t)] : pad;
    tg[t] = t + 1 < n && t + 1 >= r.answer_start ? r.ids[static_cast<size_t>(t + 1)] : -1;
  }
}

void put_empty_row(int64_t b, int64_t T, int32_t pad, int32_t* inputs, int32_t* targets) {
  std::fill(inputs + b * T, inputs + (b + 1) * T, pad);
  std::fill(targets + b * T, targets + (b + 1) * T, -1);
}

double row_logp(const float* token_losses, int64_t b, int64_t T) {
  double s = 0.0;
  for (int64_t t = 0; t < T; t++) s -= token_losses[b * T + t];
  return s;
}

std::vector<double> answer_logps(Llama& m, const std::vector<const AnswerRow*>& rows, int32_t pad) {
  const int64_t B = m.batch(), T = m.seq();
  std::vector<int32_t> in(static_cast<size_t>(B * T)), tg(in.size());
  std::vector<double> out(rows.size());
  for (size_t r0 = 0; r0 < rows.size(); r0 += static_cast<size_t>(B)) {
    const int64_t n = std::min<int64_t>(B, static_cast<int64_t>(rows.size() - r0));
    for (int64_t b = 0; b < B; b++) {
      if (b < n) put_answer_row(*rows[r0 + static_cast<size_t>(b)], b, T, pad, in.data(), tg.data());
      else put_empty_row(b, T, pad, in.data(), tg.data());
    }
    m.forward_loss(in.data(), tg.data());
    for (int64_t b = 0; b < n; b++) out[r0 + static_cast<size_t>(b)] = row_logp(m.token_losses(), b, T);
  }
  return out;
}

}  // namespace own
