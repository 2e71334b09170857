#include "kernels/attention.h"

#include <omp.h>

#include <cmath>
#include <vector>

#include "kernels/simd.h"

namespace own {
namespace {

// Per-thread scratch: kt, vt (D, T) transposed keys/values, p and dp rows (T). Grown outside
// the parallel regions, so the steady state allocates nothing.
std::vector<float>& scratch(int64_t per_thread) {
  static std::vector<float> buf;
  size_t need = static_cast<size_t>(per_thread * omp_get_max_threads());
  if (buf.size() < need) buf.resize(need);
  return buf;
}

// src rows (T) of stride `row`, D wide  ->  dst (D, T)
void transpose_head(float* dst, const float* src, int64_t T, int64_t row, int64_t D) {
  for (int64_t t = 0; t < T; t++)
    for (int64_t d = 0; d < D; d++) dst[d * T + t] = src[t * row + d];
}

// s[j] = sum_d q[d] * kt[d, j] for j in [0, n)
void scores_row(float* s, const float* q, const float* kt, int64_t T, int64_t n, int64_t D) {
  for (int64_t j = 0; j < n; j++) s[j] = 0.0f;
  for (int64_t d = 0; d < D; d++) simd::axpy(s, q[d], kt + d * T, n);
}

}  // namespace

void attention_forward(float* out, float* lse, const float* qkv, int64_t B, int64_t T, int64_t H, int64_t Hkv,
                       int64_t D) {
  const int64_t row = (H + 2 * Hkv) * D, group = H / Hkv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const int64_t per_thread = D * T + T;
  std::vector<float>& buf = scratch(per_thread);
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t b = 0; b < B; b++)
    for (int64_t h = 0; h < H; h++) {
      float* kt = buf.data() + omp_get_thread_num() * per_thread;
      float* p = kt + D * T;
      const float* base = qkv + b * T * row;
      const int64_t g = h / group;
      transpose_head(kt, base + (H + g) * D, T, row, D);
      const float* v = base + (H + Hkv + g) * D;
      for (int64_t t = 0; t < T; t++) {
        const float* q = base + t * row + h * D;
        float* o = out + (b * T + t) * H * D + h * D;
        int64_t n = t + 1;
        scores_row(p, q, kt, T, n, D);
        simd::scale(p, scale, n);
        float m = simd::max(p, n);
        float sum = simd::exp_shift_sum(p, m, n);
        for (int64_t d = 0; d < D; d++) o[d] = 0.0f;
        for (int64_t j = 0; j < n; j++) simd::axpy(o, p[j], v + j * row, D);
        simd::scale(o, 1.0f / sum, D);
        lse[(b * H + h) * T + t] = m + std::log(sum);
      }
    }
}

void attention_backward(float* dqkv, const float* dout, const float* qkv, const float* out, const float* lse,
                        int64_t B, int64_t T, int64_t H, int64_t Hkv, int64_t D) {
  const int64_t row = (H + 2 * Hkv) * D, group = H / Hkv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const int64_t per_thread = 2 * D * T + 2 * T;
  std::vector<float>& buf = scratch(per_thread);
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t b = 0; b < B; b++)
    for (int64_t g = 0; g < Hkv; g++) {
      float* kt = buf.data() + omp_get_thread_num() * per_thread;
      float* vt = kt + D * T;
      float* p = vt + D * T;
      float* dp = p + T;
      const float* base = qkv + b * T * row;
      float* dbase = dqkv + b * T * row;
      const float* k = base + (H + g) * D;
      const float* v = base + (H + Hkv + g) * D;
      float* dk = dbase + (H + g) * D;
      float* dv = dbase + (H + Hkv + g) * D;
      transpose_head(kt, k, T, row, D);
      transpose_head(vt, v, T, row, D);
      for (int64_t t = 0; t < T; t++)
        for (int64_t d = 0; d < D; d++) dk[t * row + d] = dv[t * row + d] = 0.0f;
      for (int64_t h = g * group; h < (g + 1) * group; h++)
        for (int64_t t = 0; t < T; t++) {
          const float* q = base + t * row + h * D;
          const float* o = out + (b * T + t) * H * D + h * D;
          const float* dout_t = dout + (b * T + t) * H * D + h * D;
          float* dq = dbase + t * row + h * D;
          int64_t n = t + 1;
          // p_j = exp(scale q.k_j - lse), recomputed from the saved log-sum-exp
          scores_row(p, q, kt, T, n, D);
          float l = lse[(b * H + h) * T + t];
          for (int64_t j = 0; j < n; j++) p[j] = p[j] * scale - l;
          simd::exp_inplace(p, n);
          // dp_j = dout . v_j ;  ds_j = p_j (dp_j - dout . o)
          scores_row(dp, dout_t, vt, T, n, D);
          float delta = simd::dot(dout_t, o, D);
          for (int64_t d = 0; d < D; d++) dq[d] = 0.0f;
          for (int64_t j = 0; j < n; j++) {
            float ds = p[j] * (dp[j] - delta) * scale;
            simd::axpy(dq, ds, k + j * row, D);
            simd::axpy(dk + j * row, ds, q, D);
            simd::axpy(dv + j * row, p[j], dout_t, D);
          }
        }
    }
}

}  // namespace own
