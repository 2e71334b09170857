// AdamW over the whole parameter buffer with per-tensor weight decay (matrices only; embeddings
// optionally excluded), global grad-norm clipping, and the warmup + cosine/linear warmdown
// learning-rate schedule. Moments m, v are one buffer each, indexed like the parameters.
#pragma once
#include <cstdint>

#include "kernels/adamw.h"
#include "model/llama.h"

namespace own {

struct OptimizerConfig {
  float lr = 1e-3f;             // peak
  float min_lr_frac = 0.1f;     // final lr = min_lr_frac * lr
  float weight_decay = 0.1f;
  float beta1 = 0.9f, beta2 = 0.95f, eps = 1e-8f;
  float grad_clip = 1.0f;       // <= 0: no clipping
  bool decay_embeddings = true; // weight decay on embed_tokens / lm_head too
  int64_t warmup_steps = 0;
  int64_t total_steps = 0;      // 0: constant lr after warmup
  bool cosine = true;           // else linear warmdown
};

// lr at `step` (0-based) under the schedule
float lr_at(const OptimizerConfig& o, int64_t step);

class AdamW {
 public:
  OptimizerConfig cfg;
  FloatBuffer m, v;  // (layout.total)
  int64_t step = 0;  // updates taken

  AdamW(const OptimizerConfig& c, int64_t n_params);
  // Clips, updates params in place, increments step. Returns the pre-clip global grad norm.
  // A non-finite norm skips the update (and does not count the step); the caller logs it.
  float update(Llama& model);
};

}  // namespace own
