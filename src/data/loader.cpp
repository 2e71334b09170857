#include "data/loader.h"

#include "core/check.h"
#include "data/shards.h"

namespace own {

PackedSource::PackedSource(std::vector<int32_t> tokens, int64_t T, uint64_t seed, bool shuffle, double repeat_share)
    : tokens_(std::move(tokens)), T_(T), seed_(seed), shuffle_(shuffle), repeat_share_(repeat_share) {
  if (repeat_share < 0 || repeat_share > 1) input_error("--repeat-share must be in [0, 1], got {}", repeat_share);
  n_windows_ = T > 0 ? (static_cast<int64_t>(tokens_.size()) - 1) / T : 0;
  if (n_windows_ <= 0)
    input_error("the data has {} tokens, fewer than one window of {} + 1; use a smaller --seq or more data",
                tokens_.size(), T);
  seek(0);
}

void PackedSource::set_epoch(uint64_t e) {
  if (e == epoch_) return;
  epoch_ = e;
  order_.resize(static_cast<size_t>(n_windows_));
  for (int64_t i = 0; i < n_windows_; i++) order_[i] = i;
  if (!shuffle_) return;
  Rng rng(seed_ * 0x9E3779B97F4A7C15ull + e);
  for (int64_t i = n_windows_ - 1; i > 0; i--)
    std::swap(order_[i], order_[rng.below(static_cast<uint64_t>(i + 1))]);
}

void PackedSource::seek(uint64_t c) {
  cursor_ = c;
  set_epoch(c / static_cast<uint64_t>(n_windows_));
}

void PackedSource::next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) {
  OWN_CHECK(T == T_, "PackedSource built for T={}, asked for {}", T_, T);
  for (int64_t b = 0; b < B; b++) {
    set_epoch(cursor_ / static_cast<uint64_t>(n_windows_));
    int64_t w = order_[cursor_ % static_cast<uint64_t>(n_windows_)];
    const int32_t* src = tokens_.data() + w * T;
    Rng pick(seed_ ^ (cursor_ * 0xD1B54A32D192ED03ull));
    if (repeat_share_ > 0 && T >= 4 && pick.uniform() < repeat_share_) {
      // A repeat row: the window's first P tokens, over and over. Past the first period every
      // target is predictable by copying what followed the same token P positions back: practice
      // for in-context copying, which natural text repeats too seldom to teach a small model in
      // a few million tokens. P varies by row (16 .. T/2), so the copy must find its source by
      // content (an induction head), not at a fixed distance.
      // row: (T + 1) tokens, row[i] = src[i % P]; inputs row[0, T), targets row[1, T]
      const int64_t lo = std::min<int64_t>(16, T / 2), P = lo + static_cast<int64_t>(pick.below(T / 2 - lo + 1));
      for (int64_t i = 0; i < T; i++) {
        inputs[b * T + i] = src[i % P];
        targets[b * T + i] = src[(i + 1) % P];
      }
    } else {
      std::copy(src, src + T, inputs + b * T);
      std::copy(src + 1, src + T + 1, targets + b * T);
    }
    cursor_++;
  }
}

std::vector<int32_t> load_split_tokens(const std::string& shard_dir, const std::string& split, int64_t vocab_size) {
  std::vector<std::string> files = shard_list(shard_dir, split);
  if (files.empty())
    input_error("no {} shards in {} (expected {}_000.bin); run `ownchat data tokenize` first", split, shard_dir, split);
  std::vector<int32_t> all;
  for (const auto& f : files) {
    Shard s = shard_read(f, vocab_size);
    all.insert(all.end(), s.ids.begin(), s.ids.end());
  }
  return all;
}

}  // namespace own
