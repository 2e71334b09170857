#include "kernels/attention.h"

#include <omp.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/simd.h"

// Blocked flash-style attention. A task is one (b, head) in the forward, one (b, kv head) in the
// backward; its queries go in blocks of kTq rows, and within a block every product is a small
// register-tiled GEMM (tile(): R rows x C vectors of accumulators, A broadcast a scalar at a time,
// B loaded a vector at a time).
//   forward:  S = Q K^T, row softmax (max, exp, sum -> lse), O = P V / sum
//   backward: S = Q K^T, dP = dO V^T, P = exp(scale S - lse), dS = P (dP - dO.O) scale,
//             dV += P^T dO, dK += dS^T Q (each dk_j / dv_j row is loaded and stored once per block,
//             not once per query row), dQ = dS K
// Causality is applied per R-row chunk: columns and reduction ranges stop at the chunk's last row,
// and masked entries are written as exact zeros, so little work is spent above the diagonal.
// Operands are copied (K and V also transposed) into per-thread scratch whose rows are padded with
// zeros to whole vectors, so the tiles need no scalar tails for any D or T; leading dimensions are
// odd multiples of 64 bytes so column stripes spread over the L1 sets. Only (Tq, T) score blocks
// exist, never (T, T). The next block's cold rows are prefetched a few lines per tile. Results
// do not depend on the thread count: each task owns its outputs and sums in a fixed order.

namespace own {
namespace {

#ifdef OWN_SIMD
constexpr int64_t L = simd::W;
using simd::vadd;
using simd::vexp;
using simd::vf;
using simd::vfma;
using simd::vload;
using simd::vmul;
using simd::vset;
using simd::vstore;
using simd::vsub;
using simd::vsum;
#else
constexpr int64_t L = 1;
using vf = float;
inline vf vload(const float* p) { return *p; }
inline void vstore(float* p, vf v) { *p = v; }
inline vf vset(float x) { return x; }
inline vf vadd(vf a, vf b) { return a + b; }
inline vf vsub(vf a, vf b) { return a - b; }
inline vf vmul(vf a, vf b) { return a * b; }
inline vf vfma(vf a, vf b, vf c) { return a * b + c; }
inline vf vexp(vf x) { return std::exp(x); }
inline float vsum(vf a) { return a; }
#endif

// Register tile: R rows x C vectors of accumulators, plus C B vectors and a broadcast, within the
// 16 vector registers of AVX2 (32 on AVX-512).
#if defined(OWN_SIMD) && OWN_SIMD == 16
constexpr int kR = 6, kC = 4;
#else
constexpr int kR = 4, kC = 3;
#endif
constexpr int64_t kTq = 32;  // query rows per block

int64_t round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }
// leading dimension >= x, an odd multiple of 16 floats (64 B)
int64_t pad_ld(int64_t x) {
  int64_t ld = round_up(std::max<int64_t>(x, 1), 16);
  return (ld / 16) % 2 == 0 ? ld + 16 : ld;
}

// Per-thread scratch, 64-byte aligned. Grown outside the parallel regions, so the steady state
// allocates nothing.
float* scratch(int64_t per_thread) {
  static std::vector<float> buf;
  size_t need = static_cast<size_t>(per_thread * omp_get_max_threads() + 16);
  if (buf.size() < need) buf.resize(need);
  uintptr_t p = reinterpret_cast<uintptr_t>(buf.data());
  return buf.data() + (((64 - p % 64) % 64) / sizeof(float));
}

// A queue of row ranges whose cache lines are prefetched a few at a time (step() is called once
// per GEMM tile), so the next block's cold operands arrive while this block computes.
class Prefetcher {
 public:
  void add(const float* p, int64_t ld, int64_t rows, int64_t D) {
    if (rows > 0 && n_ < kMax) s_[n_++] = {p, ld, rows, D};
  }
  void step(int lines) {
    for (; lines > 0 && cur_ < n_; lines--) {
      const Stream& s = s_[cur_];
      const uintptr_t first = reinterpret_cast<uintptr_t>(s.p + row_ * s.ld) & ~uintptr_t{63};
      const uintptr_t last = reinterpret_cast<uintptr_t>(s.p + row_ * s.ld + s.D - 1) & ~uintptr_t{63};
      __builtin_prefetch(reinterpret_cast<const char*>(first) + 64 * off_);
      if (first + 64 * off_ < last) {
        off_++;
      } else {
        off_ = 0;
        if (++row_ == s.rows) row_ = 0, cur_++;
      }
    }
  }
  void finish() {  // issue what is left and empty the queue
    step(INT_MAX);
    n_ = cur_ = 0;
    row_ = off_ = 0;
  }

 private:
  struct Stream {
    const float* p;
    int64_t ld, rows, D;
  };
  static constexpr int kMax = 8;
  Stream s_[kMax];
  int n_ = 0, cur_ = 0;
  int64_t row_ = 0, off_ = 0;
};

// c[r, v] (= or +=) sum_{k0 <= k < k1} A(r, k) * b[k, v] for r < R, v < C vectors.
// A(r, k) = a[r lda + k], or a[k lda + r] when AT. Kept out of line: inlined into the GEMM loops,
// the compiler runs short of registers and spills.
template <int R, int C, bool AT>
__attribute__((noinline)) void tile(float* c, int64_t ldc, const float* a, int64_t lda, const float* b,
                                    int64_t ldb, int64_t k0, int64_t k1, bool accumulate) {
  vf acc[R][C];
#pragma GCC unroll 8
  for (int r = 0; r < R; r++)
#pragma GCC unroll 8
    for (int v = 0; v < C; v++) acc[r][v] = accumulate ? vload(c + r * ldc + v * L) : vset(0.0f);
  const float* bk = b + k0 * ldb;
  const float* ak = AT ? a + k0 * lda : a + k0;
  for (int64_t k = k0; k < k1; k++, bk += ldb, ak += AT ? lda : 1) {
    vf bv[C];
#pragma GCC unroll 8
    for (int v = 0; v < C; v++) {
      bv[v] = vload(bk + v * L);
#ifdef OWN_SIMD
      // Keep b in a register: otherwise the compiler folds the load into each of the R FMAs that
      // use it, and R + R C loads per step make the loop load-bound (~75% of FMA peak, vs ~97%).
      asm("" : "+v"(bv[v]));
#endif
    }
#pragma GCC unroll 8
    for (int r = 0; r < R; r++) {
      vf av = vset(AT ? ak[r] : ak[r * lda]);
#pragma GCC unroll 8
      for (int v = 0; v < C; v++) acc[r][v] = vfma(av, bv[v], acc[r][v]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < R; r++)
#pragma GCC unroll 8
    for (int v = 0; v < C; v++) vstore(c + r * ldc + v * L, acc[r][v]);
}

// tile<rr, w> for rr <= R, w <= C chosen at run time
template <int R, int C, bool AT>
inline void tile_any(int64_t rr, int64_t w, float* c, int64_t ldc, const float* a, int64_t lda, const float* b,
                     int64_t ldb, int64_t k0, int64_t k1, bool accumulate) {
  if constexpr (R > 1)
    if (rr < R) return tile_any<R - 1, C, AT>(rr, w, c, ldc, a, lda, b, ldb, k0, k1, accumulate);
  if constexpr (C > 1)
    if (w < C) return tile_any<R, C - 1, AT>(rr, w, c, ldc, a, lda, b, ldb, k0, k1, accumulate);
  tile<R, C, AT>(c, ldc, a, lda, b, ldb, k0, k1, accumulate);
}

// C (m rows) = or += A B. Row chunk [r0, r0 + rr) covers nvec(r0, rr) vectors of columns and
// reduces over krange(r0, rr) = [k0, k1). kColsOuter: column tiles outer (keeps a B stripe in L1),
// else row chunks outer (keeps an A stripe in L1).
template <bool AT, bool kColsOuter, class NVec, class KRange>
void gemm(float* c, int64_t ldc, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t m, NVec nvec,
          KRange krange, bool accumulate, Prefetcher& pf) {
  auto run = [&](int64_t r0, int64_t rr, int64_t v0, int64_t w) {
    auto [k0, k1] = krange(r0, rr);
    tile_any<kR, kC, AT>(rr, w, c + r0 * ldc + v0 * L, ldc, AT ? a + r0 : a + r0 * lda, lda, b + v0 * L, ldb, k0,
                         k1, accumulate);
    pf.step(2);
  };
  if constexpr (kColsOuter) {
    int64_t vmax = 0;
    for (int64_t r0 = 0; r0 < m; r0 += kR) vmax = std::max(vmax, nvec(r0, std::min<int64_t>(kR, m - r0)));
    for (int64_t v0 = 0; v0 < vmax; v0 += kC)
      for (int64_t r0 = 0; r0 < m; r0 += kR) {
        int64_t rr = std::min<int64_t>(kR, m - r0), nv = nvec(r0, rr);
        if (v0 < nv) run(r0, rr, v0, std::min<int64_t>(kC, nv - v0));
      }
  } else {
    for (int64_t r0 = 0; r0 < m; r0 += kR) {
      int64_t rr = std::min<int64_t>(kR, m - r0), nv = nvec(r0, rr);
      for (int64_t v0 = 0; v0 < nv; v0 += kC) run(r0, rr, v0, std::min<int64_t>(kC, nv - v0));
    }
  }
}

// rows [0, n) of stride `row`, D wide  ->  dst (n, ld), columns [D, round_up(D, L)) zeroed
void copy_rows(float* dst, int64_t ld, const float* src, int64_t row, int64_t n, int64_t D) {
  const int64_t Dv = round_up(D, L);
  for (int64_t t = 0; t < n; t++) {
    float* d = dst + t * ld;
    const float* s = src + t * row;
    for (int64_t k = 0; k < D; k++) d[k] = s[k];
    for (int64_t k = D; k < Dv; k++) d[k] = 0.0f;
  }
}

// rows [0, T) of stride `row`, D wide  ->  dst (D, ld) transposed, columns [T, round_up(T, L))
// zeroed. 8x8 blocks in AVX registers where the build has AVX, scalar edges.
void transpose_rows(float* dst, int64_t ld, const float* src, int64_t row, int64_t T, int64_t D) {
  int64_t t8 = 0, d8 = 0;
#ifdef __AVX__
  t8 = T / 8 * 8, d8 = D / 8 * 8;
  for (int64_t t0 = 0; t0 < t8; t0 += 8)
    for (int64_t d0 = 0; d0 < d8; d0 += 8) {
      const float* s = src + t0 * row + d0;
      __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + row), r2 = _mm256_loadu_ps(s + 2 * row),
             r3 = _mm256_loadu_ps(s + 3 * row), r4 = _mm256_loadu_ps(s + 4 * row), r5 = _mm256_loadu_ps(s + 5 * row),
             r6 = _mm256_loadu_ps(s + 6 * row), r7 = _mm256_loadu_ps(s + 7 * row);
      __m256 a0 = _mm256_unpacklo_ps(r0, r1), a1 = _mm256_unpackhi_ps(r0, r1), a2 = _mm256_unpacklo_ps(r2, r3),
             a3 = _mm256_unpackhi_ps(r2, r3), a4 = _mm256_unpacklo_ps(r4, r5), a5 = _mm256_unpackhi_ps(r4, r5),
             a6 = _mm256_unpacklo_ps(r6, r7), a7 = _mm256_unpackhi_ps(r6, r7);
      __m256 b0 = _mm256_shuffle_ps(a0, a2, 0x44), b1 = _mm256_shuffle_ps(a0, a2, 0xEE),
             b2 = _mm256_shuffle_ps(a1, a3, 0x44), b3 = _mm256_shuffle_ps(a1, a3, 0xEE),
             b4 = _mm256_shuffle_ps(a4, a6, 0x44), b5 = _mm256_shuffle_ps(a4, a6, 0xEE),
             b6 = _mm256_shuffle_ps(a5, a7, 0x44), b7 = _mm256_shuffle_ps(a5, a7, 0xEE);
      float* d = dst + d0 * ld + t0;
      _mm256_storeu_ps(d, _mm256_permute2f128_ps(b0, b4, 0x20));
      _mm256_storeu_ps(d + ld, _mm256_permute2f128_ps(b1, b5, 0x20));
      _mm256_storeu_ps(d + 2 * ld, _mm256_permute2f128_ps(b2, b6, 0x20));
      _mm256_storeu_ps(d + 3 * ld, _mm256_permute2f128_ps(b3, b7, 0x20));
      _mm256_storeu_ps(d + 4 * ld, _mm256_permute2f128_ps(b0, b4, 0x31));
      _mm256_storeu_ps(d + 5 * ld, _mm256_permute2f128_ps(b1, b5, 0x31));
      _mm256_storeu_ps(d + 6 * ld, _mm256_permute2f128_ps(b2, b6, 0x31));
      _mm256_storeu_ps(d + 7 * ld, _mm256_permute2f128_ps(b3, b7, 0x31));
    }
#endif
  for (int64_t d = d8; d < D; d++)  // columns left over, all rows
    for (int64_t t = 0; t < T; t++) dst[d * ld + t] = src[t * row + d];
  for (int64_t d = 0; d < d8; d++)  // rows left over
    for (int64_t t = t8; t < T; t++) dst[d * ld + t] = src[t * row + d];
  const int64_t Tv = round_up(T, L);
  for (int64_t d = 0; d < D; d++)
    for (int64_t t = T; t < Tv; t++) dst[d * ld + t] = 0.0f;
}

// x[c] = exp(a x[c] - b) for c < n, 0 for n <= c < nz; returns the sum over c < n. x must hold
// finite values up to round_up(n, L).
float exp_row(float* x, float a, float b, int64_t n, int64_t nz) {
  const vf va = vset(a), vb = vset(-b);
  vf acc = vset(0.0f);
  int64_t c = 0;
  for (; c + L <= n; c += L) {
    vf e = vexp(vfma(vload(x + c), va, vb));
    vstore(x + c, e);
    acc = vadd(acc, e);
  }
  float s = vsum(acc);
  if (c < n) {  // partial vector (SIMD only)
    vstore(x + c, vexp(vfma(vload(x + c), va, vb)));
    for (; c < n; c++) s += x[c];
  }
  for (; c < nz; c++) x[c] = 0.0f;
  return s;
}

}  // namespace

void attention_forward(float* out, float* lse, const float* qkv, int64_t B, int64_t T, int64_t H, int64_t Hkv,
                       int64_t D) {
  const int64_t row = (H + 2 * Hkv) * D, group = H / Hkv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const int64_t Tq = std::min(kTq, T), Dv = round_up(D, L), nblk = (T + Tq - 1) / Tq;
  const int64_t ldt = pad_ld(T), ldd = pad_ld(D);
  // kt (D, ldt) | v (T, ldd) | q block, o block (Tq, ldd) | s (Tq, ldt) | 1/sum (Tq)
  const int64_t n_kt = round_up(D * ldt, 16), n_v = round_up(T * ldd, 16), n_q = round_up(Tq * ldd, 16),
                n_s = round_up(Tq * ldt, 16), n_r = round_up(Tq, 16);
  const int64_t per_thread = n_kt + n_v + 2 * n_q + n_s + n_r;
  float* buf = scratch(per_thread);
#pragma omp parallel
  {
    float* kt = buf + omp_get_thread_num() * per_thread;
    float* vp = kt + n_kt;
    float* qb = vp + n_v;
    float* ob = qb + n_q;
    float* s = ob + n_q;
    float* rs = s + n_s;
    int64_t have = -1;  // the (b, kv head) whose K and V this thread's scratch holds
    Prefetcher pf;
#pragma omp for collapse(2) schedule(static)
    for (int64_t b = 0; b < B; b++)
      for (int64_t h = 0; h < H; h++) {
        const float* base = qkv + b * T * row;
        const int64_t g = h / group;
        if (have != b * Hkv + g) {
          transpose_rows(kt, ldt, base + (H + g) * D, row, T, D);
          copy_rows(vp, ldd, base + (H + Hkv + g) * D, row, T, D);
          have = b * Hkv + g;
        }
        // the task after this one (if this thread gets it, as under the static schedule)
        const int64_t nb = h + 1 < H ? b : b + 1, nh = h + 1 < H ? h + 1 : 0, ng = nh / group;
        const float* nbase = qkv + nb * T * row;
        for (int64_t t0 = 0, blk = 0; t0 < T; t0 += Tq, blk++) {
          const int64_t m = std::min(Tq, T - t0), nz = round_up(t0 + m, L);
          copy_rows(qb, ldd, base + t0 * row + h * D, row, m, D);
          // prefetched while this block computes: the next block's queries and a slice of the next
          // task's keys and values
          if (t0 + Tq < T)
            pf.add(base + (t0 + Tq) * row + h * D, row, std::min(Tq, T - t0 - Tq), D);
          else if (nb < B)
            pf.add(nbase + nh * D, row, Tq, D);
          if (nb < B && nb * Hkv + ng != have) {
            const int64_t j0 = blk * T / nblk, j1 = (blk + 1) * T / nblk;
            pf.add(nbase + j0 * row + (H + ng) * D, row, j1 - j0, D);
            pf.add(nbase + j0 * row + (H + Hkv + ng) * D, row, j1 - j0, D);
          }
          // S = Q K^T; row chunk [r0, r0 + rr) only up to key t0 + r0 + rr - 1
          gemm<false, true>(
              s, ldt, qb, ldd, kt, ldt, m, [&](int64_t r0, int64_t rr) { return (t0 + r0 + rr + L - 1) / L; },
              [&](int64_t, int64_t) { return std::pair<int64_t, int64_t>(0, D); }, false, pf);
          for (int64_t i = 0; i < m; i++) {
            float* si = s + i * ldt;
            const int64_t n = t0 + i + 1;
            const float mx = simd::max(si, n) * scale;
            const float sum = exp_row(si, scale, mx, n, nz);
            rs[i] = 1.0f / sum;
            lse[(b * H + h) * T + t0 + i] = mx + std::log(sum);
          }
          // O = P V
          gemm<false, true>(
              ob, ldd, s, ldt, vp, ldd, m, [&](int64_t, int64_t) { return Dv / L; },
              [&](int64_t r0, int64_t rr) { return std::pair<int64_t, int64_t>(0, t0 + r0 + rr); }, false, pf);
          pf.finish();
          for (int64_t i = 0; i < m; i++) {
            float* o = out + (b * T + t0 + i) * H * D + h * D;
            for (int64_t d = 0; d < D; d++) o[d] = ob[i * ldd + d] * rs[i];
          }
        }
      }
  }
}

void attention_backward(float* dqkv, const float* dout, const float* qkv, const float* out, const float* lse,
                        int64_t B, int64_t T, int64_t H, int64_t Hkv, int64_t D) {
  const int64_t row = (H + 2 * Hkv) * D, group = H / Hkv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const int64_t Tq = std::min(kTq, T), Dv = round_up(D, L), nblk = (T + Tq - 1) / Tq * group;
  const int64_t ldt = pad_ld(T), ldd = pad_ld(D);
  // kt, vt (D, ldt) | k, dk, dv (T, ldd) | q, dout, dq blocks (Tq, ldd) | p, ds (Tq, ldt) | delta (Tq)
  const int64_t n_kt = round_up(D * ldt, 16), n_k = round_up(T * ldd, 16), n_q = round_up(Tq * ldd, 16),
                n_s = round_up(Tq * ldt, 16), n_r = round_up(Tq, 16);
  const int64_t per_thread = 2 * n_kt + 3 * n_k + 3 * n_q + 2 * n_s + n_r;
  float* buf = scratch(per_thread);
#pragma omp parallel
  {
    float* kt = buf + omp_get_thread_num() * per_thread;
    float* vt = kt + n_kt;
    float* kp = vt + n_kt;
    float* dk = kp + n_k;
    float* dv = dk + n_k;
    float* qb = dv + n_k;
    float* dob = qb + n_q;
    float* dqb = dob + n_q;
    float* p = dqb + n_q;
    float* ds = p + n_s;
    float* delta = ds + n_s;
    Prefetcher pf;
#pragma omp for collapse(2) schedule(static)
    for (int64_t b = 0; b < B; b++)
      for (int64_t g = 0; g < Hkv; g++) {
        const float* base = qkv + b * T * row;
        float* dbase = dqkv + b * T * row;
        copy_rows(kp, ldd, base + (H + g) * D, row, T, D);
        transpose_rows(kt, ldt, kp, ldd, T, D);
        transpose_rows(vt, ldt, base + (H + Hkv + g) * D, row, T, D);
        for (int64_t i = 0; i < T * ldd; i++) dk[i] = dv[i] = 0.0f;
        // the task after this one (if this thread gets it, as under the static schedule)
        const int64_t nb = g + 1 < Hkv ? b : b + 1, ng = g + 1 < Hkv ? g + 1 : 0;
        const float* nbase = qkv + nb * T * row;
        int64_t blk = 0;
        for (int64_t h = g * group; h < (g + 1) * group; h++)
          for (int64_t t0 = 0; t0 < T; t0 += Tq, blk++) {
            const int64_t m = std::min(Tq, T - t0), t1 = t0 + m, nz = round_up(t1, L);
            const float* dout_b = dout + (b * T + t0) * H * D + h * D;
            const float* out_b = out + (b * T + t0) * H * D + h * D;
            copy_rows(qb, ldd, base + t0 * row + h * D, row, m, D);
            copy_rows(dob, ldd, dout_b, H * D, m, D);
            for (int64_t i = 0; i < m; i++) delta[i] = simd::dot(dout_b + i * H * D, out_b + i * H * D, D);
            {  // prefetched while this block computes: the next block's rows (this head, the next
               // head or the next task) and a slice of the next task's keys and values
              int64_t pb = b, ph = h, pt = t0 + Tq;
              if (pt >= T) pt = 0, ph = h + 1;
              if (ph >= (g + 1) * group) pb = nb, ph = ng * group;
              if (pb < B) {
                const int64_t pm = std::min(Tq, T - pt);
                pf.add(qkv + (pb * T + pt) * row + ph * D, row, pm, D);
                pf.add(dout + (pb * T + pt) * H * D + ph * D, H * D, pm, D);
                pf.add(out + (pb * T + pt) * H * D + ph * D, H * D, pm, D);
              }
              if (nb < B) {
                const int64_t j0 = blk * T / nblk, j1 = (blk + 1) * T / nblk;
                pf.add(nbase + j0 * row + (H + ng) * D, row, j1 - j0, D);
                pf.add(nbase + j0 * row + (H + Hkv + ng) * D, row, j1 - j0, D);
              }
            }
            auto ncols = [&](int64_t r0, int64_t rr) { return (t0 + r0 + rr + L - 1) / L; };
            auto all_d = [&](int64_t, int64_t) { return std::pair<int64_t, int64_t>(0, D); };
            gemm<false, true>(p, ldt, qb, ldd, kt, ldt, m, ncols, all_d, false, pf);    // S = Q K^T
            gemm<false, true>(ds, ldt, dob, ldd, vt, ldt, m, ncols, all_d, false, pf);  // dP = dO V^T
            // p = exp(scale s - lse); ds = p (dp - delta) scale; both exact zeros above the diagonal
            for (int64_t i = 0; i < m; i++) {
              float* pi = p + i * ldt;
              float* di = ds + i * ldt;
              const int64_t n = t0 + i + 1, nv = round_up(n, L);
              exp_row(pi, scale, lse[(b * H + h) * T + t0 + i], n, nz);
              const vf vd = vset(delta[i]), vs = vset(scale);
              for (int64_t c = 0; c < nv; c += L)
                vstore(di + c, vmul(vmul(vload(pi + c), vsub(vload(di + c), vd)), vs));
              for (int64_t c = nv; c < nz; c++) di[c] = 0.0f;
            }
            // dV += P^T dO, dK += dS^T Q over keys [0, t1); key chunk [j0, j0 + rr) sees queries >= j0
            auto all_dv = [&](int64_t, int64_t) { return Dv / L; };
            auto from_diag = [&](int64_t j0, int64_t) {
              return std::pair<int64_t, int64_t>(std::max<int64_t>(0, j0 - t0), m);
            };
            gemm<true, false>(dv, ldd, p, ldt, dob, ldd, t1, all_dv, from_diag, true, pf);
            gemm<true, false>(dk, ldd, ds, ldt, qb, ldd, t1, all_dv, from_diag, true, pf);
            // dQ = dS K
            gemm<false, true>(
                dqb, ldd, ds, ldt, kp, ldd, m, all_dv,
                [&](int64_t r0, int64_t rr) { return std::pair<int64_t, int64_t>(0, t0 + r0 + rr); }, false, pf);
            pf.finish();
            for (int64_t i = 0; i < m; i++) {
              float* dq = dbase + (t0 + i) * row + h * D;
              for (int64_t d = 0; d < D; d++) dq[d] = dqb[i * ldd + d];
            }
          }
        for (int64_t t = 0; t < T; t++)
          for (int64_t d = 0; d < D; d++) {
            dbase[t * row + (H + g) * D + d] = dk[t * ldd + d];
            dbase[t * row + (H + Hkv + g) * D + d] = dv[t * ldd + d];
          }
      }
  }
}

}  // namespace own
