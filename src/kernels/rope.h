// Rotary position embedding, Hugging Face "rotate_half" layout: dimension i pairs with i + D/2.
// Applied in place to the q and k heads inside the fused qkv activation.
#pragma once
#include <cstdint>

namespace own {

// cos, sin: (T, D/2); inv_freq = 1 / theta^(2i/D), angle = t * inv_freq, computed in double
// (fp32 angles drift by ~1e-4 at t ~ 1000) and stored as fp32
void rope_table(float* cos, float* sin, int64_t T, int64_t D, float theta);

// qkv: (B, T, row) with n_heads heads of size D starting at column 0 of each row, rotated in place.
// pos0: position of t = 0 (nonzero when decoding with a KV cache).
void rope_forward(float* qkv, const float* cos, const float* sin, int64_t B, int64_t T, int64_t row, int64_t n_heads,
                  int64_t D, int64_t pos0 = 0);
// the inverse rotation, applied in place to the gradient
void rope_backward(float* dqkv, const float* cos, const float* sin, int64_t B, int64_t T, int64_t row,
                   int64_t n_heads, int64_t D);

}  // namespace own
