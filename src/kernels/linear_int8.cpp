#include "kernels/linear_int8.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "core/check.h"
#include "kernels/panel_schedule.h"

namespace own {

namespace {

constexpr int64_t kQuad = 4;                           // k per packed group
constexpr int64_t kQuadBytes = kPanelRows * kQuad;      // one k-quad of a panel: 64 bytes
constexpr int kMaxTok = 2;                              // tokens per tile
constexpr int64_t kXBlockBytes = 256 << 10;             // int8 x rows per pass over the weights

int64_t round_up4(int64_t K) { return (K + kQuad - 1) / kQuad * kQuad; }

int32_t load_quad(const int8_t* p) {
  int32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// y[m][n0 + j] (+)= (float(sum_k p[m][k] q[k][j]) * ws[j]) * xs[m] for TM tokens and NP panels;
// w: NP consecutive panels (K4/4, 16, 4); `valid` outputs are stored (the last panel may be padding)
template <int TM, int NP>
void tile(float* y, int64_t ldy, const int8_t* w, const float* ws, const int8_t* x, const float* xs, int64_t K4,
          int64_t valid, bool accumulate) {
  alignas(64) int32_t sums[TM][NP * kPanelRows];
  const int64_t panel_bytes = K4 * kPanelRows;
#if defined(__AVX2__)
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i acc[TM][NP * 2];
  for (int m = 0; m < TM; m++)
    for (int v = 0; v < NP * 2; v++) acc[m][v] = _mm256_setzero_si256();
  for (int64_t k = 0; k < K4; k += kQuad) {
    __m256i wv[NP * 2];
    for (int p = 0; p < NP; p++)
      for (int v = 0; v < 2; v++)
        wv[p * 2 + v] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + p * panel_bytes + k * kPanelRows + v * 32));
    for (int m = 0; m < TM; m++) {
      const __m256i xb = _mm256_set1_epi32(load_quad(x + m * K4 + k));  // p[m][k..k+3] in every lane
      const __m256i xa = _mm256_abs_epi8(xb);
      for (int v = 0; v < NP * 2; v++) {
        const __m256i pairs = _mm256_maddubs_epi16(xa, _mm256_sign_epi8(wv[v], xb));  // 16 x int16
        acc[m][v] = _mm256_add_epi32(acc[m][v], _mm256_madd_epi16(pairs, ones));     // 8 x int32
      }
    }
  }
  for (int m = 0; m < TM; m++)
    for (int v = 0; v < NP * 2; v++) _mm256_store_si256(reinterpret_cast<__m256i*>(sums[m] + v * 8), acc[m][v]);
#else
  for (int m = 0; m < TM; m++)
    for (int j = 0; j < NP * kPanelRows; j++) {
      int32_t s = 0;
      const int8_t* panel = w + (j / kPanelRows) * panel_bytes + (j % kPanelRows) * kQuad;
      for (int64_t k = 0; k < K4; k++) s += int32_t(x[m * K4 + k]) * panel[(k / kQuad) * kQuadBytes + k % kQuad];
      sums[m][j] = s;
    }
#endif
  const int64_t n = std::min<int64_t>(valid, NP * kPanelRows);
  for (int m = 0; m < TM; m++)
    for (int64_t j = 0; j < n; j++) {
      const float d = static_cast<float>(sums[m][j]) * ws[j] * xs[m];
      y[m * ldy + j] = accumulate ? y[m * ldy + j] + d : d;
    }
}

// panels per tile for TM tokens: 8 int32 accumulators, registers left for weights and temporaries
// (measured on AVX2 at K 768: 2 tokens x 2 panels beats 4 x 1, 3 x 2 and 2 x 3 by 10-25% on a
// prefill-sized M)
constexpr int panels_for(int tm) { return tm == 1 ? 4 : 2; }

using TileFn = void (*)(float*, int64_t, const int8_t*, const float*, const int8_t*, const float*, int64_t, int64_t,
                        bool);

template <int TM = kMaxTok>
TileFn pick(int64_t tm, bool single) {
  if constexpr (TM == 1) {
    return single ? tile<1, 1> : tile<1, panels_for(1)>;
  } else {
    if (tm == TM) return single ? tile<TM, 1> : tile<TM, panels_for(TM)>;
    return pick<TM - 1>(tm, single);
  }
}

}  // namespace

size_t int8_packed_index(int64_t n, int64_t k, int64_t K) {
  const int64_t K4 = round_up4(K);
  return static_cast<size_t>((n / kPanelRows) * K4 * kPanelRows + (k / kQuad) * kQuadBytes + (n % kPanelRows) * kQuad +
                             k % kQuad);
}

void pack_int8(PackedWeight& p, const float* w) {
  const int64_t N = p.rows, K = p.cols, P = n_panels(N);
  OWN_CHECK(K < (int64_t(1) << 17), "int8 weights need K < 2^17 (int32 sums)");
  p.data = HugeBuffer(static_cast<size_t>(P * round_up4(K) * kPanelRows));
  p.scales.assign(static_cast<size_t>(P * kPanelRows), 0.0f);
  int8_t* q = p.data.as<int8_t>();
  for (int64_t n = 0; n < N; n++) {
    const float* src = w + n * K;
    float amax = 0.0f;
    for (int64_t k = 0; k < K; k++) amax = std::max(amax, std::fabs(src[k]));
    const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
    p.scales[static_cast<size_t>(n)] = amax / 127.0f;
    for (int64_t k = 0; k < K; k++)
      q[int8_packed_index(n, k, K)] = static_cast<int8_t>(std::clamp(std::lround(src[k] * inv), -127L, 127L));
  }
}

// symmetric quantization of one row: row: (K) -> out: (K4) int8, zero-padded past K; *scale
static void quantize_row_int8(int8_t* out, float* scale, const float* row, int64_t K, int64_t K4) {
  int64_t k = 0;
  float amax = 0.0f;
  bool has_nan = false;
#if defined(__AVX2__)
  const __m256 abs_mask = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
  __m256 vmax = _mm256_setzero_ps(), nan = _mm256_setzero_ps();
  for (; k + 8 <= K; k += 8) {
    const __m256 v = _mm256_loadu_ps(row + k);
    vmax = _mm256_max_ps(vmax, _mm256_and_ps(v, abs_mask));
    nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
  }
  alignas(32) float lanes[8];
  _mm256_store_ps(lanes, vmax);
  for (float l : lanes) amax = std::max(amax, l);
  has_nan = _mm256_movemask_ps(nan) != 0;
#endif
  for (int64_t j = k; j < K; j++) {
    amax = std::max(amax, std::fabs(row[j]));
    has_nan |= std::isnan(row[j]);
  }
  if (has_nan) amax = NAN;  // the scale, so the row's outputs are NaN, as in fp32
  const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
  *scale = amax / 127.0f;
  k = 0;
#if defined(__AVX2__)
  // round to nearest even (the MXCSR default, as lrint), pack 4 x 8 int32 -> 32 int8 in order
  const __m256 vinv = _mm256_set1_ps(inv);
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);
  for (; k + 32 <= K; k += 32) {
    __m256i i32[4];
    for (int c = 0; c < 4; c++) i32[c] = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + k + 8 * c), vinv));
    const __m256i i8 = _mm256_packs_epi16(_mm256_packs_epi32(i32[0], i32[1]), _mm256_packs_epi32(i32[2], i32[3]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + k), _mm256_permutevar8x32_epi32(i8, order));
  }
#endif
  for (; k < K; k++) out[k] = static_cast<int8_t>(std::lrint(row[k] * inv));  // |.| <= 127
  for (; k < K4; k++) out[k] = 0;
}

void linear_forward_int8(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate) {
  const int64_t N = w.rows, K = w.cols, K4 = round_up4(K), P = n_panels(N);
  // the calling thread's scratch for the quantized rows: grows to the largest batch, then stays
  thread_local std::vector<int8_t> xq;
  thread_local std::vector<float> xs;
  if (xq.size() < static_cast<size_t>(M * K4)) xq.resize(static_cast<size_t>(M * K4));
  if (xs.size() < static_cast<size_t>(M)) xs.resize(static_cast<size_t>(M));
  int8_t* const q = xq.data();
  float* const s = xs.data();
  const int8_t* const wq = w.data.as<int8_t>();
  const int64_t m_block = std::max<int64_t>(kMaxTok, kXBlockBytes / K4 / kMaxTok * kMaxTok);
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (int64_t m = 0; m < M; m++) quantize_row_int8(q + m * K4, s + m, x + m * K, K, K4);
    for_each_tile(M, P, m_block, kMaxTok, panels_for, [&](int64_t m, int64_t tm, int64_t p, bool single) {
      const int64_t n0 = p * kPanelRows;
      pick(tm, single)(y + m * N + n0, N, wq + p * K4 * kPanelRows, w.scales.data() + n0, q + m * K4, s + m, K4, N - n0,
                       accumulate);
    });
  }
}

}  // namespace own
