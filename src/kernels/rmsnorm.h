// RMSNorm (Llama): y = x / sqrt(mean(x^2) + eps) * w. Statistics in fp32.
#pragma once
#include <cstdint>

namespace own {

// x: (N, C)  w: (C)  ->  y: (N, C), rstd: (N)
void rmsnorm_forward(float* y, float* rstd, const float* x, const float* w, int64_t N, int64_t C, float eps);
// dx (N, C) overwritten when !accumulate_dx, else dx += ...;  dw (C) += ...
void rmsnorm_backward(float* dx, float* dw, const float* dy, const float* x, const float* w, const float* rstd,
                      int64_t N, int64_t C, bool accumulate_dx);

}  // namespace own
