#include "kernels/crossentropy.h"

#include <cmath>

#include "kernels/simd.h"

namespace own {

void crossentropy_forward_backward(float* logits, float* loss, const int32_t* targets, int64_t N, int64_t V,
                                   float grad_scale, bool want_grad, const float* row_scale) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < N; i++) {
    float* z = logits + i * V;
    int32_t y = targets[i];
    if (y < 0) {
      loss[i] = 0.0f;
      if (want_grad)
        for (int64_t j = 0; j < V; j++) z[j] = 0.0f;
      continue;
    }
    float zmax = simd::max(z, V);
    float zy = z[y];
    if (!want_grad) {
      // loss only: sum of exp without overwriting the logits
      float sum = 0.0f;
      for (int64_t j = 0; j < V; j++) sum += std::exp(z[j] - zmax);
      loss[i] = std::log(sum) + zmax - zy;
      continue;
    }
    float sum = simd::exp_shift_sum(z, zmax, V);  // z <- exp(z - max)
    loss[i] = std::log(sum) + zmax - zy;
    const float scale = row_scale ? grad_scale * row_scale[i] : grad_scale;
    simd::scale(z, scale / sum, V);
    z[y] -= scale;
  }
}

}  // namespace own
