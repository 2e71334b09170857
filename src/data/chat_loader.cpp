#include "data/chat_loader.h"

#include "core/check.h"

namespace own {

std::vector<ChatExample> chat_examples(const Tokenizer& tok, const std::vector<Conversation>& convs, int64_t max_tokens,
                                       int64_t* too_long) {
  std::vector<ChatExample> out;
  *too_long = 0;
  for (const Conversation& c : convs) {
    ChatExample e;
    render_chat_masked(tok, c.messages, e.ids, e.is_answer);
    if (static_cast<int64_t>(e.ids.size()) > max_tokens) {
      (*too_long)++;
      continue;
    }
    out.push_back(std::move(e));
  }
  return out;
}

ChatSource::ChatSource(std::vector<ChatExample> examples, int32_t pad_id, uint64_t seed, bool shuffle, bool pack)
    : examples_(std::move(examples)), order_(examples_.size(), seed, shuffle), pad_(pad_id), pack_(pack) {
  if (examples_.empty()) input_error("no conversations to train on (all empty or longer than the sequence length?)");
}

const ChatExample& ChatSource::at(uint64_t cursor) { return examples_[order_.at(cursor)]; }

void ChatSource::next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) {
  for (int64_t b = 0; b < B; b++) {
    int32_t* in = inputs + b * T;
    int32_t* tg = targets + b * T;
    int64_t used = 0;  // tokens of the row's stream s placed so far
    for (;;) {
      const ChatExample& e = at(cursor_);
      const int64_t len = static_cast<int64_t>(e.ids.size());
      OWN_CHECK(len <= T + 1, "conversation longer than the row");
      if (used > 0 && (!pack_ || used + len > T + 1)) break;
      // s[used + i] = e.ids[i]: the input at used + i, and the target of position used + i - 1
      for (int64_t i = 0; i < len; i++) {
        const int64_t t = used + i;
        if (t < T) in[t] = e.ids[i];
        if (t > 0) tg[t - 1] = e.is_answer[i] ? e.ids[i] : -1;
      }
      used += len;
      cursor_++;
    }
    for (int64_t t = used; t < T; t++) in[t] = pad_;
    for (int64_t t = std::max<int64_t>(used - 1, 0); t < T; t++) tg[t] = -1;
  }
}

}  // namespace own
