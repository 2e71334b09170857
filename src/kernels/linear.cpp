#include "kernels/linear.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

#include "core/check.h"
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
  return static_cast<int64_t>(data.bytes() + scales.size() * sizeof(float));
}

static uint16_t to_bf16(float x) {
  uint32_t u = std::bit_cast<uint32_t>(x);
  if (std::isnan(x)) return 0x7FC0;
  return static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);  // nearest-even
}

static float widen1(float v) { return v; }
static float widen1(uint16_t v) { return std::bit_cast<float>(static_cast<uint32_t>(v) << 16); }
[[maybe_unused]] static float widen1(int8_t v) { return static_cast<float>(v); }

PackedWeight pack_weight(const float* w, int64_t N, int64_t K, WeightType t, const std::string& what) {
  if (K % kLinearAlign != 0)
    input_error("{}: inner dimension {} is not a multiple of {} (needed by the inference kernels)", what, K,
                kLinearAlign);
  PackedWeight p;
  p.type = t;
  p.rows = N;
  p.cols = K;
  const size_t n = static_cast<size_t>(N * K);
  switch (t) {
    case WeightType::f32:
      p.data = HugeBuffer(n * sizeof(float));
      std::memcpy(p.data.as<float>(), w, n * sizeof(float));
      break;
    case WeightType::bf16:
      p.data = HugeBuffer(n * sizeof(uint16_t));
      for (size_t i = 0; i < n; i++) p.data.as<uint16_t>()[i] = to_bf16(w[i]);
      break;
    case WeightType::int8: {
      p.data = HugeBuffer(n);
      int8_t* q = p.data.as<int8_t>();
      p.scales.resize(static_cast<size_t>(N));
      for (int64_t r = 0; r < N; r++) {
        const float* src = w + r * K;
        float amax = 0.0f;
        for (int64_t k = 0; k < K; k++) amax = std::max(amax, std::fabs(src[k]));
        const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
        p.scales[static_cast<size_t>(r)] = amax / 127.0f;
        for (int64_t k = 0; k < K; k++)
          q[r * K + k] = static_cast<int8_t>(std::clamp(std::lround(src[k] * inv), -127L, 127L));
      }
      break;
    }
  }
  return p;
}

void unpack_rows(float* out, const PackedWeight& w, int64_t r0, int64_t n) {
  const int64_t K = w.cols;
  for (int64_t r = r0; r < r0 + n; r++, out += K)
    for (int64_t k = 0; k < K; k++) {
      const size_t i = static_cast<size_t>(r * K + k);
      switch (w.type) {
        case WeightType::f32: out[k] = w.data.as<float>()[i]; break;
        case WeightType::bf16: out[k] = widen1(w.data.as<uint16_t>()[i]); break;
        case WeightType::int8: out[k] = static_cast<float>(w.data.as<int8_t>()[i]) * w.scales[static_cast<size_t>(r)]; break;
      }
    }
}

namespace {

constexpr int64_t kRowTile = 4;              // weight rows per tile
constexpr int64_t kTokTile = 3;              // x rows per tile: 4 x 3 accumulators + 4 weights fit 16 ymm
constexpr int64_t kXBlockBytes = 192 << 10;  // x rows per pass over the weights: what fits in L2

#ifdef OWN_SIMD
inline simd::vf widen(const float* p) { return simd::vload(p); }
inline simd::vf widen(const uint16_t* p) { return simd::vload_bf16(p); }
inline simd::vf widen(const int8_t* p) { return simd::vload_i8(p); }
#endif

// y[m][r] (+)= scale[r] * dot(w row r, x row m) for an R x TM tile; w: (R, K) of type T,
// x: (TM, K), y row stride ldy; scale null = 1.
template <typename T, int R, int TM, bool kPrefetch>
void tile(float* y, int64_t ldy, const T* w, const float* scale, const float* x, int64_t K, bool accumulate) {
  float dots[R][TM];
#ifdef OWN_SIMD
  using namespace simd;
  vf acc[R][TM];
  for (int r = 0; r < R; r++)
    for (int m = 0; m < TM; m++) acc[r][m] = vset(0.0f);
  // the next tile's rows follow these R rows in memory: prefetch them at the pace this tile is
  // consumed, so DRAM streams at full rate even when a tile is a few cache lines
  const char* next = reinterpret_cast<const char*>(w + R * K);
  constexpr int64_t kStepBytes = R * W * static_cast<int64_t>(sizeof(T));
  for (int64_t k = 0; k < K; k += W) {
    if constexpr (kPrefetch)
      for (int64_t b = 0; b < kStepBytes; b += 64) _mm_prefetch(next + k * R * static_cast<int64_t>(sizeof(T)) + b, _MM_HINT_T0);
    vf wv[R];
    for (int r = 0; r < R; r++) wv[r] = widen(w + r * K + k);
    for (int m = 0; m < TM; m++) {
      vf xv = vload(x + m * K + k);
      for (int r = 0; r < R; r++) acc[r][m] = vfma(wv[r], xv, acc[r][m]);
    }
  }
  for (int r = 0; r < R; r++)
    for (int m = 0; m < TM; m++) dots[r][m] = vsum(acc[r][m]);
#else
  for (int r = 0; r < R; r++)
    for (int m = 0; m < TM; m++) {
      float s = 0.0f;
      for (int64_t k = 0; k < K; k++) s += widen1(w[r * K + k]) * x[m * K + k];
      dots[r][m] = s;
    }
#endif
  for (int m = 0; m < TM; m++)
    for (int r = 0; r < R; r++) {
      const float d = scale ? dots[r][m] * scale[r] : dots[r][m];
      y[m * ldy + r] = accumulate ? y[m * ldy + r] + d : d;
    }
}

template <typename T>
using TileFn = void (*)(float*, int64_t, const T*, const float*, const float*, int64_t, bool);
// [prefetch][rows - 1][tokens - 1]: the first token group of a weight tile prefetches the next
template <typename T>
constexpr TileFn<T> kTiles[2][kRowTile][kTokTile] = {
    {{tile<T, 1, 1, false>, tile<T, 1, 2, false>, tile<T, 1, 3, false>},
     {tile<T, 2, 1, false>, tile<T, 2, 2, false>, tile<T, 2, 3, false>},
     {tile<T, 3, 1, false>, tile<T, 3, 2, false>, tile<T, 3, 3, false>},
     {tile<T, 4, 1, false>, tile<T, 4, 2, false>, tile<T, 4, 3, false>}},
    {{tile<T, 1, 1, true>, tile<T, 1, 2, true>, tile<T, 1, 3, true>},
     {tile<T, 2, 1, true>, tile<T, 2, 2, true>, tile<T, 2, 3, true>},
     {tile<T, 3, 1, true>, tile<T, 3, 2, true>, tile<T, 3, 3, true>},
     {tile<T, 4, 1, true>, tile<T, 4, 2, true>, tile<T, 4, 3, true>}},
};

template <typename T>
void linear_typed(float* y, const float* x, const T* w, const float* scales, int64_t M, int64_t N, int64_t K,
                  bool accumulate) {
  const int64_t n_tiles = (N + kRowTile - 1) / kRowTile;
  const int64_t m_block = std::max<int64_t>(kTokTile, kXBlockBytes / (K * 4) / kTokTile * kTokTile);
#pragma omp parallel
  for (int64_t m0 = 0; m0 < M; m0 += m_block) {
    const int64_t m1 = std::min(M, m0 + m_block);
#pragma omp for schedule(static) nowait
    for (int64_t t = 0; t < n_tiles; t++) {
      const int64_t n0 = t * kRowTile, R = std::min(kRowTile, N - n0);
      for (int64_t m = m0; m < m1; m += kTokTile) {
        const int64_t TM = std::min(kTokTile, m1 - m);
        kTiles<T>[m == m0 && t + 1 < n_tiles][R - 1][TM - 1](y + m * N + n0, N, w + n0 * K, scales ? scales + n0 : nullptr, x + m * K, K,
                                 accumulate);
      }
    }
  }
}

}  // namespace

void linear_forward(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate) {
  const int64_t N = w.rows, K = w.cols;
  switch (w.type) {
    case WeightType::f32: linear_typed(y, x, w.data.as<float>(), nullptr, M, N, K, accumulate); break;
    case WeightType::bf16: linear_typed(y, x, w.data.as<uint16_t>(), nullptr, M, N, K, accumulate); break;
    case WeightType::int8: linear_typed(y, x, w.data.as<int8_t>(), w.scales.data(), M, N, K, accumulate); break;
  }
}

}  // namespace own
