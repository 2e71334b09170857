#include "data/answer_rows.h"

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
  while (r.answer_start > 0 && is_answer[r.answer_start - 1]) r.answer_start--;
  return r;
}

void put_answer_row(const AnswerRow& r, int64_t b, int64_t T, int32_t pad, int32_t* inputs, int32_t* targets) {
  const int64_t n = static_cast<int64_t>(r.ids.size());
  if (n > T) input_error("a prompt + answer of {} tokens does not fit the sequence length {}", n, T);
  int32_t* in = inputs + b * T;
  int32_t* tg = targets + b * T;
  for (int64_t t = 0; t < T; t++) {
    in[t] = t < n ? r.ids[t] : pad;
    tg[t] = t + 1 < n && t + 1 >= r.answer_start ? r.ids[t + 1] : -1;
  }
}

void put_empty_row(int64_t b, int64_t T, int32_t pad, int32_t* inputs, int32_t* targets) {
  std::fill(inputs + b * T, inputs + (b + 1) * T, pad);
  std::fill(targets + b * T, targets + (b + 1) * T, -1);
}

}  // namespace own
