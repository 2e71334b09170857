#include "model/llama.h"

#include <algorithm>
#include <cstring>

#include "core/check.h"
#include "kernels/attention.h"
#include "kernels/crossentropy.h"
#include "kernels/embedding.h"
#include "kernels/rmsnorm.h"
#include "kernels/rope.h"
#include "kernels/swiglu.h"
#include "model/checkpoint.h"

namespace own {

Llama::Llama(const ModelConfig& c) : config(c), layout(param_layout(c)), params(layout.total) { c.validate(); }

Llama Llama::from(const Checkpoint& ck) {
  Llama m(ck.config);
  OWN_CHECK(ck.layout.total == m.layout.total, "checkpoint of {} params for a model of {}", ck.layout.total,
            m.layout.total);
  std::copy(ck.params.data, ck.params.data + ck.layout.total, m.params.data);
  return m;
}

Checkpoint Llama::snapshot() const {
  Checkpoint ck{config, layout, FloatBuffer(layout.total)};
  std::copy(params.data, params.data + layout.total, ck.params.data);
  return ck;
}

void Llama::enable_grads() {
  if (grads.size != layout.total) grads = FloatBuffer(layout.total);
}

void Llama::reserve(int64_t B, int64_t T) {
  OWN_CHECK(B > 0 && T > 0, "reserve B={} T={}", B, T);
  if (T > config.max_position_embeddings)
    input_error("sequence length {} exceeds the model's context of {} tokens", T, config.max_position_embeddings);
  if (B == B_ && T == T_) return;
  B_ = B;
  T_ = T;
  const ModelConfig& c = config;
  const int64_t BT = B * T, C = c.hidden_size, F = c.intermediate_size, Q = c.qkv_dim(), HD = c.q_dim();
  const int64_t L = c.num_hidden_layers, H = c.num_attention_heads;
  const int64_t per_layer = BT * (C + C + 1 + Q + HD + C + C + 1 + 2 * F + F) + B * H * T;
  acts_ = FloatBuffer(L * per_layer + BT * (2 * C + 1));
  float* p = acts_.data;
  auto take = [&](int64_t n) {
    float* r = p;
    p += n;
    return r;
  };
  layer_acts_.clear();
  for (int64_t l = 0; l < L; l++) {
    LayerActs a;
    a.res_in = take(BT * C);
    a.xn1 = take(BT * C);
    a.rstd1 = take(BT);
    a.qkv = take(BT * Q);
    a.att = take(BT * HD);
    a.lse = take(B * H * T);
    a.res_mid = take(BT * C);
    a.xn2 = take(BT * C);
    a.rstd2 = take(BT);
    a.gu = take(BT * 2 * F);
    a.h = take(BT * F);
    layer_acts_.push_back(a);
  }
  res_final_ = take(BT * C);
  xnf_ = take(BT * C);
  rstdf_ = take(BT);
  OWN_CHECK(p == acts_.data + acts_.size, "activation arena size mismatch");

  dacts_ = FloatBuffer(BT * (2 * C + Q + HD + 2 * F + F));
  p = dacts_.data;
  dres_ = take(BT * C);
  dxn_ = take(BT * C);
  dqkv_ = take(BT * Q);
  datt_ = take(BT * HD);
  dgu_ = take(BT * 2 * F);
  dh_ = take(BT * F);

  const int64_t D = c.head_dim();
  rope_cos_ = FloatBuffer(T * D / 2);
  rope_sin_ = FloatBuffer(T * D / 2);
  rope_table(rope_cos_.data, rope_sin_.data, T, D, c.rope_theta);

  // LM head chunk: about 4M logits at a time (16 MB), at least 16 rows
  chunk_rows_ = std::clamp<int64_t>((int64_t{1} << 22) / c.vocab_size, 16, BT);
  logits_chunk_ = FloatBuffer(chunk_rows_ * c.vocab_size);
  row_loss_ = FloatBuffer(BT);
}

void Llama::check_tokens(const int32_t* tokens, const char* what) const {
  for (int64_t i = 0; i < B_ * T_; i++)
    if (tokens[i] < 0 || tokens[i] >= config.vocab_size)
      input_error("{} token {} at position {} is outside the vocabulary [0, {})", what, tokens[i], i,
                  config.vocab_size);
}

void Llama::forward_trunk(const int32_t* inputs) {
  OWN_CHECK(B_ > 0, "reserve() before forward");
  check_tokens(inputs, "input");
  const ModelConfig& c = config;
  const int64_t B = B_, T = T_, BT = B * T, C = c.hidden_size, F = c.intermediate_size;
  const int64_t H = c.num_attention_heads, Hkv = c.num_key_value_heads, D = c.head_dim(), Q = c.qkv_dim();
  const float* w = params.data;
  embedding_forward(layer_acts_[0].res_in, inputs, w + layout.embed, BT, C);
  for (int64_t l = 0; l < c.num_hidden_layers; l++) {
    const LayerActs& a = layer_acts_[l];
    const LayerOffsets& o = layout.layers[l];
    float* res_out = l + 1 < c.num_hidden_layers ? layer_acts_[l + 1].res_in : res_final_;
    // attention block
    rmsnorm_forward(a.xn1, a.rstd1, a.res_in, w + o.attn_norm, BT, C, c.rms_norm_eps);
    matmul_forward(a.qkv, a.xn1, w + o.qkv, BT, Q, C, precision);
    rope_forward(a.qkv, rope_cos_.data, rope_sin_.data, B, T, Q, H + Hkv, D);  // q and k heads are adjacent
    attention_forward(a.att, a.lse, a.qkv, B, T, H, Hkv, D);
    std::memcpy(a.res_mid, a.res_in, sizeof(float) * static_cast<size_t>(BT * C));
    gemm(a.res_mid, a.att, w + o.o, BT, C, c.q_dim(), false, true, true, precision);  // += att o_proj^T
    // MLP block
    rmsnorm_forward(a.xn2, a.rstd2, a.res_mid, w + o.mlp_norm, BT, C, c.rms_norm_eps);
    matmul_forward(a.gu, a.xn2, w + o.gate_up, BT, 2 * F, C, precision);
    swiglu_forward(a.h, a.gu, BT, F);
    std::memcpy(res_out, a.res_mid, sizeof(float) * static_cast<size_t>(BT * C));
    gemm(res_out, a.h, w + o.down, BT, C, F, false, true, true, precision);  // += h down_proj^T
  }
  rmsnorm_forward(xnf_, rstdf_, res_final_, w + layout.final_norm, BT, C, c.rms_norm_eps);
}

// LM head + cross-entropy, chunk by chunk. With grad: dxnf -> dxn_, dW_head += ...
// Without weights the loss is the mean over valid targets; with weights, sum_i w_i * loss_i.
float Llama::head_loss(const int32_t* targets, bool with_grad, float loss_scale, const float* weights) {
  const int64_t BT = B_ * T_, C = config.hidden_size, V = config.vocab_size;
  for (int64_t i = 0; i < BT; i++)
    if (targets[i] >= V) input_error("target token {} at position {} is outside the vocabulary [0, {})", targets[i], i, V);
  int64_t n_valid = 0;
  for (int64_t i = 0; i < BT; i++) n_valid += targets[i] >= 0;
  if (with_grad) std::memset(dxn_, 0, sizeof(float) * static_cast<size_t>(BT * C));
  if (n_valid == 0) return 0.0f;  // every target masked: no loss, no gradient (never 0/0)
  const float* w_head = params.data + layout.lm_head;
  const float grad_scale = weights ? loss_scale : loss_scale / static_cast<float>(n_valid);
  for (int64_t r0 = 0; r0 < BT; r0 += chunk_rows_) {
    int64_t n = std::min(chunk_rows_, BT - r0);
    bool any = false;
    for (int64_t i = r0; i < r0 + n && !any; i++) any = targets[i] >= 0;
    if (!any) {
      for (int64_t i = r0; i < r0 + n; i++) row_loss_.data[i] = 0.0f;
      continue;
    }
    matmul_forward(logits_chunk_.data, xnf_ + r0 * C, w_head, n, V, C, precision);
    crossentropy_forward_backward(logits_chunk_.data, row_loss_.data + r0, targets + r0, n, V, grad_scale, with_grad,
                                  weights ? weights + r0 : nullptr);
    if (with_grad)
      matmul_backward(dxn_ + r0 * C, grads.data + layout.lm_head, logits_chunk_.data, xnf_ + r0 * C, w_head, n, V, C,
                      precision);
  }
  double sum = 0.0;
  if (weights) {
    for (int64_t i = 0; i < BT; i++) sum += static_cast<double>(weights[i]) * row_loss_.data[i];
    return static_cast<float>(sum);
  }
  for (int64_t i = 0; i < BT; i++) sum += row_loss_.data[i];
  return static_cast<float>(sum / static_cast<double>(n_valid));
}

void Llama::backward_trunk(const int32_t* inputs) {
  const ModelConfig& c = config;
  const int64_t B = B_, T = T_, BT = B * T, C = c.hidden_size, F = c.intermediate_size;
  const int64_t H = c.num_attention_heads, Hkv = c.num_key_value_heads, D = c.head_dim(), Q = c.qkv_dim();
  const float* w = params.data;
  float* dw = grads.data;
  // dxn_ holds d(loss)/d(xnf) from the head
  rmsnorm_backward(dres_, dw + layout.final_norm, dxn_, res_final_, w + layout.final_norm, rstdf_, BT, C, false);
  for (int64_t l = c.num_hidden_layers - 1; l >= 0; l--) {
    const LayerActs& a = layer_acts_[l];
    const LayerOffsets& o = layout.layers[l];
    // MLP block: res_out = res_mid + h down^T
    matmul_backward(dh_, dw + o.down, dres_, a.h, w + o.down, BT, C, F, precision);
    swiglu_backward(dgu_, dh_, a.gu, BT, F);
    matmul_backward(dxn_, dw + o.gate_up, dgu_, a.xn2, w + o.gate_up, BT, 2 * F, C, precision);
    rmsnorm_backward(dres_, dw + o.mlp_norm, dxn_, a.res_mid, w + o.mlp_norm, a.rstd2, BT, C, true);
    // attention block: res_mid = res_in + att o^T
    matmul_backward(datt_, dw + o.o, dres_, a.att, w + o.o, BT, C, c.q_dim(), precision);
    attention_backward(dqkv_, datt_, a.qkv, a.att, a.lse, B, T, H, Hkv, D);
    rope_backward(dqkv_, rope_cos_.data, rope_sin_.data, B, T, Q, H + Hkv, D);
    matmul_backward(dxn_, dw + o.qkv, dqkv_, a.xn1, w + o.qkv, BT, Q, C, precision);
    rmsnorm_backward(dres_, dw + o.attn_norm, dxn_, a.res_in, w + o.attn_norm, a.rstd1, BT, C, true);
    if (on_layer_grads)
      on_layer_grads(o.attn_norm, l + 1 < c.num_hidden_layers ? layout.layers[l + 1].attn_norm : layout.final_norm);
  }
  embedding_backward(dw + layout.embed, dres_, inputs, BT, C);
}

float Llama::forward_backward(const int32_t* inputs, const int32_t* targets, float loss_scale) {
  OWN_CHECK(grads.size == layout.total, "enable_grads() before forward_backward");
  forward_trunk(inputs);
  float loss = head_loss(targets, true, loss_scale);
  backward_trunk(inputs);
  return loss;
}

float Llama::forward_loss(const int32_t* inputs, const int32_t* targets) {
  forward_trunk(inputs);
  return head_loss(targets, false, 1.0f);
}

float Llama::backward_weighted(const int32_t* inputs, const int32_t* targets, const float* weights) {
  OWN_CHECK(grads.size == layout.total, "enable_grads() before backward_weighted");
  float loss = head_loss(targets, true, 1.0f, weights);  // the logits again, chunk by chunk
  backward_trunk(inputs);
  return loss;
}

void Llama::forward_scores(float* scores, const int32_t* inputs) {
  OWN_CHECK(layout.score >= 0, "forward_scores needs a score head (num_labels = 1)");
  forward_trunk(inputs);
  const int64_t BT = B_ * T_, C = config.hidden_size;
  const float* w = params.data + layout.score;
  for (int64_t i = 0; i < BT; i++) {
    const float* x = xnf_ + i * C;
    double acc = config.score_bias;
    for (int64_t c = 0; c < C; c++) acc += static_cast<double>(x[c]) * w[c];
    scores[i] = static_cast<float>(acc);
  }
}

void Llama::backward_scores(const int32_t* inputs, const float* dscores) {
  OWN_CHECK(grads.size == layout.total && layout.score >= 0, "backward_scores needs grads and a score head");
  const int64_t BT = B_ * T_, C = config.hidden_size;
  const float* w = params.data + layout.score;
  float* dw = grads.data + layout.score;
  for (int64_t i = 0; i < BT; i++) {
    const float g = dscores[i];
    const float* x = xnf_ + i * C;
    float* dx = dxn_ + i * C;
    for (int64_t c = 0; c < C; c++) dx[c] = g * w[c];
    if (g != 0.0f)
      for (int64_t c = 0; c < C; c++) dw[c] += g * x[c];
  }
  backward_trunk(inputs);
}

void Llama::forward_logits(float* logits, const int32_t* inputs) {
  forward_trunk(inputs);
  matmul_forward(logits, xnf_, params.data + layout.lm_head, B_ * T_, config.vocab_size, config.hidden_size,
                 precision);
}

}  // namespace own
