#include "data/loader.h"

#include "core/check.h"
#include "data/shards.h"

namespace own {

PackedSource::PackedSource(std::vector<int32_t> tokens, int64_t T, uint64_t seed, bool shuffle)
    : tokens_(std::move(tokens)), T_(T), seed_(seed), shuffle_(shuffle) {
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
    std::copy(src, src + T, inputs + b * T);
    std::copy(src + 1, src + T + 1, targets + b * T);
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
