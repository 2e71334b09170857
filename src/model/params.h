// Parameter layout: every weight of the model as a named view into ONE contiguous fp32 buffer.
// The same layout indexes gradients and the AdamW moments, so each of those is one buffer too
// (one allreduce, one checkpoint write). Names and shapes are Hugging Face Llama's.
// Buffer order puts q/k/v and gate/up next to each other so one matmul computes each pair
// (weights (out, in) row-major, as in the HF checkpoint).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/config.h"

namespace own {

struct TensorInfo {
  std::string name;            // e.g. "model.layers.0.self_attn.q_proj.weight"
  std::vector<int64_t> shape;  // (out, in) for matmul weights, (C) for norms
  int64_t offset = 0;          // in floats, from the buffer start
  int64_t numel = 0;
  bool is_matrix = false;      // matmul weight or embedding (weight decay applies to these)
  bool is_embedding = false;
};

// Offsets of one layer's tensors (in floats), for the forward/backward.
struct LayerOffsets {
  int64_t attn_norm, qkv, o, mlp_norm, gate_up, down;
};

struct ParamLayout {
  std::vector<TensorInfo> tensors;  // in buffer order
  std::vector<LayerOffsets> layers;
  int64_t embed = 0, final_norm = 0, lm_head = 0;  // lm_head == embed when tied
  int64_t score = -1;                              // "score.weight" (1, C) when num_labels == 1
  int64_t total = 0;                               // floats

  const TensorInfo* find(const std::string& name) const;
};

ParamLayout param_layout(const ModelConfig& c);

// 64-byte aligned float buffer (value-initialised to zero).
struct FloatBuffer {
  float* data = nullptr;
  int64_t size = 0;
  FloatBuffer() = default;
  explicit FloatBuffer(int64_t n);
  ~FloatBuffer();
  FloatBuffer(const FloatBuffer&) = delete;
  FloatBuffer& operator=(const FloatBuffer&) = delete;
  FloatBuffer(FloatBuffer&& o) noexcept;
  FloatBuffer& operator=(FloatBuffer&& o) noexcept;
  void zero();
};

// Initialisation (seeded, deterministic): matmul weights N(0, 0.02), residual output projections
// (o_proj, down_proj) scaled by 1/sqrt(2L) as in GPT-2, norms = 1, embeddings N(0, 0.02).
void params_init(float* params, const ParamLayout& layout, const ModelConfig& c, uint64_t seed);

}  // namespace own
