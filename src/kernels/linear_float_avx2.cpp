// The f32 / bf16 linear tiles on AVX2 + FMA, 8 lanes (compiled with -mavx2 -mfma -mno-avx512f).
#include "kernels/linear_float_tiles.h"

namespace own {

static_assert(simd::W == 8, "linear_float_avx2.cpp must be compiled for AVX2 without AVX-512");

const LinearFloat kLinearFloatAvx2 = {"avx2", Isa::avx2, linear_typed<float>, linear_typed<uint16_t>};

}  // namespace own
