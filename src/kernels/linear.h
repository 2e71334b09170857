// Inference matmul y = x W^T with W stored once, at load time, as fp32, bf16 or int8.
//   f32   as trained
//   bf16  round-to-nearest-even of the fp32 weight
//   int8  symmetric, one fp32 scale per output row (scale = absmax / 127): y = s_n * sum_k q_nk x_k
// Activations stay fp32; bf16 and int8 weights are widened to fp32 in registers as they are
// loaded (exactly), so the bytes read from memory shrink 2x / ~4x while the arithmetic is the
// fp32 kernel's. (A per-row scale factors out of the dot product; per-block scales would cost a
// multiply per block and output in every tile.)
//
// Every output y[m][n] is one dot product summed in a fixed order (SIMD lanes along k, then one
// horizontal add, then the row scale), whatever M, the tile it falls in, or the thread count: a
// row of x gets the same bits alone or in a batch of 16. Batched generation relies on this.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/huge_buffer.h"

namespace own {

enum class WeightType { f32, bf16, int8 };
const char* weight_type_name(WeightType t);
WeightType parse_weight_type(const std::string& s);  // "f32" | "bf16" | "int8", else InputError

constexpr int64_t kLinearAlign = 32;  // K must be a multiple of this (the widest SIMD load)

struct PackedWeight {
  WeightType type = WeightType::f32;
  int64_t rows = 0, cols = 0;  // N (out), K (in)
  HugeBuffer data;             // (N, K) of float | bf16 bits (uint16_t) | int8_t, by type
  std::vector<float> scales;   // (N) when int8
  int64_t bytes() const;       // what one pass over the weight reads
};

// w: (N, K) fp32 row-major. K must be a multiple of 32 (InputError otherwise, naming `what`).
PackedWeight pack_weight(const float* w, int64_t N, int64_t K, WeightType t, const std::string& what);
// rows [r0, r0 + n) widened back to fp32 into out: (n, K) — what the kernel computes with
void unpack_rows(float* out, const PackedWeight& w, int64_t r0, int64_t n);

// x: (M, K)  ->  y: (M, N) = x W^T, or y += x W^T when accumulate. Parallel over output rows.
void linear_forward(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate);

}  // namespace own
