#include "kernels/rmsnorm.h"

#include <omp.h>

#include <cmath>
#include <vector>

#include "kernels/simd.h"

namespace own {

void rmsnorm_forward(float* y, float* rstd, const float* x, const float* w, int64_t N, int64_t C, float eps) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < N; i++) {
    const float* xi = x + i * C;
    float* yi = y + i * C;
    float ms = simd::dot(xi, xi, C) / static_cast<float>(C);
    float r = 1.0f / std::sqrt(ms + eps);
    rstd[i] = r;
    for (int64_t c = 0; c < C; c++) yi[c] = xi[c] * r * w[c];
  }
}

void rmsnorm_backward(float* dx, float* dw, const float* dy, const float* x, const float* w, const float* rstd,
                      int64_t N, int64_t C, bool accumulate_dx) {
  // per-thread partial dw, summed in thread order afterwards (deterministic for a thread count)
  static std::vector<float> partial;
  int64_t nt = omp_get_max_threads();
  if (static_cast<int64_t>(partial.size()) < nt * C) partial.resize(static_cast<size_t>(nt * C));
#pragma omp parallel
  {
    int64_t tid = omp_get_thread_num();
    float* pdw = partial.data() + tid * C;
    for (int64_t c = 0; c < C; c++) pdw[c] = 0.0f;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < N; i++) {
      const float* xi = x + i * C;
      const float* dyi = dy + i * C;
      float* dxi = dx + i * C;
      float r = rstd[i];
      // y = xhat * w, xhat = x * r;  dxhat = dy * w;  dx = r * (dxhat - xhat * mean(dxhat * xhat))
      float s = 0.0f;
      for (int64_t c = 0; c < C; c++) s += dyi[c] * w[c] * xi[c];
      float k = s * r * r / static_cast<float>(C);
      for (int64_t c = 0; c < C; c++) {
        float g = r * (dyi[c] * w[c] - xi[c] * k);
        dxi[c] = accumulate_dx ? dxi[c] + g : g;
        pdw[c] += dyi[c] * xi[c] * r;
      }
    }
  }
  for (int64_t t = 0; t < nt; t++)
    for (int64_t c = 0; c < C; c++) dw[c] += partial[static_cast<size_t>(t * C + c)];
}

}  // namespace own
