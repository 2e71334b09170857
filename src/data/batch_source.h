// What every training stage reads from: a deterministic, resumable stream of batches. The
// loaders (pretrain windows, chat rows, preference rows) implement it; train/ consumes it.
#pragma once
#include <cstdint>

namespace own {

class Llama;

// A deterministic, resumable stream of (inputs, targets) batches of shape (B, T).
struct BatchSource {
  virtual ~BatchSource() = default;
  virtual void next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) = 0;
  // One micro-batch: reads the next batch, runs forward and backward (grads += loss_scale *
  // d(loss)/d(params)) and returns the loss. The default is the language-model loss over
  // next()'s targets; preference stages (rm, dpo) override it. inputs, targets: (B, T) scratch.
  virtual float forward_backward(Llama& model, float loss_scale, int32_t* inputs, int32_t* targets);
  virtual uint64_t cursor() const = 0;      // position, saved in train_state
  virtual void seek(uint64_t cursor) = 0;   // restore a saved position
};

}  // namespace own
