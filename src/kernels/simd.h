// Small SIMD helpers shared by the kernels: dot, axpy, max, vector exp. One generic body over a
// register type: AVX-512 (16 lanes) where the translation unit is compiled for it, else AVX2+FMA (8
// lanes), else scalar. Tails run scalar. exp: Cody-Waite range reduction + degree-6 polynomial, max
// rel error ~2e-7 on [-87, 88]; inputs are clamped to that range (exp(-inf) becomes ~1e-38, not 0).
// Everything sits in an inline namespace named for the instruction set (simd::avx512::dot, ...), so
// units compiled for different ones (kernels/*_<isa>.cpp) never share an inline function's copy.
#pragma once
#include <immintrin.h>

#include <cmath>
#include <cstdint>

#if defined(__AVX512F__)
#define OWN_SIMD_NS avx512
#define OWN_SIMD_NAME "avx512"
#elif defined(__AVX2__) && defined(__FMA__)
#define OWN_SIMD_NS avx2
#define OWN_SIMD_NAME "avx2"
#else
#define OWN_SIMD_NS scalar
#define OWN_SIMD_NAME "scalar"
#endif

namespace own::simd {
inline namespace OWN_SIMD_NS {

#if defined(__AVX512F__)
#define OWN_SIMD 16
using vf = __m512;
inline vf vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm512_storeu_ps(p, v); }
inline vf vset(float x) { return _mm512_set1_ps(x); }
inline vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
inline vf vsub(vf a, vf b) { return _mm512_sub_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
inline vf vmax(vf a, vf b) { return _mm512_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm512_min_ps(a, b); }
inline vf vfma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }    // a*b + c
inline vf vfnma(vf a, vf b, vf c) { return _mm512_fnmadd_ps(a, b, c); }  // c - a*b
inline vf vround(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf vpow2i(vf p, vf n) { return _mm512_scalef_ps(p, n); }  // p * 2^n
inline float vsum(vf a) { return _mm512_reduce_add_ps(a); }
inline float vhmax(vf a) { return _mm512_reduce_max_ps(a); }
// widening load: 16 bf16 values to fp32 (exact)
inline vf vload_bf16(const uint16_t* p) {
  __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  return _mm512_castsi512_ps(_mm512_slli_epi32(w, 16));
}
#elif defined(__AVX2__) && defined(__FMA__)
#define OWN_SIMD 8
using vf = __m256;
inline vf vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm256_storeu_ps(p, v); }
inline vf vset(float x) { return _mm256_set1_ps(x); }
inline vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
inline vf vsub(vf a, vf b) { return _mm256_sub_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
inline vf vmax(vf a, vf b) { return _mm256_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm256_min_ps(a, b); }
inline vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
inline vf vfnma(vf a, vf b, vf c) { return _mm256_fnmadd_ps(a, b, c); }
inline vf vround(vf a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf vpow2i(vf p, vf n) {
  __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}
inline float vsum(vf a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
inline float vhmax(vf a) {
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
// widening load: 8 bf16 values to fp32 (exact)
inline vf vload_bf16(const uint16_t* p) {
  __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}
#endif

#ifdef OWN_SIMD
constexpr int64_t W = OWN_SIMD;
inline vf vexp(vf x) {
  x = vmax(vmin(x, vset(88.3762626647949f)), vset(-87.3365447504f));
  vf n = vround(vmul(x, vset(1.44269504088896341f)));
  vf r = vfnma(n, vset(0.693359375f), x);
  r = vfnma(n, vset(-2.12194440e-4f), r);
  vf p = vset(1.9875691500e-4f);
  p = vfma(p, r, vset(1.3981999507e-3f));
  p = vfma(p, r, vset(8.3334519073e-3f));
  p = vfma(p, r, vset(4.1665795894e-2f));
  p = vfma(p, r, vset(1.6666665459e-1f));
  p = vfma(p, r, vset(5.0000001201e-1f));
  p = vfma(p, vmul(r, r), vadd(r, vset(1.0f)));
  return vpow2i(p, n);
}
#else
constexpr int64_t W = 1 << 30;  // never enters a vector loop
#endif

inline void exp_inplace(float* x, int64_t n) {
  int64_t i = 0;
#ifdef OWN_SIMD
  for (; i + W <= n; i += W) vstore(x + i, vexp(vload(x + i)));
#endif
  for (; i < n; i++) x[i] = std::exp(x[i]);
}

inline float dot(const float* a, const float* b, int64_t n) {
  int64_t i = 0;
  float s = 0.0f;
#ifdef OWN_SIMD
  vf acc0 = vset(0.0f), acc1 = vset(0.0f);
  for (; i + 2 * W <= n; i += 2 * W) {
    acc0 = vfma(vload(a + i), vload(b + i), acc0);
    acc1 = vfma(vload(a + i + W), vload(b + i + W), acc1);
  }
  for (; i + W <= n; i += W) acc0 = vfma(vload(a + i), vload(b + i), acc0);
  s = vsum(vadd(acc0, acc1));
#endif
  for (; i < n; i++) s += a[i] * b[i];
  return s;
}

// sum of x, four independent accumulators (streams at memory speed)
inline float sum(const float* x, int64_t n) {
  int64_t i = 0;
  float s = 0.0f;
#ifdef OWN_SIMD
  vf a0 = vset(0.0f), a1 = vset(0.0f), a2 = vset(0.0f), a3 = vset(0.0f);
  for (; i + 4 * W <= n; i += 4 * W) {
    a0 = vadd(a0, vload(x + i));
    a1 = vadd(a1, vload(x + i + W));
    a2 = vadd(a2, vload(x + i + 2 * W));
    a3 = vadd(a3, vload(x + i + 3 * W));
  }
  s = vsum(vadd(vadd(a0, a1), vadd(a2, a3)));
#endif
  for (; i < n; i++) s += x[i];
  return s;
}

// y += a * x
inline void axpy(float* y, float a, const float* x, int64_t n) {
  int64_t i = 0;
#ifdef OWN_SIMD
  vf va = vset(a);
  for (; i + W <= n; i += W) vstore(y + i, vfma(va, vload(x + i), vload(y + i)));
#endif
  for (; i < n; i++) y[i] += a * x[i];
}

// y *= a
inline void scale(float* y, float a, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] *= a;
}

inline float max(const float* x, int64_t n) {
  int64_t i = 0;
  float m = -INFINITY;
#ifdef OWN_SIMD
  if (n >= W) {
    vf vm = vload(x);
    for (i = W; i + W <= n; i += W) vm = vmax(vm, vload(x + i));
    m = vhmax(vm);
  }
#endif
  for (; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

// x[i] = exp(x[i] - shift); returns the sum (fp32, fixed order)
inline float exp_shift_sum(float* x, float shift, int64_t n) {
  int64_t i = 0;
  float s = 0.0f;
#ifdef OWN_SIMD
  vf vs = vset(0.0f), vshift = vset(shift);
  for (; i + W <= n; i += W) {
    vf e = vexp(vsub(vload(x + i), vshift));
    vstore(x + i, e);
    vs = vadd(vs, e);
  }
  s = vsum(vs);
#endif
  for (; i < n; i++) {
    x[i] = std::exp(x[i] - shift);
    s += x[i];
  }
  return s;
}

}  // namespace OWN_SIMD_NS
}  // namespace own::simd
