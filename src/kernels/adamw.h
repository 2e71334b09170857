// AdamW (decoupled weight decay) over a contiguous range of the parameter buffer, and the
// global gradient norm used for clipping. Deterministic for a given thread count: the norm's
// partial sums are fixed per thread (static schedule) and added in thread order, in double.
#pragma once
#include <cstdint>

namespace own {

struct AdamWHyper {
  float lr = 1e-3f, beta1 = 0.9f, beta2 = 0.95f, eps = 1e-8f, weight_decay = 0.0f;
};

// step: 1-based count of updates (bias correction). grad_scale multiplies g first (clipping).
void adamw_update(float* params, const float* grads, float* m, float* v, int64_t n, const AdamWHyper& h,
                  int64_t step, float grad_scale);

// sum of squares of x, in double
double sum_squares(const float* x, int64_t n);

}  // namespace own
