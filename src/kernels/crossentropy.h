// Softmax cross-entropy over the vocabulary, in place on a chunk of logits, so the LM head can
// run chunk by chunk and the (B, T, V) logits never exist whole (model/llama.cpp drives it).
// Rows whose target is negative are ignored (loss 0, gradient 0): the SFT mask.
#pragma once
#include <cstdint>

namespace own {

// logits: (N, V), targets: (N)  ->  loss: (N) per-row -log p[target] (0 where ignored).
// With want_grad, logits are overwritten by d(sum_i s_i loss_i)/dlogits = (p - onehot) * s_i, where
// s_i = grad_scale * row_scale[i] (row_scale may be null: 1), e.g. per-token weights of DPO/PPO.
void crossentropy_forward_backward(float* logits, float* loss, const int32_t* targets, int64_t N, int64_t V,
                                   float grad_scale, bool want_grad, const float* row_scale = nullptr);

}  // namespace own
