// Matrix multiply through oneDNN matmul primitives, one primitive cached per shape/layout.
// fp32 everywhere, or bf16 inputs with fp32 accumulation and fp32 output (Precision::bf16):
// the fp32 operands are rounded to bf16 (nearest-even) into a scratch buffer first.
// Row-major. Weights are (out, in) as in the HF checkpoint, so the forward is y = x W^T.
#pragma once
#include <cstdint>

namespace own {

enum class Precision { f32, bf16 };

// c (M, N) = op(a) (M, K) . op(b) (K, N)  [+ c when accumulate]
// a is stored (M, K) or, when trans_a, (K, M); b is stored (K, N) or, when trans_b, (N, K).
void gemm(float* c, const float* a, const float* b, int64_t M, int64_t N, int64_t K, bool trans_a, bool trans_b,
          bool accumulate, Precision p);

// x: (M, K)  w: (N, K)  ->  y: (M, N) = x w^T
void matmul_forward(float* y, const float* x, const float* w, int64_t M, int64_t N, int64_t K, Precision p);
// dx (M, K) = dy w  (overwritten, skipped when dx is null);  dw (N, K) += dy^T x
void matmul_backward(float* dx, float* dw, const float* dy, const float* x, const float* w, int64_t M, int64_t N,
                     int64_t K, Precision p);

// True when the CPU runs bf16 GEMMs natively (AVX512-BF16); otherwise bf16 is emulated
// with identical numerics through fp32 GEMMs (no speed-up).
bool bf16_is_native();

// the instruction set oneDNN runs here (after OWNCHAT_ISA / ONEDNN_MAX_CPU_ISA caps)
const char* onednn_isa_name();

// Round fp32 to bf16 (nearest-even) and back, in place: what the bf16 path feeds the GEMM.
void round_to_bf16(float* x, int64_t n);

}  // namespace own
