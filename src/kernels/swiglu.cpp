#include "kernels/swiglu.h"

#include <cmath>

#include "kernels/simd.h"

namespace own {

// sigmoid(x) = 1 / (1 + exp(-x)) over n floats, vectorised through simd::exp_inplace
static void sigmoid_row(float* s, const float* x, int64_t n) {
  for (int64_t i = 0; i < n; i++) s[i] = -x[i];
  simd::exp_inplace(s, n);
  for (int64_t i = 0; i < n; i++) s[i] = 1.0f / (1.0f + s[i]);
}

void swiglu_forward(float* h, const float* gu, int64_t N, int64_t F) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < N; i++) {
    const float* g = gu + i * 2 * F;
    const float* u = g + F;
    float* hi = h + i * F;
    sigmoid_row(hi, g, F);
    for (int64_t j = 0; j < F; j++) hi[j] = g[j] * hi[j] * u[j];
  }
}

void swiglu_backward(float* dgu, const float* dh, const float* gu, int64_t N, int64_t F) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < N; i++) {
    const float* g = gu + i * 2 * F;
    const float* u = g + F;
    const float* dhi = dh + i * F;
    float* dg = dgu + i * 2 * F;
    float* du = dg + F;
    sigmoid_row(dg, g, F);  // dg holds sigmoid(g) until overwritten below
    for (int64_t j = 0; j < F; j++) {
      float s = dg[j], silu = g[j] * s;
      du[j] = dhi[j] * silu;
      dg[j] = dhi[j] * u[j] * s * (1.0f + g[j] * (1.0f - s));
    }
  }
}

}  // namespace own
