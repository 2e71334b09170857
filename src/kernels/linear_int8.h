// The int8 path of linear.h: int8 weights times int8 activations, summed exactly in int32.
//   weights      symmetric per output row: w_nk = ws_n * q_nk, q in [-127, 127], ws_n = absmax_n / 127
//   activations  symmetric per input row, at every call: x_mk ~ xs_m * p_mk, p in [-127, 127]
//   y_mn = (float(sum_k p_mk q_nk) * ws_n) * xs_m
// Packing: panels of 16 output rows, 4 consecutive k per output together ((N/16, K/4, 16, 4), K
// padded with zeros to a multiple of 4): one k-quad of a panel is two 256-bit vectors of 8 outputs
// x 4 bytes, the shape vpmaddubsw + vpmaddwd reduce into 8 int32 lanes. vpmaddubsw takes unsigned
// times signed bytes, so each pair is |p| times q with p's sign moved onto q (vpsignb); a pair sum
// is at most 2 * 127 * 127 < 2^15, so nothing saturates, and an int32 lane holds any K < 2^17.
// Integer sums are exact, so a row's outputs are the same bits whatever the tile, the batch or the
// thread count, and the result differs from the fp32 one only by the two roundings to int8.
#pragma once
#include <cstdint>

#include "kernels/linear.h"

namespace own {

// byte offset of weight (n, k) of a (N, K) matrix in the packed int8 layout
size_t int8_packed_index(int64_t n, int64_t k, int64_t K);
// w: (N, K) fp32 row-major -> p.data, p.scales (p.type, rows, cols set by the caller)
void pack_int8(PackedWeight& p, const float* w);
// y: (M, N) (+)= x W^T for an int8 PackedWeight
void linear_forward_int8(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate);

}  // namespace own
