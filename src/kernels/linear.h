// Inference matmul y = x W^T with W packed once, at load time, as fp32, bf16 or int8.
//   f32   as trained
//   bf16  round-to-nearest-even of the fp32 weight
//   int8  symmetric, one fp32 scale per output row (scale = absmax / 127), times int8 activations
//         quantized per row at each call, summed in int32: see linear_int8.h
// f32 / bf16 packing: panels of 16 output rows, k-major inside a panel ((N/16, K, 16), the last
// panel padded with zero rows), so the kernel is an outer product: one broadcast x[m][k] times 16
// weights per FMA pair, up to 6 tokens per panel pass, no horizontal sums; decode streams each
// panel once. bf16 weights are widened to fp32 in registers as they are loaded (exactly): memory
// traffic halves while the arithmetic is the fp32 kernel's.
//
// Every f32 / bf16 output y[m][n] is accumulated by one FMA chain over k = 0..K-1 whatever M, the
// tile it falls in, or the thread count (int8 sums are exact integers): a row of x gets the same
// bits alone or in a batch of 16. Batched generation relies on this.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/huge_buffer.h"

namespace own {

enum class WeightType { f32, bf16, int8 };
const char* weight_type_name(WeightType t);
WeightType parse_weight_type(const std::string& s);  // "f32" | "bf16" | "int8", else InputError

constexpr int64_t kPanelRows = 16;  // output rows per packed panel
constexpr int64_t n_panels(int64_t N) { return (N + kPanelRows - 1) / kPanelRows; }

struct PackedWeight {
  WeightType type = WeightType::f32;
  int64_t rows = 0, cols = 0;  // N (out), K (in)
  HugeBuffer data;             // (ceil(N/16), K, 16) of float | bf16 bits (uint16_t); int8: linear_int8.h
  std::vector<float> scales;   // (ceil(N/16) * 16) when int8, zero-padded
  std::vector<int32_t> qsums;  // (ceil(N/16) * 16) when int8: sum_k q_nk, for the unsigned-x kernels
  int64_t bytes() const;       // what one pass over the weight reads
};

// w: (N, K) fp32 row-major (as in the checkpoint)
PackedWeight pack_weight(const float* w, int64_t N, int64_t K, WeightType t);
// rows [r0, r0 + n) widened back to fp32 into out: (n, K) — the weights the kernel computes with
void unpack_rows(float* out, const PackedWeight& w, int64_t r0, int64_t n);

// x: (M, K)  ->  y: (M, N) = x W^T, or y += x W^T when accumulate. Parallel over panels.
void linear_forward(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate);

}  // namespace own
