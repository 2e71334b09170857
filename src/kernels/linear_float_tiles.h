// The f32 / bf16 tiles of linear.h, included once by each linear_float_<isa>.cpp: that unit's
// instruction set (the flags CMakeLists.txt gives it) picks simd.h's register type, and everything
// here has internal linkage, so units built for different instruction sets share no code.
#pragma once
#include <cmath>
#include <cstdint>

#include "core/bf16.h"
#include "kernels/linear.h"
#include "kernels/linear_float.h"
#include "kernels/panel_schedule.h"
#include "kernels/simd.h"

namespace own {
namespace {

[[maybe_unused]] float widen1(float v) { return v; }
[[maybe_unused]] float widen1(uint16_t v) { return from_bf16(v); }

constexpr int kMaxTok = 6;                   // tokens per tile: 6 x 2 ymm accumulators + 2 weights + 1 broadcast
constexpr int64_t kXBlockBytes = 256 << 10;  // x rows per pass over the weights: what stays in L2

#ifdef OWN_SIMD
using simd::vf;
constexpr int kPV = static_cast<int>(kPanelRows / simd::W);  // vectors per panel row
inline vf widen(const float* p) { return simd::vload(p); }
inline vf widen(const uint16_t* p) { return simd::vload_bf16(p); }
#endif

// y[m][n0 + j] (+)= sum_k x[m][k] w[k][j] for TM tokens and NP panels of 16 outputs;
// w: NP consecutive panels (K, 16); `valid` outputs are stored (the
// last panel may be padding past N).
template <typename T, int TM, int NP>
void tile(float* y, int64_t ldy, const T* w, const float* x, int64_t ldx, int64_t K,
          int64_t valid, bool accumulate) {
  alignas(64) float out[TM][NP * kPanelRows];
#ifdef OWN_SIMD
  using namespace simd;
  vf acc[TM][NP * kPV];
  for (int m = 0; m < TM; m++)
    for (int v = 0; v < NP * kPV; v++) acc[m][v] = vset(0.0f);
  for (int64_t k = 0; k < K; k++) {
    vf wv[NP * kPV];
    for (int p = 0; p < NP; p++)
      for (int v = 0; v < kPV; v++) wv[p * kPV + v] = widen(w + (p * K + k) * kPanelRows + v * W);
    for (int m = 0; m < TM; m++) {
      const vf xb = vset(x[m * ldx + k]);
      for (int v = 0; v < NP * kPV; v++) acc[m][v] = vfma(xb, wv[v], acc[m][v]);
    }
  }
  for (int m = 0; m < TM; m++)
    for (int v = 0; v < NP * kPV; v++) vstore(out[m] + v * W, acc[m][v]);
#else
  for (int m = 0; m < TM; m++)
    for (int j = 0; j < NP * kPanelRows; j++) {
      float s = 0.0f;
      // std::fma: the one rounding of the vector variants' FMA, so every variant gives the same bits
      for (int64_t k = 0; k < K; k++)
        s = std::fma(x[m * ldx + k], widen1(w[((j / kPanelRows) * K + k) * kPanelRows + j % kPanelRows]), s);
      out[m][j] = s;
    }
#endif
  const int64_t n = valid < NP * kPanelRows ? valid : NP * kPanelRows;
  for (int m = 0; m < TM; m++)
    for (int64_t j = 0; j < n; j++) {
      y[m * ldy + j] = accumulate ? y[m * ldy + j] + out[m][j] : out[m][j];
    }
}

// panels per tile for TM tokens: keep ~12 accumulators (AVX2) busy
#if defined(OWN_SIMD) && OWN_SIMD == 16
constexpr int panels_for(int tm) { return tm <= 4 ? 4 : 3; }
#else
constexpr int panels_for(int tm) { return tm == 1 ? 4 : tm == 2 ? 3 : tm == 3 ? 2 : 1; }
#endif

template <typename T>
using TileFn = void (*)(float*, int64_t, const T*, const float*, int64_t, int64_t, int64_t, bool);

// the tile for tm tokens and either its full panel count or a single panel (group tails)
template <typename T, int TM = kMaxTok>
TileFn<T> pick(int64_t tm, bool single) {
  if constexpr (TM == 1) {
    return single ? tile<T, 1, 1> : tile<T, 1, panels_for(1)>;
  } else {
    if (tm == TM) return single ? tile<T, TM, 1> : tile<T, TM, panels_for(TM)>;
    return pick<T, TM - 1>(tm, single);
  }
}

template <typename T>
void linear_typed(float* y, const float* x, const T* w, int64_t M, int64_t N, int64_t K, bool accumulate) {
  const int64_t P = n_panels(N);
  const int64_t m_block = kXBlockBytes / (K * 4) > kMaxTok ? kXBlockBytes / (K * 4) / kMaxTok * kMaxTok : kMaxTok;
#pragma omp parallel
  for_each_tile(M, P, m_block, kMaxTok, panels_for, [&](int64_t m, int64_t tm, int64_t p, bool single) {
    const int64_t n0 = p * kPanelRows;
    pick<T>(tm, single)(y + m * N + n0, N, w + p * K * kPanelRows, x + m * K, K, K, N - n0, accumulate);
  });
}

}  // namespace
}  // namespace own
