#include "kernels/matmul.h"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <map>
#include <mutex>
#include <oneapi/dnnl/dnnl.hpp>
#include <tuple>
#include <vector>

#include "core/check.h"
#include "core/cpu_isa.h"

namespace own {
namespace {

using dt = dnnl::memory::data_type;

struct GemmKey {
  int64_t M, N, K;
  bool trans_a, trans_b, accumulate;
  Precision p;
  auto tie() const { return std::tie(M, N, K, trans_a, trans_b, accumulate, p); }
  bool operator<(const GemmKey& o) const { return tie() < o.tie(); }
};

// One cached GEMM: the primitive plus, for native bf16, the reorder that converts the fp32
// operand b into the primitive's (blocked) bf16 weights layout.
struct CachedGemm {
  dnnl::matmul prim;
  dnnl::memory::desc a_md, b_md, c_md;  // a_md, b_md as the primitive reads them
  dnnl::reorder b_reorder;              // native bf16 only: fp32 plain b -> b_md
  bool native = false;                  // bf16 on the CPU's bf16 units (else fp32 primitive)
};

struct DnnlState {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::map<GemmKey, CachedGemm> cache;
  std::mutex mutex;
  std::vector<uint16_t> a16, b16;  // native bf16 operands, grow-only
  std::vector<float> a32, b32;     // emulated bf16: rounded fp32 copies, grow-only
};

// OWNCHAT_ISA caps oneDNN too, unless ONEDNN_MAX_CPU_ISA says otherwise; before the first primitive
void cap_onednn_isa() {
  if (std::getenv("ONEDNN_MAX_CPU_ISA") || std::getenv("DNNL_MAX_CPU_ISA")) return;
  switch (isa_cap()) {
    case Isa::scalar: dnnl::set_max_cpu_isa(dnnl::cpu_isa::sse41); break;
    case Isa::avx2: dnnl::set_max_cpu_isa(dnnl::cpu_isa::avx2); break;
    case Isa::avx512: dnnl::set_max_cpu_isa(dnnl::cpu_isa::avx512_core); break;
    case Isa::avx512_vnni: dnnl::set_max_cpu_isa(dnnl::cpu_isa::avx512_core_vnni); break;
    case Isa::native: break;
  }
}

DnnlState& state() {
  static DnnlState s = (cap_onednn_isa(), DnnlState{});
  return s;
}

dnnl::memory::desc md(int64_t rows, int64_t cols, bool trans, dt type) {
  // logical (rows, cols); stored row-major as (rows, cols) or, transposed, (cols, rows)
  dnnl::memory::dims strides = trans ? dnnl::memory::dims{1, rows} : dnnl::memory::dims{cols, 1};
  return dnnl::memory::desc({rows, cols}, type, strides);
}

inline uint16_t bf16_bits(float f) {
  uint32_t u;
  __builtin_memcpy(&u, &f, 4);
  if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<uint16_t>((u >> 16) | 0x40);  // quiet NaN
  u += 0x7fffu + ((u >> 16) & 1u);
  return static_cast<uint16_t>(u >> 16);
}

void to_bf16(uint16_t* dst, const float* src, int64_t n) {
#pragma omp parallel for schedule(static)
  for (int64_t i0 = 0; i0 < n; i0 += 4096) {
    int64_t i1 = std::min(n, i0 + 4096), i = i0;
#if defined(__AVX512BF16__)
    for (; i + 32 <= i1; i += 32) {
      __m512bh v = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(src + i + 16), _mm512_loadu_ps(src + i));
      _mm512_storeu_si512(reinterpret_cast<__m512i*>(dst + i), reinterpret_cast<__m512i&>(v));
    }
#endif
    for (; i < i1; i++) dst[i] = bf16_bits(src[i]);
  }
}

}  // namespace

void round_to_bf16(float* x, int64_t n) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) {
    uint32_t u = static_cast<uint32_t>(bf16_bits(x[i])) << 16;
    __builtin_memcpy(&x[i], &u, 4);
  }
}

namespace {

// Native bf16 needs AVX512-BF16 (oneDNN refuses otherwise); without it the bf16 path keeps its
// numerics (bf16-rounded inputs, fp32 accumulation) by rounding into fp32 scratch.
bool native_bf16(DnnlState& s) {
  static int ok = -1;
  if (ok < 0) {
    try {
      dnnl::matmul::primitive_desc pd({md(16, 16, false, dt::bf16), dnnl::memory::desc({16, 16}, dt::bf16, dnnl::memory::format_tag::any),
                                       md(16, 16, false, dt::f32)},
                                      s.engine);
      ok = 1;
    } catch (const dnnl::error&) {
      ok = 0;
    }
  }
  return ok == 1;
}

CachedGemm make_gemm(DnnlState& s, const GemmKey& k, bool native) {
  CachedGemm g;
  g.native = native;
  dt in_type = native ? dt::bf16 : dt::f32;
  g.a_md = md(k.M, k.K, k.trans_a, in_type);
  g.c_md = md(k.M, k.N, false, dt::f32);
  auto b_plain = md(k.K, k.N, k.trans_b, dt::f32);
  auto b_req = native ? dnnl::memory::desc({k.K, k.N}, dt::bf16, dnnl::memory::format_tag::any) : b_plain;
  dnnl::primitive_attr attr;
  if (k.accumulate) {
    dnnl::post_ops ops;
    ops.append_sum(1.0f);
    attr.set_post_ops(ops);
  }
  try {
    dnnl::matmul::primitive_desc pd({g.a_md, b_req, g.c_md}, attr, s.engine);
    g.prim = dnnl::matmul(pd);
    g.b_md = pd.weights_desc();
    if (native) g.b_reorder = dnnl::reorder(dnnl::reorder::primitive_desc(s.engine, b_plain, s.engine, g.b_md));
  } catch (const dnnl::error&) {
    if (!native) throw;
    return make_gemm(s, k, false);  // no bf16 kernel for this layout: emulate (same numerics)
  }
  return g;
}

}  // namespace

void gemm(float* c, const float* a, const float* b, int64_t M, int64_t N, int64_t K, bool trans_a, bool trans_b,
          bool accumulate, Precision p) {
  OWN_CHECK(M > 0 && N > 0 && K > 0, "gemm shape M={} N={} K={}", M, N, K);
  DnnlState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  const bool bf16 = p == Precision::bf16;
  GemmKey key{M, N, K, trans_a, trans_b, accumulate, p};
  auto it = s.cache.find(key);
  if (it == s.cache.end()) it = s.cache.emplace(key, make_gemm(s, key, bf16 && native_bf16(s))).first;
  CachedGemm& g = it->second;
  const bool native = g.native;
  const size_t na = static_cast<size_t>(M * K), nb = static_cast<size_t>(K * N);
  void* a_ptr = const_cast<float*>(a);
  void* b_ptr = const_cast<float*>(b);
  if (native) {
    if (s.a16.size() < na) s.a16.resize(na);
    if (s.b16.size() < g.b_md.get_size() / 2 + 1) s.b16.resize(g.b_md.get_size() / 2 + 1);
    to_bf16(s.a16.data(), a, M * K);
    dnnl::memory b_src(md(K, N, trans_b, dt::f32), s.engine, b_ptr);
    dnnl::memory b_dst(g.b_md, s.engine, s.b16.data());
    g.b_reorder.execute(s.stream, b_src, b_dst);
    a_ptr = s.a16.data();
    b_ptr = s.b16.data();
  } else if (bf16) {
    // emulate: same rounding of the inputs, fp32 GEMM
    if (s.a32.size() < na) s.a32.resize(na);
    if (s.b32.size() < nb) s.b32.resize(nb);
    std::copy(a, a + na, s.a32.begin());
    std::copy(b, b + nb, s.b32.begin());
    round_to_bf16(s.a32.data(), M * K);
    round_to_bf16(s.b32.data(), K * N);
    a_ptr = s.a32.data();
    b_ptr = s.b32.data();
  }
  dnnl::memory a_mem(g.a_md, s.engine, a_ptr), b_mem(g.b_md, s.engine, b_ptr), c_mem(g.c_md, s.engine, c);
  g.prim.execute(s.stream, {{DNNL_ARG_SRC, a_mem}, {DNNL_ARG_WEIGHTS, b_mem}, {DNNL_ARG_DST, c_mem}});
  s.stream.wait();
}

const char* onednn_isa_name() {
  state();  // the cap is set first
  switch (dnnl::get_effective_cpu_isa()) {
    case dnnl::cpu_isa::sse41: return "sse41";
    case dnnl::cpu_isa::avx: return "avx";
    case dnnl::cpu_isa::avx2: return "avx2";
    case dnnl::cpu_isa::avx2_vnni: return "avx2_vnni";
    case dnnl::cpu_isa::avx512_core: return "avx512_core";
    case dnnl::cpu_isa::avx512_core_vnni: return "avx512_core_vnni";
    case dnnl::cpu_isa::avx512_core_bf16: return "avx512_core_bf16";
    case dnnl::cpu_isa::avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}

bool bf16_is_native() {
  DnnlState& s = state();
  std::lock_guard<std::mutex> lock(s.mutex);
  return native_bf16(s);
}

void matmul_forward(float* y, const float* x, const float* w, int64_t M, int64_t N, int64_t K, Precision p) {
  gemm(y, x, w, M, N, K, false, true, false, p);
}

void matmul_backward(float* dx, float* dw, const float* dy, const float* x, const float* w, int64_t M, int64_t N,
                     int64_t K, Precision p) {
  if (dx) gemm(dx, dy, w, M, K, N, false, false, false, p);  // (M,N).(N,K)
  gemm(dw, dy, x, N, K, M, true, false, true, p);            // (N,M).(M,K)
}

}  // namespace own
