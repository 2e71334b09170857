#include "kernels/kv_attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/bf16.h"
#include "core/check.h"
#include "kernels/simd.h"

namespace own {

namespace {

inline void put(float* dst, float x) { *dst = x; }
inline void put(uint16_t* dst, float x) { *dst = to_bf16(x); }
inline float get(const float* p) { return *p; }
inline float get(const uint16_t* p) { return from_bf16(*p); }
#ifdef OWN_SIMD
inline simd::vf load(const float* p) { return simd::vload(p); }
inline simd::vf load(const uint16_t* p) { return simd::vload_bf16(p); }
#endif

template <typename T>
void kv_store_typed(T* kc, T* vc, const float* k, const float* v, int64_t pos, int64_t Hkv, int64_t D, int64_t cap) {
  const int64_t blk = pos / kKvBlock, lane = pos % kKvBlock;
  for (int64_t g = 0; g < Hkv; g++) {
    T* kb = kc + (g * (cap / kKvBlock) + blk) * D * kKvBlock;
    for (int64_t d = 0; d < D; d++) put(kb + d * kKvBlock + lane, k[g * D + d]);
    T* vr = vc + (g * cap + pos) * D;
    for (int64_t d = 0; d < D; d++) put(vr + d, v[g * D + d]);
  }
}

constexpr int kMaxRows = 4;  // query rows of one head that share each key / value load in prefill
#ifdef OWN_SIMD
constexpr int kHalf = static_cast<int>(16 / simd::W) > 0 ? static_cast<int>(16 / simd::W) : 1;  // vectors per 16 floats
constexpr int64_t kCols = kHalf * simd::W;                                                      // 16 (AVX2, AVX-512)
#endif

// s[r][j] = q_r . key j for R queries and the 32 keys of one transposed block kb: (D, 32).
// Each score is one FMA chain over d = 0..D-1, whatever R.
template <int R, typename T>
inline void score_rows(float (*s)[kKvBlock], const float* q, const T* kb, int64_t D) {
#ifdef OWN_SIMD
  using namespace simd;
  for (int64_t j0 = 0; j0 < kKvBlock; j0 += kCols) {
    vf acc[R][kHalf];
    for (int r = 0; r < R; r++)
      for (int v = 0; v < kHalf; v++) acc[r][v] = vset(0.0f);
    for (int64_t d = 0; d < D; d++) {
      vf kv[kHalf];
      for (int v = 0; v < kHalf; v++) kv[v] = load(kb + d * kKvBlock + j0 + v * W);
      for (int r = 0; r < R; r++) {
        const vf qd = vset(q[r * D + d]);
        for (int v = 0; v < kHalf; v++) acc[r][v] = vfma(qd, kv[v], acc[r][v]);
      }
    }
    for (int r = 0; r < R; r++)
      for (int v = 0; v < kHalf; v++) vstore(s[r] + j0 + v * W, acc[r][v]);
  }
#else
  for (int r = 0; r < R; r++) {
    for (int64_t j = 0; j < kKvBlock; j++) s[r][j] = 0.0f;
    for (int64_t d = 0; d < D; d++)
      for (int64_t j = 0; j < kKvBlock; j++) s[r][j] = std::fma(q[r * D + d], get(kb + d * kKvBlock + j), s[r][j]);
  }
#endif
}

// acc_r (D) = acc_r * corr[r] + sum_{j < n} s[r][j] * vb[j] for R rows; vb: (n, D) value rows.
// Each element is one multiply, then one FMA per key in key order, whatever R; 16 columns of
// every row stay in registers across the keys.
template <int R, typename T>
inline void accumulate_values(float* acc, const float* corr, const float (*s)[kKvBlock], const T* vb, int64_t n,
                              int64_t D) {
  int64_t d0 = 0;
#ifdef OWN_SIMD
  using namespace simd;
  for (; d0 + kCols <= D; d0 += kCols) {
    vf a[R][kHalf];
    for (int r = 0; r < R; r++)
      for (int v = 0; v < kHalf; v++) a[r][v] = vmul(vload(acc + r * D + d0 + v * W), vset(corr[r]));
    for (int64_t j = 0; j < n; j++) {
      vf vv[kHalf];
      for (int v = 0; v < kHalf; v++) vv[v] = load(vb + j * D + d0 + v * W);
      for (int r = 0; r < R; r++) {
        const vf sj = vset(s[r][j]);
        for (int v = 0; v < kHalf; v++) a[r][v] = vfma(sj, vv[v], a[r][v]);
      }
    }
    for (int r = 0; r < R; r++)
      for (int v = 0; v < kHalf; v++) vstore(acc + r * D + d0 + v * W, a[r][v]);
  }
#endif
  for (; d0 < D; d0++)
    for (int r = 0; r < R; r++) {
      float a = acc[r * D + d0] * corr[r];
      for (int64_t j = 0; j < n; j++) a = std::fma(s[r][j], get(vb + j * D + d0), a);
      acc[r * D + d0] = a;
    }
}

// R consecutive query rows of one head, at positions p0 .. p0 + R - 1, against their causal keys:
// online softmax over blocks of 32 keys. Row r's operations are those of a lone row at p0 + r
// (scores and value sums are shared only where every row sees the whole block), so its bits do
// not depend on R. qs: (R, D) queries already scaled by 1/sqrt(D); kh: (cap/32, D, 32);
// vh: (cap, D); out: rows of out_stride; acc: (R, D) scratch
template <int R, typename T>
void attend_rows(float* out, int64_t out_stride, const float* qs, const T* kh, const T* vh, int64_t p0, int64_t D,
                 float* acc) {
  alignas(64) float s[R][kKvBlock];
  float m[R], l[R], corr[R];
  for (int r = 0; r < R; r++) m[r] = -INFINITY, l[r] = 0.0f;
  std::fill(acc, acc + R * D, 0.0f);
  for (int64_t blk = 0; blk * kKvBlock <= p0 + R - 1; blk++) {
    score_rows<R>(s, qs, kh + blk * D * kKvBlock, D);
    int64_t nvalid[R];
    for (int r = 0; r < R; r++) {
      nvalid[r] = std::clamp<int64_t>(p0 + r - blk * kKvBlock + 1, 0, kKvBlock);
      if (nvalid[r] == 0) continue;  // this row's keys ended in an earlier block
      const float m_new = std::max(m[r], simd::max(s[r], nvalid[r]));
      corr[r] = std::exp(m[r] - m_new);  // 0 on the first block (m = -inf)
      for (int64_t j = 0; j < kKvBlock; j++) s[r][j] -= m_new;
      simd::exp_inplace(s[r], kKvBlock);
      l[r] = l[r] * corr[r] + simd::sum(s[r], nvalid[r]);
      m[r] = m_new;
    }
    const T* vb = vh + blk * kKvBlock * D;
    if (nvalid[0] == kKvBlock) {  // every row sees the whole block
      accumulate_values<R>(acc, corr, s, vb, kKvBlock, D);
    } else {
      for (int r = 0; r < R; r++)
        if (nvalid[r] > 0) accumulate_values<1>(acc + r * D, corr + r, s + r, vb, nvalid[r], D);
    }
  }
  for (int r = 0; r < R; r++) {
    const float inv = 1.0f / l[r];
    for (int64_t d = 0; d < D; d++) out[r * out_stride + d] = acc[r * D + d] * inv;
  }
}

template <typename T>
void attention_typed(float* out, int64_t out_stride, const float* q, int64_t q_stride, std::span<const KvSegment> segments,
                     int64_t H, int64_t Hkv, int64_t D, int64_t cap) {
  using AttendFn = void (*)(float*, int64_t, const float*, const T*, const T*, int64_t, int64_t, float*);
  constexpr AttendFn attend[kMaxRows + 1] = {nullptr, attend_rows<1, T>, attend_rows<2, T>, attend_rows<3, T>,
                                             attend_rows<4, T>};
  OWN_CHECK(H % Hkv == 0 && cap % kKvBlock == 0, "bad attention shape");
  // one task per (segment, head, group of up to kMaxRows consecutive queries); tasks of a segment
  // are contiguous
  std::vector<int64_t> first_task(segments.size() + 1, 0);  // small: one entry per sequence
  for (size_t i = 0; i < segments.size(); i++) {
    OWN_CHECK(segments[i].pos0 + segments[i].n <= cap, "attention past the cache");
    first_task[i + 1] = first_task[i] + H * ((segments[i].n + kMaxRows - 1) / kMaxRows);
  }
  const int64_t n_tasks = first_task.back(), group = H / Hkv, n_blocks = cap / kKvBlock;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
#pragma omp parallel
  {
    static thread_local std::vector<float> buf;  // scaled queries | accumulators; grows once
    if (buf.size() < static_cast<size_t>(2 * kMaxRows * D)) buf.resize(static_cast<size_t>(2 * kMaxRows * D));
#pragma omp for schedule(dynamic, 2)
    for (int64_t t = 0; t < n_tasks; t++) {
      const size_t si = static_cast<size_t>(std::upper_bound(first_task.begin(), first_task.end(), t) - first_task.begin() - 1);
      const KvSegment& sg = segments[si];
      const int64_t groups = (sg.n + kMaxRows - 1) / kMaxRows;
      const int64_t local = t - first_task[si], h = local / groups, i0 = (local % groups) * kMaxRows, g = h / group;
      const int64_t R = std::min<int64_t>(kMaxRows, sg.n - i0), row = sg.row0 + i0;
      for (int64_t r = 0; r < R; r++) {
        const float* qr = q + (row + r) * q_stride + h * D;
        for (int64_t d = 0; d < D; d++) buf[static_cast<size_t>(r * D + d)] = qr[d] * scale;
      }
      const T* kc = static_cast<const T*>(sg.kc);
      const T* vc = static_cast<const T*>(sg.vc);
      attend[R](out + row * out_stride + h * D, out_stride, buf.data(), kc + g * n_blocks * D * kKvBlock, vc + g * cap * D,
                sg.pos0 + i0, D, buf.data() + kMaxRows * D);
    }
  }
}

}  // namespace

void kv_store(KvType type, void* kc, void* vc, const float* k, const float* v, int64_t pos, int64_t Hkv, int64_t D,
              int64_t cap) {
  if (type == KvType::bf16)
    kv_store_typed(static_cast<uint16_t*>(kc), static_cast<uint16_t*>(vc), k, v, pos, Hkv, D, cap);
  else
    kv_store_typed(static_cast<float*>(kc), static_cast<float*>(vc), k, v, pos, Hkv, D, cap);
}

void kv_attention_forward(KvType type, float* out, int64_t out_stride, const float* q, int64_t q_stride,
                          std::span<const KvSegment> segments, int64_t H, int64_t Hkv, int64_t D, int64_t cap) {
  if (type == KvType::bf16)
    attention_typed<uint16_t>(out, out_stride, q, q_stride, segments, H, Hkv, D, cap);
  else
    attention_typed<float>(out, out_stride, q, q_stride, segments, H, Hkv, D, cap);
}

}  // namespace own
