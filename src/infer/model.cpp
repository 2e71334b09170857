#include "infer/model.h"

#include <cstring>

#include "core/check.h"
#include "core/thread_budget.h"
#include "kernels/embedding.h"
#include "kernels/kv_attention.h"
#include "kernels/rmsnorm.h"
#include "kernels/rope.h"
#include "kernels/swiglu.h"

namespace own {

static int64_t resolve_context(const ModelConfig& c, int64_t requested) {
  if (requested <= 0) return c.max_position_embeddings;
  if (requested > c.max_position_embeddings)
    input_error("context {} exceeds the model's max_position_embeddings {}", requested, c.max_position_embeddings);
  return requested;
}

// reduced-precision weights come with a bf16 KV cache (half the memory and the bytes attention
// reads per token); fp32 weights keep an fp32 cache, so their logits match training's forward
static KvType kv_type_for(WeightType w) { return w == WeightType::f32 ? KvType::f32 : KvType::bf16; }

InferModel::InferModel(const Checkpoint& ck, const InferOptions& o)
    : config_(ck.config),
      weight_type_(o.weights),
      context_(resolve_context(ck.config, o.context)),
      max_rows_(o.max_batch_rows),
      cache_(ck.config, o.n_slots, context_, kv_type_for(o.weights)) {
  if (max_rows_ < 1) input_error("max batch rows must be positive (got {})", max_rows_);
  const ModelConfig& c = config_;
  const int64_t C = c.hidden_size, F = c.intermediate_size, V = c.vocab_size, Q = c.qkv_dim(), D = c.head_dim();
  const float* p = ck.params.data;
  const ParamLayout& lay = ck.layout;
  embed_.assign(p + lay.embed, p + lay.embed + V * C);
  final_norm_.assign(p + lay.final_norm, p + lay.final_norm + C);
  for (int64_t l = 0; l < c.num_hidden_layers; l++) {
    const LayerOffsets& off = lay.layers[l];
    Layer L;
    L.attn_norm.assign(p + off.attn_norm, p + off.attn_norm + C);
    L.mlp_norm.assign(p + off.mlp_norm, p + off.mlp_norm + C);
    L.qkv = pack_weight(p + off.qkv, Q, C, weight_type_);
    L.o = pack_weight(p + off.o, C, c.q_dim(), weight_type_);
    L.gate_up = pack_weight(p + off.gate_up, 2 * F, C, weight_type_);
    L.down = pack_weight(p + off.down, C, F, weight_type_);
    layers_.push_back(std::move(L));
  }
  lm_head_ = pack_weight(p + lay.lm_head, V, C, weight_type_);

  rope_cos_ = FloatBuffer(context_ * D / 2);
  rope_sin_ = FloatBuffer(context_ * D / 2);
  rope_table(rope_cos_.data, rope_sin_.data, context_, D, c.rope_theta);
  const int64_t R = max_rows_;
  x_ = FloatBuffer(R * C);
  xn_ = FloatBuffer(R * C);
  rstd_ = FloatBuffer(R);
  qkv_ = FloatBuffer(R * Q);
  att_ = FloatBuffer(R * c.q_dim());
  gu_ = FloatBuffer(R * 2 * F);
  h_ = FloatBuffer(R * F);
  last_ = FloatBuffer(R * C);
  tokens_.reserve(static_cast<size_t>(R));
  segments_.reserve(static_cast<size_t>(cache_.n_slots()));
}

int64_t InferModel::weight_bytes() const {
  int64_t b = lm_head_.bytes() + static_cast<int64_t>(sizeof(float)) * config_.hidden_size;  // + one embedding row
  for (const Layer& L : layers_) b += L.qkv.bytes() + L.o.bytes() + L.gate_up.bytes() + L.down.bytes();
  return b;
}

void InferModel::forward(std::span<const SeqChunk> chunks, float* logits) {
  use_threads_now();  // the results do not depend on the thread count; the speed does, on a busy machine
  const ModelConfig& c = config_;
  const int64_t C = c.hidden_size, F = c.intermediate_size, Q = c.qkv_dim(), HD = c.q_dim(), KVD = c.kv_dim();
  const int64_t H = c.num_attention_heads, Hkv = c.num_key_value_heads, D = c.head_dim(), V = c.vocab_size;
  const int64_t cap = cache_.capacity();

  tokens_.clear();
  segments_.clear();
  for (const SeqChunk& ch : chunks) {
    const int64_t n = static_cast<int64_t>(ch.tokens.size());
    OWN_CHECK(n > 0 && ch.slot >= 0 && ch.slot < cache_.n_slots(), "bad chunk");
    OWN_CHECK(ch.pos0 >= 0 && ch.pos0 + n <= context_, "chunk past the context");
    OWN_CHECK(static_cast<int64_t>(tokens_.size()) + n <= max_rows_, "batch over max_batch_rows");
    for (int32_t t : ch.tokens) OWN_CHECK(t >= 0 && t < V, "token outside the vocabulary");
    segments_.push_back({nullptr, nullptr, static_cast<int64_t>(tokens_.size()), n, ch.pos0});
    tokens_.insert(tokens_.end(), ch.tokens.begin(), ch.tokens.end());
  }
  const int64_t rows = static_cast<int64_t>(tokens_.size());
  if (rows == 0) return;

  // x: (rows, C) residual stream
  embedding_forward(x_.data, tokens_.data(), embed_.data(), rows, C);
  for (int64_t l = 0; l < c.num_hidden_layers; l++) {
    const Layer& L = layers_[l];
    rmsnorm_forward(xn_.data, rstd_.data, x_.data, L.attn_norm.data(), rows, C, c.rms_norm_eps);
    linear_forward(qkv_.data, xn_.data, L.qkv, rows, false);  // qkv: (rows, Q)
    for (size_t i = 0; i < chunks.size(); i++) {
      KvSegment& sg = segments_[i];
      float* q0 = qkv_.data + sg.row0 * Q;
      rope_forward(q0, rope_cos_.data, rope_sin_.data, 1, sg.n, Q, H + Hkv, D, sg.pos0);
      void* kc = cache_.keys(l, chunks[i].slot);
      void* vc = cache_.values(l, chunks[i].slot);
      for (int64_t t = 0; t < sg.n; t++)
        kv_store(cache_.type(), kc, vc, q0 + t * Q + HD, q0 + t * Q + HD + KVD, sg.pos0 + t, Hkv, D, cap);
      sg.kc = kc;
      sg.vc = vc;
    }
    kv_attention_forward(cache_.type(), att_.data, HD, qkv_.data, Q, segments_, H, Hkv, D, cap);  // att: (rows, HD)
    linear_forward(x_.data, att_.data, L.o, rows, true);
    rmsnorm_forward(xn_.data, rstd_.data, x_.data, L.mlp_norm.data(), rows, C, c.rms_norm_eps);
    linear_forward(gu_.data, xn_.data, L.gate_up, rows, false);  // gu: (rows, 2F)
    swiglu_forward(h_.data, gu_.data, rows, F);
    linear_forward(x_.data, h_.data, L.down, rows, true);
  }
  for (size_t i = 0; i < chunks.size(); i++) {  // pooled hidden states (before xn_ is reused below)
    if (!chunks[i].hidden_sum) continue;
    const KvSegment& sg = segments_[i];
    rmsnorm_forward(xn_.data, rstd_.data, x_.data + sg.row0 * C, final_norm_.data(), sg.n, C, c.rms_norm_eps);
    for (int64_t t = 0; t < sg.n; t++)
      for (int64_t j = 0; j < C; j++) chunks[i].hidden_sum[j] += xn_.data[t * C + j];
  }
  // final norm and LM head only for the rows that want logits
  int64_t n_out = 0;
  for (size_t i = 0; i < chunks.size(); i++) {
    if (!chunks[i].want_logits) continue;
    const int64_t last = segments_[i].row0 + segments_[i].n - 1;
    std::memcpy(last_.data + n_out * C, x_.data + last * C, sizeof(float) * static_cast<size_t>(C));
    n_out++;
  }
  if (n_out == 0) return;
  rmsnorm_forward(xn_.data, rstd_.data, last_.data, final_norm_.data(), n_out, C, c.rms_norm_eps);
  linear_forward(logits, xn_.data, lm_head_, n_out, false);  // logits: (n_out, V)
}

}  // namespace own
