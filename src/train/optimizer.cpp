#include "train/optimizer.h"

#include <cmath>

namespace own {

float lr_at(const OptimizerConfig& o, int64_t step) {
  if (o.warmup_steps > 0 && step < o.warmup_steps)
    return o.lr * static_cast<float>(step + 1) / static_cast<float>(o.warmup_steps);
  if (o.total_steps <= o.warmup_steps) return o.lr;
  float progress = static_cast<float>(step - o.warmup_steps) / static_cast<float>(o.total_steps - o.warmup_steps);
  progress = std::min(1.0f, std::max(0.0f, progress));
  float shape = o.cosine ? 0.5f * (1.0f + std::cos(3.14159265358979f * progress)) : 1.0f - progress;
  return o.lr * (o.min_lr_frac + (1.0f - o.min_lr_frac) * shape);
}

AdamW::AdamW(const OptimizerConfig& c, int64_t n_params) : cfg(c), m(n_params), v(n_params) {}

float AdamW::update(Llama& model) {
  const float norm = static_cast<float>(std::sqrt(sum_squares(model.grads.data, model.grads.size)));
  if (!std::isfinite(norm)) return norm;
  const float clip_scale = cfg.grad_clip > 0.0f && norm > cfg.grad_clip ? cfg.grad_clip / (norm + 1e-6f) : 1.0f;
  step++;
  AdamWHyper h{lr_at(cfg, step - 1), cfg.beta1, cfg.beta2, cfg.eps, 0.0f};
  for (const TensorInfo& t : model.layout.tensors) {
    bool decay = t.is_matrix && (cfg.decay_embeddings || !t.is_embedding);
    h.weight_decay = decay ? cfg.weight_decay : 0.0f;
    adamw_update(model.params.data + t.offset, model.grads.data + t.offset, m.data + t.offset, v.data + t.offset,
                 t.numel, h, step, clip_scale);
  }
  return norm;
}

}  // namespace own
