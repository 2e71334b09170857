// Slot-based KV cache: n_slots fixed regions, each holding up to `capacity` positions of one
// sequence for every layer (layouts in kernels/kv_attention.h). A sequence owns one slot from
// admission to retirement; freeing a slot is O(1) and its contents are simply overwritten by the
// next owner. Memory: 2 * L * n_slots * capacity * Hkv * D elements (fp32 or bf16), allocated once.
#pragma once
#include <cstdint>

#include "core/huge_buffer.h"
#include "kernels/kv_attention.h"
#include "model/config.h"

namespace own {

class KvCache {
 public:
  KvCache(const ModelConfig& c, int64_t n_slots, int64_t capacity, KvType type = KvType::f32);
  int64_t n_slots() const { return n_slots_; }
  int64_t capacity() const { return cap_; }  // positions per slot, a multiple of kKvBlock
  KvType type() const { return type_; }
  int64_t bytes() const { return static_cast<int64_t>(k_.bytes() + v_.bytes()); }
  void* keys(int64_t layer, int64_t slot) { return k_.as<char>() + region(layer, slot); }
  void* values(int64_t layer, int64_t slot) { return v_.as<char>() + region(layer, slot); }

 private:
  int64_t n_slots_, cap_, region_;  // region_: bytes per (layer, slot)
  KvType type_;
  HugeBuffer k_, v_;
  int64_t region(int64_t layer, int64_t slot) const { return (layer * n_slots_ + slot) * region_; }
};

}  // namespace own
