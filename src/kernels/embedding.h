// Token embedding lookup. B batch, T time, C channels, V vocab.
#pragma once
#include <cstdint>

namespace own {

// tokens: (BT)  wte: (V, C)  ->  x: (BT, C)
void embedding_forward(float* x, const int32_t* tokens, const float* wte, int64_t BT, int64_t C);
// dwte += scatter of dx by token (deterministic: each thread owns a column range)
void embedding_backward(float* dwte, const float* dx, const int32_t* tokens, int64_t BT, int64_t C);

}  // namespace own
