#include "kernels/linear.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/bf16.h"
#include "core/check.h"
#include "kernels/linear_int8.h"
#include "kernels/panel_schedule.h"
#include "kernels/simd.h"

namespace own {

const char* weight_type_name(WeightType t) {
  switch (t) {
    case WeightType::f32: return "f32";
    case WeightType::bf16: return "bf16";
    case WeightType::int8: return "int8";
  }
  return "?";
}

WeightType parse_weight_type(const std::string& s) {
  if (s == "f32") return WeightType::f32;
  if (s == "bf16") return WeightType::bf16;
  if (s == "int8") return WeightType::int8;
  input_error("unknown weight type '{}' (expected f32, bf16 or int8)", s);
}

int64_t PackedWeight::bytes() const {
  return static_cast<int64_t>(data.bytes() + scales.size() * sizeof(float) + qsums.size() * sizeof(int32_t));
}

[[maybe_unused]] static float widen1(float v) { return v; }
static float widen1(uint16_t v) { return from_bf16(v); }

// where weight (n, k) of a (N, K) matrix sits in the packed (N/16, K, 16) layout
static size_t packed_index(int64_t n, int64_t k, int64_t K) {
  return static_cast<size_t>(((n / kPanelRows) * K + k) * kPanelRows + n % kPanelRows);
}

PackedWeight pack_weight(const float* w, int64_t N, int64_t K, WeightType t) {
  PackedWeight p;
  p.type = t;
  p.rows = N;
  p.cols = K;
  const int64_t P = n_panels(N);
  const size_t padded = static_cast<size_t>(P * K * kPanelRows);
  auto at = [K](int64_t n, int64_t k) { return packed_index(n, k, K); };
  switch (t) {
    case WeightType::f32:
      p.data = HugeBuffer(padded * sizeof(float));
      for (int64_t n = 0; n < N; n++)
        for (int64_t k = 0; k < K; k++) p.data.as<float>()[at(n, k)] = w[n * K + k];
      break;
    case WeightType::bf16:
      p.data = HugeBuffer(padded * sizeof(uint16_t));
      for (int64_t n = 0; n < N; n++)
        for (int64_t k = 0; k < K; k++) p.data.as<uint16_t>()[at(n, k)] = to_bf16(w[n * K + k]);
      break;
    case WeightType::int8:
      pack_int8(p, w);
      break;
  }
  return p;
}

void unpack_rows(float* out, const PackedWeight& w, int64_t r0, int64_t n) {
  const int64_t K = w.cols;
  for (int64_t r = r0; r < r0 + n; r++, out += K)
    for (int64_t k = 0; k < K; k++) {
      switch (w.type) {
        case WeightType::f32: out[k] = w.data.as<float>()[packed_index(r, k, K)]; break;
        case WeightType::bf16: out[k] = widen1(w.data.as<uint16_t>()[packed_index(r, k, K)]); break;
        case WeightType::int8:
          out[k] = static_cast<float>(w.data.as<int8_t>()[int8_packed_index(r, k, K)]) * w.scales[static_cast<size_t>(r)];
          break;
      }
    }
}

namespace {

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
      for (int64_t k = 0; k < K; k++) s += x[m * ldx + k] * widen1(w[((j / kPanelRows) * K + k) * kPanelRows + j % kPanelRows]);
      out[m][j] = s;
    }
#endif
  const int64_t n = std::min<int64_t>(valid, NP * kPanelRows);
  for (int m = 0; m < TM; m++)
    for (int64_t j = 0; j < n; j++) {
      y[m * ldy + j] = accumulate ? y[m * ldy + j] + out[m][j] : out[m][j];
    }
}

// panels per tile for TM tokens: keep ~12 accumulators (AVX2) busy
constexpr int panels_for(int tm) { return tm == 1 ? 4 : tm == 2 ? 3 : tm == 3 ? 2 : 1; }

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
  const int64_t m_block = std::max<int64_t>(kMaxTok, kXBlockBytes / (K * 4) / kMaxTok * kMaxTok);
#pragma omp parallel
  for_each_tile(M, P, m_block, kMaxTok, panels_for, [&](int64_t m, int64_t tm, int64_t p, bool single) {
    const int64_t n0 = p * kPanelRows;
    pick<T>(tm, single)(y + m * N + n0, N, w + p * K * kPanelRows, x + m * K, K, K, N - n0, accumulate);
  });
}

}  // namespace

void linear_forward(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate) {
  const int64_t N = w.rows, K = w.cols;
  switch (w.type) {
    case WeightType::f32: linear_typed(y, x, w.data.as<float>(), M, N, K, accumulate); break;
    case WeightType::bf16: linear_typed(y, x, w.data.as<uint16_t>(), M, N, K, accumulate); break;
    case WeightType::int8: linear_forward_int8(y, x, w, M, accumulate); break;
  }
}

}  // namespace own
