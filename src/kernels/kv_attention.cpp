#include "kernels/kv_attention.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/check.h"
#include "kernels/simd.h"

namespace own {

void kv_store(float* kc, float* vc, const float* k, const float* v, int64_t pos, int64_t Hkv, int64_t D, int64_t cap) {
  const int64_t blk = pos / kKvBlock, lane = pos % kKvBlock;
  for (int64_t g = 0; g < Hkv; g++) {
    float* kb = kc + (g * (cap / kKvBlock) + blk) * D * kKvBlock;
    for (int64_t d = 0; d < D; d++) kb[d * kKvBlock + lane] = k[g * D + d];
    float* vr = vc + (g * cap + pos) * D;
    for (int64_t d = 0; d < D; d++) vr[d] = v[g * D + d];
  }
}

namespace {

// s[j] = q . key j, for the 32 keys of one transposed block kb: (D, 32)
inline void score_block(float* s, const float* q, const float* kb, int64_t D) {
#ifdef OWN_SIMD
  using namespace simd;
  constexpr int NV = static_cast<int>(kKvBlock / W);
  vf acc[NV];
  for (int v = 0; v < NV; v++) acc[v] = vset(0.0f);
  for (int64_t d = 0; d < D; d++) {
    vf qd = vset(q[d]);
    for (int v = 0; v < NV; v++) acc[v] = vfma(qd, vload(kb + d * kKvBlock + v * W), acc[v]);
  }
  for (int v = 0; v < NV; v++) vstore(s + v * W, acc[v]);
#else
  for (int64_t j = 0; j < kKvBlock; j++) s[j] = 0.0f;
  for (int64_t d = 0; d < D; d++)
    for (int64_t j = 0; j < kKvBlock; j++) s[j] += q[d] * kb[d * kKvBlock + j];
#endif
}

// acc (D) = acc * corr + sum_{j < n} s[j] * vb[j]: vb: (n, D) value rows. Each element is one
// multiply, then one FMA per key in key order (the bits of a scale followed by n axpys), with 32
// output columns held in registers across the keys instead of a load and store per key.
inline void accumulate_values(float* acc, float corr, const float* s, const float* vb, int64_t n, int64_t D) {
  int64_t d0 = 0;
#ifdef OWN_SIMD
  using namespace simd;
  constexpr int NV = static_cast<int>(32 / W) > 0 ? static_cast<int>(32 / W) : 1;
  for (; d0 + NV * W <= D; d0 += NV * W) {
    vf a[NV];
    const vf c = vset(corr);
    for (int v = 0; v < NV; v++) a[v] = vmul(vload(acc + d0 + v * W), c);
    for (int64_t j = 0; j < n; j++) {
      const vf sj = vset(s[j]);
      for (int v = 0; v < NV; v++) a[v] = vfma(sj, vload(vb + j * D + d0 + v * W), a[v]);
    }
    for (int v = 0; v < NV; v++) vstore(acc + d0 + v * W, a[v]);
  }
#endif
  for (; d0 < D; d0++) {
    float a = acc[d0] * corr;
    for (int64_t j = 0; j < n; j++) a = std::fma(s[j], vb[j * D + d0], a);
    acc[d0] = a;
  }
}

// One query row of one head against keys 0..p: online softmax over blocks of 32 keys.
// qs: (D) query already scaled by 1/sqrt(D); kh: (cap/32, D, 32); vh: (cap, D); acc: (D) scratch
void attend_row(float* out, const float* qs, const float* kh, const float* vh, int64_t p, int64_t D, float* acc) {
  alignas(64) float s[kKvBlock];
  float m = -INFINITY, l = 0.0f;
  std::fill(acc, acc + D, 0.0f);
  for (int64_t blk = 0; blk * kKvBlock <= p; blk++) {
    score_block(s, qs, kh + blk * D * kKvBlock, D);
    const int64_t nvalid = std::min(kKvBlock, p - blk * kKvBlock + 1);
    float bm = s[0];
    for (int64_t j = 1; j < nvalid; j++) bm = std::max(bm, s[j]);
    const float m_new = std::max(m, bm);
    const float corr = std::exp(m - m_new);  // 0 on the first block (m = -inf)
    for (int64_t j = 0; j < kKvBlock; j++) s[j] -= m_new;
    simd::exp_inplace(s, kKvBlock);
    float bl = 0.0f;
    for (int64_t j = 0; j < nvalid; j++) bl += s[j];
    l = l * corr + bl;
    m = m_new;
    accumulate_values(acc, corr, s, vh + blk * kKvBlock * D, nvalid, D);
  }
  const float inv = 1.0f / l;
  for (int64_t d = 0; d < D; d++) out[d] = acc[d] * inv;
}

}  // namespace

void kv_attention_forward(float* out, int64_t out_stride, const float* q, int64_t q_stride,
                          std::span<const KvSegment> segments, int64_t H, int64_t Hkv, int64_t D, int64_t cap) {
  OWN_CHECK(H % Hkv == 0 && cap % kKvBlock == 0, "bad attention shape");
  // one task per (segment, head, query); tasks of a segment are contiguous
  std::vector<int64_t> first_task(segments.size() + 1, 0);  // small: one entry per sequence
  for (size_t i = 0; i < segments.size(); i++) {
    OWN_CHECK(segments[i].pos0 + segments[i].n <= cap, "attention past the cache");
    first_task[i + 1] = first_task[i] + H * segments[i].n;
  }
  const int64_t n_tasks = first_task.back(), group = H / Hkv, n_blocks = cap / kKvBlock;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
#pragma omp parallel
  {
    static thread_local std::vector<float> buf;  // scaled query | accumulator; grows once
    if (buf.size() < static_cast<size_t>(2 * D)) buf.resize(static_cast<size_t>(2 * D));
#pragma omp for schedule(dynamic, 4)
    for (int64_t t = 0; t < n_tasks; t++) {
      const size_t si = static_cast<size_t>(std::upper_bound(first_task.begin(), first_task.end(), t) - first_task.begin() - 1);
      const KvSegment& sg = segments[si];
      const int64_t local = t - first_task[si], h = local / sg.n, i = local % sg.n, g = h / group;
      const int64_t row = sg.row0 + i;
      const float* qr = q + row * q_stride + h * D;
      for (int64_t d = 0; d < D; d++) buf[static_cast<size_t>(d)] = qr[d] * scale;
      attend_row(out + row * out_stride + h * D, buf.data(), sg.kc + g * n_blocks * D * kKvBlock,
                 sg.vc + g * cap * D, sg.pos0 + i, D, buf.data() + D);
    }
  }
}

}  // namespace own
