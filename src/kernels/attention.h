// Causal grouped-query attention, fused and flash-style: the forward keeps only the output and
// the log-sum-exp per (b, h, t); the backward recomputes the probabilities from them, so no
// (B, H, T, T) buffer exists. Scale 1/sqrt(D). q head h reads kv head h / (H / Hkv).
// Layout of the fused projection row: [q heads (H D) | k heads (Hkv D) | v heads (Hkv D)].
#pragma once
#include <cstdint>

namespace own {

// qkv: (B, T, (H + 2 Hkv) D)  ->  out: (B, T, H D), lse: (B, H, T)
void attention_forward(float* out, float* lse, const float* qkv, int64_t B, int64_t T, int64_t H, int64_t Hkv,
                       int64_t D);
// dout: (B, T, H D)  ->  dqkv: (B, T, (H + 2 Hkv) D) overwritten
void attention_backward(float* dqkv, const float* dout, const float* qkv, const float* out, const float* lse,
                        int64_t B, int64_t T, int64_t H, int64_t Hkv, int64_t D);

}  // namespace own
