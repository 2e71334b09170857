// The f32 / bf16 packed-weight linear kernel (linear.h) once per instruction set, chosen at run time
// by cpuid (core/cpu_isa.h). Every variant accumulates each output by one FMA chain over k in order,
// so a row gets the same bits alone or in a batch and at any thread count; across variants the
// sums are the same chain too (an FMA rounds once on every ISA), and tests check them bit for bit.
#pragma once
#include <cstdint>
#include <vector>

#include "core/cpu_isa.h"

namespace own {

// y: (M, N) (+)= x: (M, K) W^T for W packed (ceil(N/16), K, 16) as f32 or bf16 bits
template <typename T>
using LinearFloatFn = void (*)(float* y, const float* x, const T* w, int64_t M, int64_t N, int64_t K, bool accumulate);

struct LinearFloat {
  const char* name;
  Isa need;
  LinearFloatFn<float> f32;
  LinearFloatFn<uint16_t> bf16;
};

extern const LinearFloat kLinearFloatScalar, kLinearFloatAvx2, kLinearFloatAvx512;

// every variant built in, lowest first, and the one linear_forward uses here
const std::vector<const LinearFloat*>& linear_floats();
const LinearFloat& linear_float();

}  // namespace own
