#include "kernels/rope.h"

#include <cmath>

namespace own {

void rope_table(float* cos, float* sin, int64_t T, int64_t D, float theta) {
  int64_t half = D / 2;
  for (int64_t i = 0; i < half; i++) {
    double inv_freq = 1.0 / std::pow(static_cast<double>(theta), static_cast<double>(2 * i) / static_cast<double>(D));
    for (int64_t t = 0; t < T; t++) {
      double angle = static_cast<double>(t) * inv_freq;
      cos[t * half + i] = static_cast<float>(std::cos(angle));
      sin[t * half + i] = static_cast<float>(std::sin(angle));
    }
  }
}

static void rotate(float* qkv, const float* cos, const float* sin, int64_t B, int64_t T, int64_t row,
                   int64_t n_heads, int64_t D, int64_t pos0, float sign) {
  int64_t half = D / 2;
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t b = 0; b < B; b++)
    for (int64_t t = 0; t < T; t++) {
      const float* c = cos + (pos0 + t) * half;
      const float* s = sin + (pos0 + t) * half;
      float* r = qkv + (b * T + t) * row;
      for (int64_t h = 0; h < n_heads; h++) {
        float* x = r + h * D;
        for (int64_t i = 0; i < half; i++) {
          float x1 = x[i], x2 = x[i + half], si = sign * s[i];
          x[i] = x1 * c[i] - x2 * si;
          x[i + half] = x2 * c[i] + x1 * si;
        }
      }
    }
}

void rope_forward(float* qkv, const float* cos, const float* sin, int64_t B, int64_t T, int64_t row, int64_t n_heads,
                  int64_t D, int64_t pos0) {
  rotate(qkv, cos, sin, B, T, row, n_heads, D, pos0, 1.0f);
}

void rope_backward(float* dqkv, const float* cos, const float* sin, int64_t B, int64_t T, int64_t row,
                   int64_t n_heads, int64_t D) {
  rotate(dqkv, cos, sin, B, T, row, n_heads, D, 0, -1.0f);
}

}  // namespace own
