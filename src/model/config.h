// Model shape and its derivation from one knob, --depth (DESIGN.md §4).
// Field names follow Hugging Face LlamaConfig (config.json keys) so a checkpoint opens elsewhere.
// Glossary used across model/ and kernels/: B batch, T time, C n_embd, H heads, Hkv kv heads,
// D head dim, F MLP width, V vocab, L layers.
#pragma once
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <string>

namespace own {

// Upper limits a config may ask for, checked before anything is sized from it (a config.json of
// 10^9 layers must be an error, not an allocation). Each is far above any published Llama-style
// model (Llama 3.1 405B: 126 layers, C 16384, F 53248, 128 heads, V 128256, 128k context).
constexpr int64_t kMaxLayers = 1024;
constexpr int64_t kMaxHiddenSize = 65536;
constexpr int64_t kMaxIntermediateSize = 262144;
constexpr int64_t kMaxHeads = 1024;
constexpr int64_t kMaxVocabSize = int64_t{1} << 24;
constexpr int64_t kMaxPositions = int64_t{1} << 20;

struct ModelConfig {
  int64_t vocab_size = 8192;               // V
  int64_t hidden_size = 384;               // C
  int64_t intermediate_size = 1024;        // F
  int64_t num_hidden_layers = 6;           // L
  int64_t num_attention_heads = 6;         // H
  int64_t num_key_value_heads = 6;         // Hkv (H % Hkv == 0)
  int64_t max_position_embeddings = 1024;  // longest T the model is meant for
  float rope_theta = 10000.0f;
  float rms_norm_eps = 1e-5f;
  bool tie_word_embeddings = true;
  int64_t bos_token_id = 0;  // kept for config.json; tokenizer issue sets real ids
  int64_t eos_token_id = 0;
  // 0: a language model. 1: also a scalar `score` head on the final hidden state, as HF's
  // LlamaForSequenceClassification (reward model, PPO critic); the LM head is kept.
  int64_t num_labels = 0;
  float score_bias = 0.0f;  // added to the score; a reward model sets it so reference answers average 0

  int64_t head_dim() const { return hidden_size / num_attention_heads; }  // D
  int64_t q_dim() const { return num_attention_heads * head_dim(); }      // H*D
  int64_t kv_dim() const { return num_key_value_heads * head_dim(); }     // Hkv*D
  int64_t qkv_dim() const { return q_dim() + 2 * kv_dim(); }

  // Throws InputError naming the field when the shape is inconsistent.
  void validate() const;
};

// Knobs a user may set; a value <= 0 (or empty) means "derive from depth".
struct ModelOverrides {
  int64_t vocab = 0, n_embd = 0, n_head = 0, n_head_kv = 0, ffn = 0, seq = 0;
  int tied = -1;  // -1 derive, 0 untied, 1 tied
};

// depth N -> C = 64 N, L = N, H = C / 64 (head dim 64), Hkv = H, F = 8C/3 rounded up to 64.
ModelConfig config_from_depth(int depth, const ModelOverrides& o = {});
// Peak learning rate derived from width (AdamW): 0.03 / sqrt(C).
float default_lr(const ModelConfig& c);

// Parameters counted as 6N in FLOPs/token: every matmul weight, LM head included (tied or not).
int64_t matmul_param_count(const ModelConfig& c);
// Training FLOPs per token: 6N + 12 L T C (attention), nanoGPT's convention, as in BASELINES.md.
double train_flops_per_token(const ModelConfig& c, int64_t T);

nlohmann::json config_to_json(const ModelConfig& c);
// `where` names the file for error messages; every required key is checked.
ModelConfig config_from_json(const nlohmann::json& j, const std::string& where);

}  // namespace own
