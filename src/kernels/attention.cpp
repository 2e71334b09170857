#include "kernels/attention.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "kernels/simd.h"

// Blocked flash-style attention. Per (b, head) task the queries go in blocks of Tq rows; within a
// block every product is a small register-tiled GEMM (tile()): R rows x C vectors of accumulators,
// A broadcast one scalar at a time, B loaded a vector at a time. Forward: S = Q K^T, softmax,
// O = P V. Backward: S and dP = dO V^T, then dS, then dV += P^T dO and dK += dS^T Q (each dk_j /
// dv_j row is loaded and stored once per block rather than once per query row), dQ = dS K.
// Causality is applied per R-row chunk (columns / reduction ranges clipped to the chunk's last
// row, masked entries written as exact zeros), so little work is spent above the diagonal.
// Every operand is first copied into per-thread scratch with rows padded to whole vectors (zeros),
// so the tiles need no scalar tails for any D or T. Leading dimensions are odd multiples of 64
// bytes so column stripes do not pile into a few L1 sets. Results do not depend on the thread
// count: each task owns its outputs and sums in a fixed order.

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

// Register tiles (rows x vectors). 16 registers on AVX2, 32 on AVX-512.
#if defined(OWN_SIMD) && OWN_SIMD == 16
constexpr int kRS = 6, kCS = 4;  // S, dP: columns are keys
constexpr int kRO = 6, kCO = 4;  // O, dQ: columns are D
constexpr int kRK = 6, kCK = 4;  // dK, dV: rows are keys, columns D
#else
#ifndef XRS
#define XRS 4
#define XCS 3
#define XRO 4
#define XCO 2
#define XRK 4
#define XCK 2
#define XTQ 32
#endif
constexpr int kRS = XRS, kCS = XCS;
constexpr int kRO = XRO, kCO = XCO;
constexpr int kRK = XRK, kCK = XCK;
#endif
constexpr int64_t kTq = XTQ;  // query rows per block

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

// c[r, v] (= or +=) sum_{k0 <= k < k1} A(r, k) * b[k, v] for r < R, v < C vectors.
// A(r, k) = a[r lda + k], or a[k lda + r] when AT.
template <int R, int C, bool AT>
inline void tile(float* c, int64_t ldc, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t k0,
                 int64_t k1, bool accumulate) {
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
    for (int v = 0; v < C; v++) bv[v] = vload(bk + v * L);
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
// reduces over krange(r0, rr) = [k0, k1). Column tiles outer (keeps a B stripe in L1) or row
// chunks outer (keeps an A stripe in L1).
template <int R, int C, bool AT, bool kColsOuter, class NVec, class KRange>
void gemm(float* c, int64_t ldc, const float* a, int64_t lda, const float* b, int64_t ldb, int64_t m, NVec nvec,
          KRange krange, bool accumulate) {
  auto run = [&](int64_t r0, int64_t rr, int64_t v0, int64_t w) {
    auto [k0, k1] = krange(r0, rr);
    tile_any<R, C, AT>(rr, w, c + r0 * ldc + v0 * L, ldc, AT ? a + r0 : a + r0 * lda, lda, b + v0 * L, ldb, k0, k1,
                       accumulate);
  };
  if constexpr (kColsOuter) {
    int64_t vmax = 0;
    for (int64_t r0 = 0; r0 < m; r0 += R) vmax = std::max(vmax, nvec(r0, std::min<int64_t>(R, m - r0)));
    for (int64_t v0 = 0; v0 < vmax; v0 += C)
      for (int64_t r0 = 0; r0 < m; r0 += R) {
        int64_t rr = std::min<int64_t>(R, m - r0), nv = nvec(r0, rr);
        if (v0 < nv) run(r0, rr, v0, std::min<int64_t>(C, nv - v0));
      }
  } else {
    for (int64_t r0 = 0; r0 < m; r0 += R) {
      int64_t rr = std::min<int64_t>(R, m - r0), nv = nvec(r0, rr);
      for (int64_t v0 = 0; v0 < nv; v0 += C) run(r0, rr, v0, std::min<int64_t>(C, nv - v0));
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

// rows [0, T) of stride `row`, D wide  ->  dst (D, ld) transposed, columns [T, round_up(T, L)) zeroed
void transpose_head(float* dst, int64_t ld, const float* src, int64_t T, int64_t row, int64_t D) {
  const int64_t Tv = round_up(T, L);
  for (int64_t t0 = 0; t0 < T; t0 += 16) {
    const int64_t t1 = std::min(T, t0 + 16);
    for (int64_t d = 0; d < D; d++)
      for (int64_t t = t0; t < t1; t++) dst[d * ld + t] = src[t * row + d];
  }
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
  const int64_t Tq = std::min(kTq, T), Dv = round_up(D, L);
  const int64_t ldt = pad_ld(T), ldd = pad_ld(D);
  // kt (D, ldt) | v (T, ldd) | q block (Tq, ldd) | s (Tq, ldt) | o block (Tq, ldd) | 1/sum (Tq)
  const int64_t n_kt = round_up(D * ldt, 16), n_v = round_up(T * ldd, 16), n_q = round_up(Tq * ldd, 16),
                n_s = round_up(Tq * ldt, 16), n_r = round_up(Tq, 16);
  const int64_t per_thread = n_kt + n_v + 2 * n_q + n_s + n_r;
  float* buf = scratch(per_thread);
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t b = 0; b < B; b++)
    for (int64_t h = 0; h < H; h++) {
      float* kt = buf + omp_get_thread_num() * per_thread;
      float* vp = kt + n_kt;
      float* qb = vp + n_v;
      float* ob = qb + n_q;
      float* s = ob + n_q;
      float* rs = s + n_s;
      const float* base = qkv + b * T * row;
      const int64_t g = h / group;
      transpose_head(kt, ldt, base + (H + g) * D, T, row, D);
      copy_rows(vp, ldd, base + (H + Hkv + g) * D, row, T, D);
      for (int64_t t0 = 0; t0 < T; t0 += Tq) {
        const int64_t m = std::min(Tq, T - t0), nz = round_up(t0 + m, L);
        copy_rows(qb, ldd, base + t0 * row + h * D, row, m, D);
        // S = Q K^T, row chunk [r0, r0 + rr) only up to key t0 + r0 + rr - 1
        gemm<kRS, kCS, false, true>(
            s, ldt, qb, ldd, kt, ldt, m, [&](int64_t r0, int64_t rr) { return (t0 + r0 + rr + L - 1) / L; },
            [&](int64_t, int64_t) { return std::pair<int64_t, int64_t>(0, D); }, false);
        for (int64_t i = 0; i < m; i++) {
          float* si = s + i * ldt;
          const int64_t n = t0 + i + 1;
          const float mx = simd::max(si, n) * scale;
          const float sum = exp_row(si, scale, mx, n, nz);
          rs[i] = 1.0f / sum;
          lse[(b * H + h) * T + t0 + i] = mx + std::log(sum);
        }
        // O = P V
        gemm<kRO, kCO, false, true>(
            ob, ldd, s, ldt, vp, ldd, m, [&](int64_t, int64_t) { return Dv / L; },
            [&](int64_t r0, int64_t rr) { return std::pair<int64_t, int64_t>(0, t0 + r0 + rr); }, false);
        for (int64_t i = 0; i < m; i++) {
          float* o = out + (b * T + t0 + i) * H * D + h * D;
          for (int64_t d = 0; d < D; d++) o[d] = ob[i * ldd + d] * rs[i];
        }
      }
    }
}

void attention_backward(float* dqkv, const float* dout, const float* qkv, const float* out, const float* lse,
                        int64_t B, int64_t T, int64_t H, int64_t Hkv, int64_t D) {
  const int64_t row = (H + 2 * Hkv) * D, group = H / Hkv;
  const float scale = 1.0f / std::sqrt(static_cast<float>(D));
  const int64_t Tq = std::min(kTq, T), Dv = round_up(D, L);
  const int64_t ldt = pad_ld(T), ldd = pad_ld(D);
  // kt, vt (D, ldt) | k, dk, dv (T, ldd) | q, dout, dq blocks (Tq, ldd) | p, ds (Tq, ldt) | delta (Tq)
  const int64_t n_kt = round_up(D * ldt, 16), n_k = round_up(T * ldd, 16), n_q = round_up(Tq * ldd, 16),
                n_s = round_up(Tq * ldt, 16), n_r = round_up(Tq, 16);
  const int64_t per_thread = 2 * n_kt + 3 * n_k + 3 * n_q + 2 * n_s + n_r;
  float* buf = scratch(per_thread);
#pragma omp parallel for collapse(2) schedule(static)
  for (int64_t b = 0; b < B; b++)
    for (int64_t g = 0; g < Hkv; g++) {
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
      const float* base = qkv + b * T * row;
      float* dbase = dqkv + b * T * row;
      transpose_head(kt, ldt, base + (H + g) * D, T, row, D);
      transpose_head(vt, ldt, base + (H + Hkv + g) * D, T, row, D);
      copy_rows(kp, ldd, base + (H + g) * D, row, T, D);
      for (int64_t i = 0; i < T * ldd; i++) dk[i] = dv[i] = 0.0f;
      for (int64_t h = g * group; h < (g + 1) * group; h++)
        for (int64_t t0 = 0; t0 < T; t0 += Tq) {
          const int64_t m = std::min(Tq, T - t0), t1 = t0 + m, nz = round_up(t1, L);
          const float* dout_b = dout + (b * T + t0) * H * D + h * D;
          copy_rows(qb, ldd, base + t0 * row + h * D, row, m, D);
          copy_rows(dob, ldd, dout_b, H * D, m, D);
          for (int64_t i = 0; i < m; i++) delta[i] = simd::dot(dout_b + i * H * D, out + (b * T + t0 + i) * H * D + h * D, D);
          auto ncols = [&](int64_t r0, int64_t rr) { return (t0 + r0 + rr + L - 1) / L; };
          auto all_d = [&](int64_t, int64_t) { return std::pair<int64_t, int64_t>(0, D); };
          gemm<kRS, kCS, false, true>(p, ldt, qb, ldd, kt, ldt, m, ncols, all_d, false);    // S = Q K^T
          gemm<kRS, kCS, false, true>(ds, ldt, dob, ldd, vt, ldt, m, ncols, all_d, false);  // dP = dO V^T
          // p = exp(scale s - lse); ds = p (dp - delta) scale; both exact zeros above the diagonal
          for (int64_t i = 0; i < m; i++) {
            float* pi = p + i * ldt;
            float* di = ds + i * ldt;
            const int64_t n = t0 + i + 1, nv = round_up(n, L);
            exp_row(pi, scale, lse[(b * H + h) * T + t0 + i], n, nz);
            const vf vd = vset(delta[i]), vs = vset(scale);
            for (int64_t c = 0; c < nv; c += L) vstore(di + c, vmul(vmul(vload(pi + c), vsub(vload(di + c), vd)), vs));
            for (int64_t c = nv; c < nz; c++) di[c] = 0.0f;
          }
          // dV += P^T dO, dK += dS^T Q over keys [0, t1); key chunk [j0, j0 + rr) sees queries >= j0
          auto all_dv = [&](int64_t, int64_t) { return Dv / L; };
          auto from_diag = [&](int64_t j0, int64_t) { return std::pair<int64_t, int64_t>(std::max<int64_t>(0, j0 - t0), m); };
          gemm<kRK, kCK, true, false>(dv, ldd, p, ldt, dob, ldd, t1, all_dv, from_diag, true);
          gemm<kRK, kCK, true, false>(dk, ldd, ds, ldt, qb, ldd, t1, all_dv, from_diag, true);
          // dQ = dS K
          gemm<kRO, kCO, false, true>(
              dqb, ldd, ds, ldt, kp, ldd, m, all_dv,
              [&](int64_t r0, int64_t rr) { return std::pair<int64_t, int64_t>(0, t0 + r0 + rr); }, false);
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

}  // namespace own
