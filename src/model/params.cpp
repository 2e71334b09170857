#include "model/params.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <new>

#include "core/check.h"
#include "core/rng.h"

namespace own {

const TensorInfo* ParamLayout::find(const std::string& name) const {
  for (const auto& t : tensors)
    if (t.name == name) return &t;
  return nullptr;
}

ParamLayout param_layout(const ModelConfig& c) {
  ParamLayout p;
  const int64_t C = c.hidden_size, F = c.intermediate_size, V = c.vocab_size;
  auto add = [&](std::string name, std::vector<int64_t> shape, bool is_matrix, bool is_embedding = false) {
    TensorInfo t;
    t.name = std::move(name);
    t.shape = std::move(shape);
    t.numel = 1;
    for (int64_t d : t.shape) t.numel *= d;
    t.offset = p.total;
    t.is_matrix = is_matrix;
    t.is_embedding = is_embedding;
    p.total += t.numel;
    p.tensors.push_back(t);
    return t.offset;
  };
  p.embed = add("model.embed_tokens.weight", {V, C}, true, true);
  for (int64_t l = 0; l < c.num_hidden_layers; l++) {
    std::string pre = "model.layers." + std::to_string(l) + ".";
    LayerOffsets lo;
    lo.attn_norm = add(pre + "input_layernorm.weight", {C}, false);
    lo.qkv = add(pre + "self_attn.q_proj.weight", {c.q_dim(), C}, true);
    add(pre + "self_attn.k_proj.weight", {c.kv_dim(), C}, true);
    add(pre + "self_attn.v_proj.weight", {c.kv_dim(), C}, true);
    lo.o = add(pre + "self_attn.o_proj.weight", {C, c.q_dim()}, true);
    lo.mlp_norm = add(pre + "post_attention_layernorm.weight", {C}, false);
    lo.gate_up = add(pre + "mlp.gate_proj.weight", {F, C}, true);
    add(pre + "mlp.up_proj.weight", {F, C}, true);
    lo.down = add(pre + "mlp.down_proj.weight", {C, F}, true);
    p.layers.push_back(lo);
  }
  p.final_norm = add("model.norm.weight", {C}, false);
  p.lm_head = c.tie_word_embeddings ? p.embed : add("lm_head.weight", {V, C}, true);
  if (c.num_labels == 1) p.score = add("score.weight", {1, C}, true);
  return p;
}

FloatBuffer::FloatBuffer(int64_t n) : size(n) {
  size_t bytes = (static_cast<size_t>(n) * sizeof(float) + 63) / 64 * 64;
  data = static_cast<float*>(std::aligned_alloc(64, bytes == 0 ? 64 : bytes));
  if (!data) throw std::bad_alloc();
  std::memset(data, 0, bytes);
}
FloatBuffer::~FloatBuffer() { std::free(data); }
FloatBuffer::FloatBuffer(FloatBuffer&& o) noexcept : data(o.data), size(o.size) {
  o.data = nullptr;
  o.size = 0;
}
FloatBuffer& FloatBuffer::operator=(FloatBuffer&& o) noexcept {
  if (this != &o) {
    std::free(data);
    data = o.data;
    size = o.size;
    o.data = nullptr;
    o.size = 0;
  }
  return *this;
}
void FloatBuffer::zero() { std::memset(data, 0, static_cast<size_t>(size) * sizeof(float)); }

void params_init(float* params, const ParamLayout& layout, const ModelConfig& c, uint64_t seed) {
  Rng rng(seed);
  const float std_base = 0.02f;
  const float std_resid = std_base / std::sqrt(2.0f * static_cast<float>(c.num_hidden_layers));
  for (const auto& t : layout.tensors) {
    float* w = params + t.offset;
    if (!t.is_matrix) {
      for (int64_t i = 0; i < t.numel; i++) w[i] = 1.0f;
      continue;
    }
    bool resid = t.name.ends_with("o_proj.weight") || t.name.ends_with("down_proj.weight");
    float s = resid ? std_resid : std_base;
    for (int64_t i = 0; i < t.numel; i++) w[i] = s * rng.normal();
  }
}

}  // namespace own
