// Causal grouped-query attention over a KV cache, for inference (prefill chunks and decode).
// One cache region per (layer, sequence slot):
//   keys    (Hkv, cap / 32, D, 32)  transposed in blocks of 32 positions, so one query scores a
//                                   block with D broadcast-FMAs instead of 32 dot products
//   values  (Hkv, cap, D)
// cap (positions per slot) is a multiple of kKvBlock. Elements are fp32, or bf16 (rounded to
// nearest-even when stored, widened exactly when read: half the memory and the bytes read per
// token). Scale 1/sqrt(D); q head h reads kv head h / (H / Hkv). Each (query, head) is computed
// with a fixed order of operations, so a query gets the same bits in a prefill chunk, in decode,
// alone or beside other sequences.
#pragma once
#include <cstdint>
#include <span>

namespace own {

constexpr int64_t kKvBlock = 32;

enum class KvType { f32, bf16 };

// Writes position `pos` of one slot's region (elements of `type`): k, v: (Hkv D) each.
void kv_store(KvType type, void* kc, void* vc, const float* k, const float* v, int64_t pos, int64_t Hkv, int64_t D,
              int64_t cap);

// n consecutive queries of one sequence at positions pos0 .. pos0 + n - 1; the cache region
// (kc, vc) already holds keys/values for positions 0 .. pos0 + n - 1.
struct KvSegment {
  const void* kc;  // elements of the KvType passed with the segments
  const void* vc;
  int64_t row0;  // first row of this segment in q / out
  int64_t n;
  int64_t pos0;
};

// q: (rows, q_stride), head h at column h D  ->  out: (rows, out_stride), head h at column h D
void kv_attention_forward(KvType type, float* out, int64_t out_stride, const float* q, int64_t q_stride,
                          std::span<const KvSegment> segments, int64_t H, int64_t Hkv, int64_t D, int64_t cap);

}  // namespace own
