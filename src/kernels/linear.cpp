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
  return static_cast<int64_t>(f32.size() * sizeof(float) + bf16.size() * sizeof(uint16_t) + q.size() +
                              scales.size() * sizeof(float));
}

static uint16_t to_bf16(float x) {
  uint32_t u = std::bit_cast<uint32_t>(x);
  if (std::isnan(x)) return 0x7FC0;
  return static_cast<uint16_t>((u + 0x7FFFu + ((u >> 16) & 1u)) >> 16);  // nearest-even
}

PackedWeight pack_weight(const float* w, int64_t N, int64_t K, WeightType t, const std::string& what) {
  if (K % kInt8Block != 0)
    input_error("{}: inner dimension {} is not a multiple of {} (needed by the inference kernels)", what, K,
                kInt8Block);
  PackedWeight p;
  p.type = t;
  p.rows = N;
  p.cols = K;
  const size_t n = static_cast<size_t>(N * K);
  switch (t) {
    case WeightType::f32: p.f32.assign(w, w + n); break;
    case WeightType::bf16:
      p.bf16.resize(n);
      for (size_t i = 0; i < n; i++) p.bf16[i] = to_bf16(w[i]);
      break;
    case WeightType::int8: {
      p.q.resize(n);
      p.scales.resize(n / kInt8Block);
      for (size_t b = 0; b < n / kInt8Block; b++) {
        const float* src = w + b * kInt8Block;
        float amax = 0.0f;
        for (int64_t j = 0; j < kInt8Block; j++) amax = std::max(amax, std::fabs(src[j]));
        float scale = amax / 127.0f;
        float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
        p.scales[b] = scale;
        for (int64_t j = 0; j < kInt8Block; j++) {
          long v = std::lround(src[j] * inv);
          p.q[b * kInt8Block + static_cast<size_t>(j)] = static_cast<int8_t>(std::clamp(v, -127L, 127L));
        }
      }
      break;
    }
  }
  return p;
}

void unpack_rows(float* out, const PackedWeight& w, int64_t r0, int64_t n) {
  const int64_t K = w.cols, count = n * K, base = r0 * K;
  switch (w.type) {
    case WeightType::f32: std::memcpy(out, w.f32.data() + base, sizeof(float) * static_cast<size_t>(count)); break;
    case WeightType::bf16: {
      const uint16_t* src = w.bf16.data() + base;
      for (int64_t i = 0; i < count; i++) out[i] = std::bit_cast<float>(static_cast<uint32_t>(src[i]) << 16);
      break;
    }
    case WeightType::int8: {
      const int8_t* src = w.q.data() + base;
      const float* sc = w.scales.data() + base / kInt8Block;
      for (int64_t b = 0; b < count / kInt8Block; b++) {
        const float s = sc[b];
        const int8_t* qb = src + b * kInt8Block;
        float* ob = out + b * kInt8Block;
        for (int64_t j = 0; j < kInt8Block; j++) ob[j] = static_cast<float>(qb[j]) * s;
      }
      break;
    }
  }
}

namespace {

constexpr int64_t kRowTile = 4;             // weight rows per tile (they stay in registers' reach in L1)
constexpr int64_t kTokTile = 3;             // x rows per tile: 4 x 3 accumulators + 4 weights fit 16 ymm
constexpr int64_t kXBlockBytes = 192 << 10;  // x rows per pass over the weights: what fits in L2

// y[m][r] (+)= dot(w row r, x row m) for an R x TM tile; w: (R, K), x: (TM, K), y row stride ldy.
template <int R, int TM>
void tile(float* y, int64_t ldy, const float* w, const float* x, int64_t K, bool accumulate) {
#ifdef OWN_SIMD
  using namespace simd;
  vf acc[R][TM];
  for (int r = 0; r < R; r++)
    for (int m = 0; m < TM; m++) acc[r][m] = vset(0.0f);
  for (int64_t k = 0; k < K; k += W) {
    vf wv[R];
    for (int r = 0; r < R; r++) wv[r] = vload(w + r * K + k);
    for (int m = 0; m < TM; m++) {
      vf xv = vload(x + m * K + k);
      for (int r = 0; r < R; r++) acc[r][m] = vfma(wv[r], xv, acc[r][m]);
    }
  }
  for (int m = 0; m < TM; m++)
    for (int r = 0; r < R; r++) {
      float s = vsum(acc[r][m]);
      y[m * ldy + r] = accumulate ? y[m * ldy + r] + s : s;
    }
#else
  for (int m = 0; m < TM; m++)
    for (int r = 0; r < R; r++) {
      float s = 0.0f;
      for (int64_t k = 0; k < K; k++) s += w[r * K + k] * x[m * K + k];
      y[m * ldy + r] = accumulate ? y[m * ldy + r] + s : s;
    }
#endif
}

using TileFn = void (*)(float*, int64_t, const float*, const float*, int64_t, bool);
constexpr TileFn kTiles[kRowTile][kTokTile] = {
    {tile<1, 1>, tile<1, 2>, tile<1, 3>},
    {tile<2, 1>, tile<2, 2>, tile<2, 3>},
    {tile<3, 1>, tile<3, 2>, tile<3, 3>},
    {tile<4, 1>, tile<4, 2>, tile<4, 3>},
};

}  // namespace

void linear_forward(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate) {
  const int64_t N = w.rows, K = w.cols;
  const int64_t n_tiles = (N + kRowTile - 1) / kRowTile;
  const int64_t m_block = std::max<int64_t>(kTokTile, kXBlockBytes / (K * 4) / kTokTile * kTokTile);
  const bool direct = w.type == WeightType::f32;
#pragma omp parallel
  {
    static thread_local std::vector<float> panel;  // (4, K) widened rows; grows once per thread
    if (!direct && panel.size() < static_cast<size_t>(kRowTile * K)) panel.resize(static_cast<size_t>(kRowTile * K));
    for (int64_t m0 = 0; m0 < M; m0 += m_block) {
      const int64_t m1 = std::min(M, m0 + m_block);
#pragma omp for schedule(static) nowait
      for (int64_t t = 0; t < n_tiles; t++) {
        const int64_t n0 = t * kRowTile, R = std::min(kRowTile, N - n0);
        const float* wp = w.f32.data() + n0 * K;
        if (!direct) {
          unpack_rows(panel.data(), w, n0, R);
          wp = panel.data();
        }
        for (int64_t m = m0; m < m1; m += kTokTile) {
          const int64_t TM = std::min(kTokTile, m1 - m);
          kTiles[R - 1][TM - 1](y + m * N + n0, N, wp, x + m * K, K, accumulate);
        }
      }
    }
  }
}

}  // namespace own
