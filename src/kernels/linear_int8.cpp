#include "kernels/linear_int8.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "core/check.h"
#include "kernels/panel_schedule.h"

namespace own {

namespace {

constexpr int64_t kQuad = 4;                           // k per packed group
constexpr int64_t kQuadBytes = kPanelRows * kQuad;      // one k-quad of a panel: 64 bytes
constexpr int64_t kXBlockBytes = 256 << 10;             // int8 x rows per pass over the weights
constexpr int kMaxTileRows = 8, kMaxTilePanels = 8;     // bounds on any Int8Dot's tile

int64_t round_up4(int64_t K) { return (K + kQuad - 1) / kQuad * kQuad; }

// y[m][n0 + j] (+)= (float(sums[m][j] - offset * qsum[j]) * ws[j]) * xs[m] for tm rows, `valid` outputs
void store_tile(float* y, int64_t ldy, const int32_t* sums, int64_t lds, int tm, int64_t valid, const float* ws,
                const int32_t* qsum, int32_t offset, const float* xs, bool accumulate) {
  for (int m = 0; m < tm; m++)
    for (int64_t j = 0; j < valid; j++) {
      const int32_t s = sums[m * lds + j] - offset * qsum[j];
      const float d = static_cast<float>(s) * ws[j] * xs[m];
      y[m * ldy + j] = accumulate ? y[m * ldy + j] + d : d;
    }
}

}  // namespace

const std::vector<const Int8Dot*>& int8_dots() {
  static const std::vector<const Int8Dot*> all = {&kInt8DotScalar, &kInt8DotAvx2, &kInt8DotAvx512Vnni};
  return all;
}

const Int8Dot& int8_dot() {
  static const Int8Dot& best = best_variant(int8_dots());
  return best;
}

size_t int8_packed_index(int64_t n, int64_t k, int64_t K) {
  const int64_t K4 = round_up4(K);
  return static_cast<size_t>((n / kPanelRows) * K4 * kPanelRows + (k / kQuad) * kQuadBytes + (n % kPanelRows) * kQuad +
                             k % kQuad);
}

void pack_int8(PackedWeight& p, const float* w) {
  const int64_t N = p.rows, K = p.cols, P = n_panels(N);
  OWN_CHECK(K < (int64_t(1) << 16), "int8 weights need K < 2^16 (exact int32 sums of (p + 128) q)");
  p.data = HugeBuffer(static_cast<size_t>(P * round_up4(K) * kPanelRows));
  p.scales.assign(static_cast<size_t>(P * kPanelRows), 0.0f);
  p.qsums.assign(static_cast<size_t>(P * kPanelRows), 0);
  int8_t* q = p.data.as<int8_t>();
  for (int64_t n = 0; n < N; n++) {
    const float* src = w + n * K;
    float amax = 0.0f;
    for (int64_t k = 0; k < K; k++) amax = std::max(amax, std::fabs(src[k]));
    const float inv = amax > 0.0f ? 127.0f / amax : 0.0f;
    p.scales[static_cast<size_t>(n)] = amax / 127.0f;
    int32_t sum = 0;
    for (int64_t k = 0; k < K; k++) {
      const auto v = static_cast<int8_t>(std::clamp(std::lround(src[k] * inv), -127L, 127L));
      q[int8_packed_index(n, k, K)] = v;
      sum += v;
    }
    p.qsums[static_cast<size_t>(n)] = sum;
  }
}

// symmetric quantization of one row: row: (K) -> out: (K4) int8 XOR flip (0, or 0x80 for p + 128),
// zero-padded past K; *scale
static void quantize_row_int8(int8_t* out, float* scale, const float* row, int64_t K, int64_t K4, uint8_t flip) {
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
  const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7), vflip = _mm256_set1_epi8(static_cast<char>(flip));
  for (; k + 32 <= K; k += 32) {
    __m256i i32[4];
    for (int c = 0; c < 4; c++) i32[c] = _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + k + 8 * c), vinv));
    const __m256i i8 = _mm256_packs_epi16(_mm256_packs_epi32(i32[0], i32[1]), _mm256_packs_epi32(i32[2], i32[3]));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + k),
                        _mm256_xor_si256(_mm256_permutevar8x32_epi32(i8, order), vflip));
  }
#endif
  for (; k < K; k++) out[k] = static_cast<int8_t>(static_cast<long>(std::lrint(row[k] * inv)) ^ flip);  // |.| <= 127
  for (; k < K4; k++) out[k] = static_cast<int8_t>(flip);
}

void linear_forward_int8(float* y, const float* x, const PackedWeight& w, int64_t M, bool accumulate,
                         const Int8Dot* dot) {
  const Int8Dot& d = dot ? *dot : int8_dot();
  OWN_CHECK(d.max_tok <= kMaxTileRows && d.panels_for(1) <= kMaxTilePanels, "int8 tile of {} is too large", d.name);
  const int64_t N = w.rows, K = w.cols, K4 = round_up4(K), P = n_panels(N);
  const uint8_t flip = d.unsigned_x ? 0x80 : 0;
  const int32_t offset = d.unsigned_x ? 128 : 0;
  // the calling thread's scratch for the quantized rows: grows to the largest batch, then stays
  thread_local std::vector<int8_t> xq;
  thread_local std::vector<float> xs;
  if (xq.size() < static_cast<size_t>(M * K4)) xq.resize(static_cast<size_t>(M * K4));
  if (xs.size() < static_cast<size_t>(M)) xs.resize(static_cast<size_t>(M));
  int8_t* const q = xq.data();
  float* const s = xs.data();
  const int8_t* const wq = w.data.as<int8_t>();
  const int64_t m_block = std::max<int64_t>(d.max_tok, kXBlockBytes / K4 / d.max_tok * d.max_tok);
  auto panels_for = [&d](int tm) { return d.panels_for(tm); };
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (int64_t m = 0; m < M; m++) quantize_row_int8(q + m * K4, s + m, x + m * K, K, K4, flip);
    alignas(64) int32_t sums[kMaxTileRows * kMaxTilePanels * kPanelRows];
    for_each_tile(M, P, m_block, d.max_tok, panels_for, [&](int64_t m, int64_t tm, int64_t p, bool single) {
      const int64_t n0 = p * kPanelRows, np = single ? 1 : d.panels_for(static_cast<int>(tm));
      d.pick(static_cast<int>(tm), single)(sums, wq + p * K4 * kPanelRows, K4 * kPanelRows, q + m * K4, K4);
      store_tile(y + m * N + n0, N, sums, np * kPanelRows, static_cast<int>(tm), std::min(N - n0, np * kPanelRows),
                 w.scales.data() + n0, w.qsums.data() + n0, offset, s + m, accumulate);
    });
  }
}

}  // namespace own
