// SwiGLU gate: h = silu(g) * u, with g and u side by side in one (N, 2F) activation
// (the gate_proj and up_proj weights are adjacent, so one matmul produces both).
#pragma once
#include <cstdint>

namespace own {

// gu: (N, 2F) = [g | u]  ->  h: (N, F)
void swiglu_forward(float* h, const float* gu, int64_t N, int64_t F);
// dh: (N, F), gu: (N, 2F)  ->  dgu: (N, 2F) overwritten
void swiglu_backward(float* dgu, const float* dh, const float* gu, int64_t N, int64_t F);

}  // namespace own
