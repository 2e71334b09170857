#include "model/kv_cache.h"

#include "core/check.h"
#include "kernels/kv_attention.h"

namespace own {

KvCache::KvCache(const ModelConfig& c, int64_t n_slots, int64_t capacity, KvType type)
    : n_slots_(n_slots), cap_((capacity + kKvBlock - 1) / kKvBlock * kKvBlock), type_(type) {
  if (n_slots < 1) input_error("the KV cache needs at least one slot (got {})", n_slots);
  if (capacity < 1) input_error("the context length must be positive (got {})", capacity);
  const int64_t element = type == KvType::bf16 ? 2 : 4;
  region_ = c.num_key_value_heads * cap_ * c.head_dim() * element;
  const size_t bytes = static_cast<size_t>(c.num_hidden_layers * n_slots_ * region_);
  k_ = HugeBuffer(bytes);
  v_ = HugeBuffer(bytes);
}

}  // namespace own
