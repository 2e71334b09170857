#include "data/chat_loader.h"

#include <numeric>

#include "core/check.h"
#include "core/rng.h"

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

ChatSource::ChatSource(std::vector<ChatExample> examples, int32_t pad_id, uint64_t seed, bool shuffle)
    : examples_(std::move(examples)), pad_(pad_id), seed_(seed), shuffle_(shuffle) {
  if (examples_.empty()) input_error("no conversations to train on (all empty or longer than the sequence length?)");
}

void ChatSource::next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) {
  const uint64_t n = examples_.size();
  for (int64_t b = 0; b < B; b++, cursor_++) {
    const uint64_t epoch = cursor_ / n;
    if (epoch != epoch_) {  // the order of this epoch
      order_.resize(n);
      std::iota(order_.begin(), order_.end(), 0);
      if (shuffle_) {
        Rng r(seed_ * 0x9E3779B97F4A7C15ull + epoch);
        for (uint64_t i = n; i > 1; i--) std::swap(order_[i - 1], order_[r.below(i)]);
      }
      epoch_ = epoch;
    }
    const ChatExample& e = examples_[static_cast<size_t>(order_[cursor_ % n])];
    const int64_t len = static_cast<int64_t>(e.ids.size());
    OWN_CHECK(len <= T + 1, "conversation longer than the row");
    int32_t* in = inputs + b * T;
    int32_t* tg = targets + b * T;
    for (int64_t t = 0; t < T; t++) {
      const bool have = t + 1 < len;
      in[t] = t < len ? e.ids[static_cast<size_t>(t)] : pad_;
      tg[t] = have && e.is_answer[static_cast<size_t>(t + 1)] ? e.ids[static_cast<size_t>(t + 1)] : -1;
    }
  }
}

}  // namespace own
