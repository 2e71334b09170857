#include "kernels/adamw.h"

#include <omp.h>

#include <cmath>
#include <vector>

namespace own {

void adamw_update(float* params, const float* grads, float* m, float* v, int64_t n, const AdamWHyper& h,
                  int64_t step, float grad_scale) {
  const float b1 = h.beta1, b2 = h.beta2;
  const float bc1 = 1.0f - std::pow(b1, static_cast<float>(step));
  const float bc2 = 1.0f - std::pow(b2, static_cast<float>(step));
  const float decay = 1.0f - h.lr * h.weight_decay;
  const float step_size = h.lr / bc1, inv_sqrt_bc2 = 1.0f / std::sqrt(bc2);
#pragma omp parallel for simd schedule(static)
  for (int64_t i = 0; i < n; i++) {
    float g = grads[i] * grad_scale;
    float mi = b1 * m[i] + (1.0f - b1) * g;
    float vi = b2 * v[i] + (1.0f - b2) * g * g;
    m[i] = mi;
    v[i] = vi;
    params[i] = params[i] * decay - step_size * mi / (std::sqrt(vi) * inv_sqrt_bc2 + h.eps);
  }
}

double sum_squares(const float* x, int64_t n) {
  std::vector<double> partial(static_cast<size_t>(omp_get_max_threads()), 0.0);
#pragma omp parallel
  {
    double s = 0.0;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < n; i++) s += static_cast<double>(x[i]) * x[i];
    partial[static_cast<size_t>(omp_get_thread_num())] = s;
  }
  double total = 0.0;
  for (double s : partial) total += s;
  return total;
}

}  // namespace own
