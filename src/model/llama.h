// The Llama-style model: one forward/backward over the parameter buffer (model/params.h).
// Activations live in one arena sized by reserve(B, T); nothing allocates inside a step.
// The LM head and the cross-entropy run fused, chunk by chunk: training never stores the
// (B, T, V) logits. Matmuls are fp32 or bf16 (fp32 accumulate) per `precision`.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "kernels/matmul.h"
#include "model/config.h"
#include "model/params.h"

namespace own {

struct Checkpoint;

// Views into the activation arena for one layer; every buffer is (B*T rows, width).
struct LayerActs {
  float* res_in;   // (BT, C) residual stream entering the layer
  float* xn1;      // (BT, C) input_layernorm output
  float* rstd1;    // (BT)
  float* qkv;      // (BT, (H + 2 Hkv) D), q and k after RoPE
  float* att;      // (BT, H D) attention output before o_proj
  float* lse;      // (B, H, T) attention log-sum-exp
  float* res_mid;  // (BT, C) residual after attention
  float* xn2;      // (BT, C) post_attention_layernorm output
  float* rstd2;    // (BT)
  float* gu;       // (BT, 2F) gate | up
  float* h;        // (BT, F) silu(gate) * up
};

class Llama {
 public:
  ModelConfig config;
  ParamLayout layout;
  FloatBuffer params;  // (layout.total)
  FloatBuffer grads;   // (layout.total), allocated by enable_grads()
  // When set, called by every backward pass as soon as a layer's gradients are done, with the
  // range of `grads` (in floats) the layer occupies: data-parallel training starts summing them
  // over the ranks there while the layers below are still computed (train/loop.cpp).
  std::function<void(int64_t begin, int64_t end)> on_layer_grads;
  Precision precision = Precision::f32;

  explicit Llama(const ModelConfig& c);
  // The model a checkpoint holds: its config and a copy of its weights (no grads, no reserve).
  static Llama from(const Checkpoint& ck);
  // the reverse: a checkpoint holding a copy of this model's config and weights
  Checkpoint snapshot() const;
  void enable_grads();
  // Size the activation arena for B sequences of T tokens (T <= max_position_embeddings).
  void reserve(int64_t B, int64_t T);
  int64_t batch() const { return B_; }
  int64_t seq() const { return T_; }

  // inputs, targets: (B, T); targets < 0 are ignored. Returns the mean loss over the valid
  // targets (0 when there are none) and, when with_grad, adds loss_scale * d(loss)/d(params)
  // to grads. B, T must equal the reserved shape.
  float forward_backward(const int32_t* inputs, const int32_t* targets, float loss_scale = 1.0f);
  float forward_loss(const int32_t* inputs, const int32_t* targets);
  // After forward_loss on the same inputs and targets: grads += d(sum_i w_i * nll_i)/d(params),
  // where nll_i = -log p(target_i). weights: (B, T), e.g. DPO's per-sequence or PPO's per-token
  // coefficients, computed from token_losses() of that forward. Returns sum_i w_i * nll_i.
  float backward_weighted(const int32_t* inputs, const int32_t* targets, const float* weights);
  // Score head (num_labels == 1): scores: (B, T), score . final-norm hidden state at every
  // position (a reward model reads the last token of each sequence, a critic every token).
  void forward_scores(float* scores, const int32_t* inputs);
  // After forward_scores on the same inputs: grads += d(sum_i dscores_i * scores_i)/d(params).
  void backward_scores(const int32_t* inputs, const float* dscores);
  // inputs: (B, T) -> logits: (B, T, V)
  void forward_logits(float* logits, const int32_t* inputs);
  // (B*T) per-token losses of the last forward_loss/forward_backward (0 where ignored)
  const float* token_losses() const { return row_loss_.data; }

 private:
  int64_t B_ = 0, T_ = 0;
  FloatBuffer acts_, dacts_, rope_cos_, rope_sin_, logits_chunk_, row_loss_;
  std::vector<LayerActs> layer_acts_;
  float* res_final_ = nullptr;  // (BT, C)
  float* xnf_ = nullptr;        // (BT, C)
  float* rstdf_ = nullptr;      // (BT)
  // backward scratch, reused by every layer
  float *dres_ = nullptr, *dxn_ = nullptr, *dqkv_ = nullptr, *datt_ = nullptr, *dgu_ = nullptr, *dh_ = nullptr;
  int64_t chunk_rows_ = 0;

  void check_tokens(const int32_t* tokens, const char* what) const;
  void forward_trunk(const int32_t* inputs);
  float head_loss(const int32_t* targets, bool with_grad, float loss_scale, const float* weights = nullptr);
  void backward_trunk(const int32_t* inputs);
};

}  // namespace own
