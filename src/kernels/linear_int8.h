// The int8 path of linear.h: int8 weights times int8 activations, summed exactly in int32.
//   weights      symmetric per output row: w_nk = ws_n * q_nk, q in [-127, 127], ws_n = absmax_n / 127
//   activations  symmetric per input row, at every call: x_mk ~ xs_m * p_mk, p in [-127, 127]
//   y_mn = (float(sum_k p_mk q_nk) * ws_n) * xs_m
// Packing: panels of 16 output rows, 4 consecutive k per output together ((N/16, K/4, 16, 4), K
// padded with zeros to a multiple of 4): one k-quad of a panel is 64 bytes, 16 outputs x 4 bytes,
// the shape a 4-byte dot product instruction (vpmaddubsw + vpmaddwd, vpdpbusd) reduces into int32
// lanes. The inner loop exists once per instruction set (int8_dot.h), chosen at run time.
// Integer sums are exact, so a row's outputs are the same bits whatever the tile, the batch, the
// thread count or the instruction set, and the result differs from the fp32 one only by the two
// roundings to int8.
#pragma once
#include <cstdint>
#include <vector>

#include "kernels/int8_dot.h"
#include "kernels/linear.h"

namespace own {

// byte offset of weight (n, k) of a (N, K) matrix in the packed int8 layout
size_t int8_packed_index(int64_t n, int64_t k, int64_t K);
// w: (N, K) fp32 row-major -> p.data, p.scales, p.qsums (p.type, rows, cols set by the caller)
void pack_int8(PackedWeight& p, const float* w);
// y: (M, N) (+)= x W^T for an int8 PackedWeight, through `dot` (default: the best this CPU runs)
void linear_forward_int8(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate,
                         const Int8Dot* dot = nullptr);

// every variant built into this binary, lowest first, and the one linear_forward_int8 uses here
const std::vector<const Int8Dot*>& int8_dots();
const Int8Dot& int8_dot();

}  // namespace own
