// Slot-based KV cache: n_slots fixed regions, each holding up to `capacity` positions of one
// sequence for every layer (layouts in kernels/kv_attention.h). A sequence owns one slot from
// admission to retirement; freeing a slot is O(1) and its contents are simply overwritten by the
// next owner. Memory: 2 * L * n_slots * capacity * Hkv * D floats, allocated once.
#pragma once
#include <cstdint>

#include "core/huge_buffer.h"
#include "model/config.h"

namespace own {

class KvCache {
 public:
  KvCache(const ModelConfig& c, int64_t n_slots, int64_t capacity);
  int64_t n_slots() const { return n_slots_; }
  int64_t capacity() const { return cap_; }  // positions per slot, a multiple of kKvBlock
  int64_t bytes() const { return static_cast<int64_t>(k_.bytes() + v_.bytes()); }
  float* keys(int64_t layer, int64_t slot) { return k_.as<float>() + region(layer, slot); }
  float* values(int64_t layer, int64_t slot) { return v_.as<float>() + region(layer, slot); }

 private:
  int64_t n_slots_, cap_, region_;  // region_: floats per (layer, slot)
  HugeBuffer k_, v_;
  int64_t region(int64_t layer, int64_t slot) const { return (layer * n_slots_ + slot) * region_; }
};

}  // namespace own
