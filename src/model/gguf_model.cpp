#include "model/gguf_model.h"

#include <cmath>
#include <cstring>

#include "core/check.h"
#include "model/safetensors.h"

namespace own {

namespace {

constexpr std::pair<const char*, const char*> kLayerNames[] = {
    {"input_layernorm.weight", "attn_norm.weight"},   {"self_attn.q_proj.weight", "attn_q.weight"},
    {"self_attn.k_proj.weight", "attn_k.weight"},     {"self_attn.v_proj.weight", "attn_v.weight"},
    {"self_attn.o_proj.weight", "attn_output.weight"}, {"post_attention_layernorm.weight", "ffn_norm.weight"},
    {"mlp.gate_proj.weight", "ffn_gate.weight"},      {"mlp.up_proj.weight", "ffn_up.weight"},
    {"mlp.down_proj.weight", "ffn_down.weight"}};

// llama_ftype: what general.file_type says of the bulk of the weights
uint32_t file_type(GgmlType t) {
  switch (t) {
    case GgmlType::F32: return 0;
    case GgmlType::F16: return 1;
    case GgmlType::Q8_0: return 7;
    case GgmlType::BF16: return 32;
  }
  return 0;
}

// w: (n_heads * D, C). to_gguf: out row (h, 2i + j) = in row (h, j * D/2 + i); else the inverse.
void permute_rope_rows(const float* in, float* out, int64_t n_heads, int64_t D, int64_t C, bool to_gguf) {
  const int64_t half = D / 2;
  for (int64_t h = 0; h < n_heads; h++)
    for (int64_t j = 0; j < 2; j++)
      for (int64_t i = 0; i < half; i++) {
        const int64_t hf_row = h * D + j * half + i, gguf_row = h * D + 2 * i + j;
        const int64_t from = to_gguf ? hf_row : gguf_row, to = to_gguf ? gguf_row : hf_row;
        std::memcpy(out + to * C, in + from * C, static_cast<size_t>(C) * sizeof(float));
      }
}

// heads of a q or k projection, 0 for any other tensor
int64_t rope_heads(const std::string& hf_name, const ModelConfig& c) {
  if (hf_name.ends_with("self_attn.q_proj.weight")) return c.num_attention_heads;
  if (hf_name.ends_with("self_attn.k_proj.weight")) return c.num_key_value_heads;
  return 0;
}

}  // namespace

std::string gguf_tensor_name(const std::string& hf_name) {
  if (hf_name == "model.embed_tokens.weight") return "token_embd.weight";
  if (hf_name == "model.norm.weight") return "output_norm.weight";
  if (hf_name == "lm_head.weight") return "output.weight";
  const std::string layers = "model.layers.";
  if (!hf_name.starts_with(layers)) return "";
  const size_t dot = hf_name.find('.', layers.size());
  if (dot == std::string::npos) return "";
  const std::string rest = hf_name.substr(dot + 1);
  for (const auto& [hf, gguf] : kLayerNames)
    if (rest == hf) return "blk." + hf_name.substr(layers.size(), dot - layers.size()) + "." + gguf;
  return "";
}

std::vector<std::vector<float>> gguf_put_model(GgufWriter& w, const Checkpoint& ck, GgmlType type,
                                               const std::string& name) {
  const ModelConfig& c = ck.config;
  if (c.num_labels != 0)
    input_error("a model with a score head (reward model or critic, num_labels {}) has no place in GGUF's llama "
                "architecture; export a policy (base, sft, ppo, dpo or bon)",
                c.num_labels);
  w.set("general.architecture", GgufValue::string("llama"));
  w.set("general.name", GgufValue::string(name));
  w.set("general.file_type", GgufValue::u32(file_type(type)));
  if (type == GgmlType::Q8_0) w.set("general.quantization_version", GgufValue::u32(2));
  const auto u32 = [](int64_t v) { return GgufValue::u32(static_cast<uint32_t>(v)); };
  w.set("llama.vocab_size", u32(c.vocab_size));
  w.set("llama.context_length", u32(c.max_position_embeddings));
  w.set("llama.embedding_length", u32(c.hidden_size));
  w.set("llama.block_count", u32(c.num_hidden_layers));
  w.set("llama.feed_forward_length", u32(c.intermediate_size));
  w.set("llama.attention.head_count", u32(c.num_attention_heads));
  w.set("llama.attention.head_count_kv", u32(c.num_key_value_heads));
  w.set("llama.attention.layer_norm_rms_epsilon", GgufValue::f32(c.rms_norm_eps));
  w.set("llama.rope.dimension_count", u32(c.head_dim()));
  w.set("llama.rope.freq_base", GgufValue::f32(c.rope_theta));

  std::vector<std::vector<float>> owned;
  for (const TensorInfo& t : ck.layout.tensors) {
    const float* data = ck.params.data + t.offset;
    if (const int64_t heads = rope_heads(t.name, c); heads > 0) {
      std::vector<float>& copy = owned.emplace_back(static_cast<size_t>(t.numel));
      permute_rope_rows(data, copy.data(), heads, c.head_dim(), c.hidden_size, /*to_gguf=*/true);
      data = copy.data();
    }
    const std::string gguf = gguf_tensor_name(t.name);
    OWN_CHECK(!gguf.empty(), "no GGUF name for {}", t.name);
    w.add_tensor(gguf, t.shape, data, t.shape.size() == 1 ? GgmlType::F32 : type);
  }
  return owned;
}

namespace {

// An optional integer key that, when present, must equal `want` (a feature we do not implement).
void require_equal(const GgufFile& f, const std::string& key, int64_t want, const char* why) {
  if (f.find(key) && f.get_int(key) != want)
    input_error("{}: metadata \"{}\" is {}, but {} (expected {})", f.path(), key, f.get_int(key), why, want);
}

ModelConfig read_config(const GgufFile& f) {
  const std::string& arch = f.get_string("general.architecture");
  if (arch != "llama")
    input_error("{}: metadata \"general.architecture\" is \"{}\"; only \"llama\" models are supported", f.path(), arch);
  ModelConfig c;
  const GgufTensor* embd = f.find_tensor("token_embd.weight");
  if (!embd || embd->shape.size() != 2) input_error("{}: tensor \"token_embd.weight\" is missing or not 2-D", f.path());
  c.vocab_size = embd->shape[0];
  c.hidden_size = f.get_int("llama.embedding_length");
  c.intermediate_size = f.get_int("llama.feed_forward_length");
  c.num_hidden_layers = f.get_int("llama.block_count");
  c.num_attention_heads = f.get_int("llama.attention.head_count");
  c.num_key_value_heads =
      f.find("llama.attention.head_count_kv") ? f.get_int("llama.attention.head_count_kv") : c.num_attention_heads;
  c.max_position_embeddings = f.get_int("llama.context_length");
  c.rms_norm_eps = static_cast<float>(f.get_float("llama.attention.layer_norm_rms_epsilon"));
  c.rope_theta = f.find("llama.rope.freq_base") ? static_cast<float>(f.get_float("llama.rope.freq_base")) : 10000.0f;
  c.tie_word_embeddings = f.find_tensor("output.weight") == nullptr;
  try {
    c.validate();
  } catch (const InputError& e) {
    input_error("{}: {}", f.path(), e.what());
  }
  if (c.head_dim() % 2 != 0)
    input_error("{}: head size {} is odd; rotary embeddings need an even one", f.path(), c.head_dim());
  require_equal(f, "llama.vocab_size", c.vocab_size, "token_embd.weight has another number of rows");
  require_equal(f, "llama.rope.dimension_count", c.head_dim(), "partial rotary embeddings are not supported");
  require_equal(f, "llama.attention.key_length", c.head_dim(), "a head size other than embedding / heads is not supported");
  require_equal(f, "llama.attention.value_length", c.head_dim(), "a head size other than embedding / heads is not supported");
  require_equal(f, "llama.expert_count", 0, "mixture-of-experts models are not supported");
  if (const GgufValue* s = f.find("llama.rope.scaling.type"); s && s->type == GgufType::STRING && s->s != "none")
    input_error("{}: metadata \"llama.rope.scaling.type\" is \"{}\"; RoPE scaling is not supported", f.path(), s->s);
  return c;
}

}  // namespace

Checkpoint gguf_read_model(const GgufFile& f) {
  Checkpoint ck;
  ck.config = read_config(f);
  ck.layout = param_layout(ck.config);
  size_t expected = 0;
  for (const TensorInfo& t : ck.layout.tensors) {  // every shape first: nothing is allocated for a wrong file
    const std::string name = gguf_tensor_name(t.name);
    const GgufTensor* g = f.find_tensor(name);
    if (!g) input_error("{}: tensor \"{}\" is missing", f.path(), name);
    if (g->shape != t.shape)
      input_error("{}: tensor \"{}\": shape {} in the file, the metadata needs {}", f.path(), name, shape_str(g->shape),
                  shape_str(t.shape));
    expected++;
  }
  if (f.tensors().size() != expected) {
    for (const GgufTensor& g : f.tensors()) {
      bool known = false;
      for (const TensorInfo& t : ck.layout.tensors) known = known || gguf_tensor_name(t.name) == g.name;
      if (!known) input_error("{}: tensor \"{}\" is not part of the model the metadata describes", f.path(), g.name);
    }
  }
  ck.params = FloatBuffer(ck.layout.total);
  std::vector<float> tmp;
  for (const TensorInfo& t : ck.layout.tensors) {
    const GgufTensor& g = *f.find_tensor(gguf_tensor_name(t.name));
    float* dst = ck.params.data + t.offset;
    const int64_t heads = rope_heads(t.name, ck.config);
    if (heads == 0) {
      f.read_f32(g, dst, t.numel);
    } else {
      tmp.resize(static_cast<size_t>(t.numel));
      f.read_f32(g, tmp.data(), t.numel);
      permute_rope_rows(tmp.data(), dst, heads, ck.config.head_dim(), ck.config.hidden_size, /*to_gguf=*/false);
    }
    for (int64_t k = 0; k < t.numel; k++)
      if (!std::isfinite(dst[k]))
        input_error("{}: tensor \"{}\" holds a non-finite weight at element {}", f.path(), g.name, k);
  }
  return ck;
}

}  // namespace own
