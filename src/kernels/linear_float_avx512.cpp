// The f32 / bf16 linear tiles on AVX-512, 16 lanes (compiled with -mavx512f -mavx512bw -mavx512vl -mavx512dq).
#include "kernels/linear_float_tiles.h"

namespace own {

static_assert(simd::W == 16, "linear_float_avx512.cpp must be compiled for AVX-512");

const LinearFloat kLinearFloatAvx512 = {"avx512", Isa::avx512, linear_typed<float>, linear_typed<uint16_t>};

}  // namespace own
