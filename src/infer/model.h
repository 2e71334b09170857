// The model as the generation engine runs it: weights packed once (f32 | bf16 | int8) and a
// forward pass over a ragged batch — any mix of prefill chunks and single decode tokens from
// different sequences, all rows going through each layer's matmuls together, so decoding B
// sequences is one (B x C) . W^T per weight, not B matrix-vector products.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/kv_attention.h"
#include "kernels/linear.h"
#include "model/checkpoint.h"
#include "model/kv_cache.h"

namespace own {

// n new tokens of the sequence in `slot`, at positions pos0 .. pos0 + n - 1 (the cache holds
// 0 .. pos0 - 1). Logits come back for the last of them when want_logits. With hidden_sum, the
// final-norm hidden state of each of the n tokens is added into hidden_sum (C) (embeddings).
struct SeqChunk {
  int64_t slot = 0;
  int64_t pos0 = 0;
  std::span<const int32_t> tokens;
  bool want_logits = true;
  float* hidden_sum = nullptr;
};

struct InferOptions {
  WeightType weights = WeightType::f32;  // bf16 / int8 also store the KV cache as bf16
  int64_t n_slots = 1;        // sequences held at once
  int64_t context = 0;        // positions per sequence; 0 = max_position_embeddings
  int64_t max_batch_rows = 512;  // tokens per forward (prefill chunks + decode tokens)
};

class InferModel {
 public:
  InferModel(const Checkpoint& ck, const InferOptions& o);
  const ModelConfig& config() const { return config_; }
  int64_t context() const { return context_; }
  int64_t n_slots() const { return cache_.n_slots(); }
  int64_t max_batch_rows() const { return max_rows_; }
  WeightType weight_type() const { return weight_type_; }
  int64_t weight_bytes() const;  // bytes one decode step reads from the packed weights
  int64_t cache_bytes() const { return cache_.bytes(); }

  // Runs the chunks as one batch. logits: (number of chunks with want_logits, V), in chunk order.
  // Chunks must name distinct slots; the total token count must be <= max_batch_rows.
  void forward(std::span<const SeqChunk> chunks, float* logits);

 private:
  struct Layer {
    std::vector<float> attn_norm, mlp_norm;  // (C)
    PackedWeight qkv, o, gate_up, down;      // (Q, C), (C, HD), (2F, C), (C, F)
  };
  ModelConfig config_;
  WeightType weight_type_;
  int64_t context_, max_rows_;
  std::vector<float> embed_, final_norm_;  // (V, C), (C)
  std::vector<Layer> layers_;
  PackedWeight lm_head_;  // (V, C)
  KvCache cache_;
  FloatBuffer rope_cos_, rope_sin_;  // (context, D/2)
  // activations for max_rows_ rows
  FloatBuffer x_, xn_, rstd_, qkv_, att_, gu_, h_, last_;
  std::vector<int32_t> tokens_;
  std::vector<KvSegment> segments_;
};

}  // namespace own
