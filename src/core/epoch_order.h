// The order a resumable data source visits its n items in: epoch by epoch, each epoch a fresh
// seeded permutation (or the identity when not shuffling). A cursor (items consumed so far) is
// the whole position, so it is what a checkpoint saves.
#pragma once
#include <cstdint>
#include <numeric>
#include <vector>

#include "core/rng.h"

namespace own {

class EpochOrder {
 public:
  EpochOrder(uint64_t n, uint64_t seed, bool shuffle) : n_(n), seed_(seed), shuffle_(shuffle) {}
  // index of the item at `cursor` (n > 0)
  uint64_t at(uint64_t cursor) {
    const uint64_t epoch = cursor / n_;
    if (epoch != epoch_) {
      order_.resize(n_);
      std::iota(order_.begin(), order_.end(), uint64_t{0});
      if (shuffle_) {
        Rng r(seed_ * 0x9E3779B97F4A7C15ull + epoch);
        for (uint64_t i = n_; i > 1; i--) std::swap(order_[i - 1], order_[r.below(i)]);
      }
      epoch_ = epoch;
    }
    return order_[cursor % n_];
  }

 private:
  uint64_t n_, seed_, epoch_ = ~uint64_t{0};
  bool shuffle_;
  std::vector<uint64_t> order_;
};

}  // namespace own
