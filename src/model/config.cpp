#include "model/config.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

#include "core/check.h"

namespace own {

void ModelConfig::validate() const {
  auto positive = [](int64_t v, const char* name) {
    if (v <= 0) input_error("model config: {} must be positive, got {}", name, v);
  };
  positive(vocab_size, "vocab_size");
  positive(hidden_size, "hidden_size");
  positive(intermediate_size, "intermediate_size");
  positive(num_hidden_layers, "num_hidden_layers");
  positive(num_attention_heads, "num_attention_heads");
  positive(num_key_value_heads, "num_key_value_heads");
  positive(max_position_embeddings, "max_position_embeddings");
  auto at_most = [](int64_t v, int64_t limit, const char* name) {
    if (v > limit) input_error("model config: {} {} is over the limit of {} (corrupt config?)", name, v, limit);
  };
  at_most(vocab_size, kMaxVocabSize, "vocab_size");
  at_most(hidden_size, kMaxHiddenSize, "hidden_size");
  at_most(intermediate_size, kMaxIntermediateSize, "intermediate_size");
  at_most(num_hidden_layers, kMaxLayers, "num_hidden_layers");
  at_most(num_attention_heads, kMaxHeads, "num_attention_heads");
  at_most(num_key_value_heads, kMaxHeads, "num_key_value_heads");
  at_most(max_position_embeddings, kMaxPositions, "max_position_embeddings");
  if (hidden_size % num_attention_heads != 0)
    input_error("model config: hidden_size {} is not divisible by num_attention_heads {}", hidden_size,
                num_attention_heads);
  if (head_dim() % 2 != 0) input_error("model config: head dim {} must be even for RoPE", head_dim());
  if (num_attention_heads % num_key_value_heads != 0)
    input_error("model config: num_attention_heads {} is not a multiple of num_key_value_heads {}",
                num_attention_heads, num_key_value_heads);
  if (!(rms_norm_eps > 0.0f && rms_norm_eps < 1.0f))
    input_error("model config: rms_norm_eps must be in (0, 1), got {}", rms_norm_eps);
  if (!(rope_theta > 0.0f && std::isfinite(rope_theta)))
    input_error("model config: rope_theta must be positive and finite, got {}", rope_theta);
  if (!std::isfinite(score_bias)) input_error("model config: score_bias must be finite, got {}", score_bias);
}

ModelConfig config_from_depth(int depth, const ModelOverrides& o) {
  if (depth <= 0) input_error("--depth must be positive, got {}", depth);
  ModelConfig c;
  c.num_hidden_layers = depth;
  c.hidden_size = o.n_embd > 0 ? o.n_embd : 64 * int64_t{depth};
  c.num_attention_heads = o.n_head > 0 ? o.n_head : std::max<int64_t>(1, c.hidden_size / 64);
  c.num_key_value_heads = o.n_head_kv > 0 ? o.n_head_kv : c.num_attention_heads;
  c.intermediate_size = o.ffn > 0 ? o.ffn : (8 * c.hidden_size / 3 + 63) / 64 * 64;
  c.vocab_size = o.vocab > 0 ? o.vocab : 8192;
  c.max_position_embeddings = o.seq > 0 ? o.seq : 1024;
  c.tie_word_embeddings = o.tied != 0;
  c.validate();
  return c;
}

float default_lr(const ModelConfig& c) { return 0.03f / std::sqrt(static_cast<float>(c.hidden_size)); }

int64_t matmul_param_count(const ModelConfig& c) {
  int64_t C = c.hidden_size;
  int64_t per_layer = c.qkv_dim() * C + C * c.q_dim() + 3 * c.intermediate_size * C;
  return c.num_hidden_layers * per_layer + c.vocab_size * C;
}

double train_flops_per_token(const ModelConfig& c, int64_t T) {
  return 6.0 * static_cast<double>(matmul_param_count(c)) +
         12.0 * static_cast<double>(c.num_hidden_layers * T * c.hidden_size);
}

nlohmann::json config_to_json(const ModelConfig& c) {
  nlohmann::json j = {
      {"architectures", {c.num_labels > 0 ? "LlamaForSequenceClassification" : "LlamaForCausalLM"}},
      {"model_type", "llama"},
      {"vocab_size", c.vocab_size},
      {"hidden_size", c.hidden_size},
      {"intermediate_size", c.intermediate_size},
      {"num_hidden_layers", c.num_hidden_layers},
      {"num_attention_heads", c.num_attention_heads},
      {"num_key_value_heads", c.num_key_value_heads},
      {"head_dim", c.head_dim()},
      {"max_position_embeddings", c.max_position_embeddings},
      {"rope_theta", c.rope_theta},
      {"rms_norm_eps", c.rms_norm_eps},
      {"tie_word_embeddings", c.tie_word_embeddings},
      {"hidden_act", "silu"},
      {"attention_bias", false},
      {"mlp_bias", false},
      {"bos_token_id", c.bos_token_id},
      {"eos_token_id", c.eos_token_id},
      {"torch_dtype", "float32"},
  };
  if (c.num_labels > 0) {
    j["num_labels"] = c.num_labels;
    j["score_bias"] = c.score_bias;
  }
  return j;
}

ModelConfig config_from_json(const nlohmann::json& j, const std::string& where) {
  if (!j.is_object()) input_error("{}: expected a JSON object", where);
  auto get_int = [&](const char* key, bool required, int64_t fallback) -> int64_t {
    auto it = j.find(key);
    if (it == j.end()) {
      if (required) input_error("{}: missing key \"{}\"", where, key);
      return fallback;
    }
    if (!it->is_number_integer()) input_error("{}: key \"{}\" must be an integer, got {}", where, key, it->dump());
    return it->get<int64_t>();
  };
  auto get_float = [&](const char* key, float fallback) -> float {
    auto it = j.find(key);
    if (it == j.end()) return fallback;
    if (!it->is_number()) input_error("{}: key \"{}\" must be a number, got {}", where, key, it->dump());
    const double v = it->get<double>();  // range-checked first: converting an out-of-range double is UB
    if (!(std::fabs(v) <= std::numeric_limits<float>::max()))
      input_error("{}: key \"{}\" is {}, outside the range of a float", where, key, v);
    return static_cast<float>(v);
  };
  if (auto it = j.find("model_type"); it != j.end() && *it != "llama")
    input_error("{}: model_type {} is not supported (expected \"llama\")", where, it->dump());
  ModelConfig c;
  c.vocab_size = get_int("vocab_size", true, 0);
  c.hidden_size = get_int("hidden_size", true, 0);
  c.intermediate_size = get_int("intermediate_size", true, 0);
  c.num_hidden_layers = get_int("num_hidden_layers", true, 0);
  c.num_attention_heads = get_int("num_attention_heads", true, 0);
  c.num_key_value_heads = get_int("num_key_value_heads", false, c.num_attention_heads);
  c.max_position_embeddings = get_int("max_position_embeddings", false, 1024);
  c.bos_token_id = get_int("bos_token_id", false, 0);
  c.eos_token_id = get_int("eos_token_id", false, 0);
  c.num_labels = get_int("num_labels", false, 0);
  if (c.num_labels != 0 && c.num_labels != 1)
    input_error("{}: num_labels {} is not supported (0: language model, 1: scalar score head)", where, c.num_labels);
  c.score_bias = get_float("score_bias", 0.0f);
  c.rope_theta = get_float("rope_theta", 10000.0f);
  c.rms_norm_eps = get_float("rms_norm_eps", 1e-5f);
  if (auto it = j.find("tie_word_embeddings"); it != j.end()) {
    if (!it->is_boolean()) input_error("{}: key \"tie_word_embeddings\" must be true or false", where);
    c.tie_word_embeddings = it->get<bool>();
  } else {
    c.tie_word_embeddings = false;  // HF LlamaConfig default
  }
  try {
    c.validate();
  } catch (const InputError& e) {
    input_error("{}: {}", where, e.what());
  }
  // after validate(): heads are in 1..kMaxHeads, so the product cannot overflow
  if (auto it = j.find("head_dim"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() != c.head_dim())
      input_error("{}: head_dim {} * num_attention_heads {} != hidden_size {} (not supported)", where, it->dump(),
                  c.num_attention_heads, c.hidden_size);
  }
  return c;
}

}  // namespace own
