// What every training stage reads from: a deterministic, resumable stream of batches. The
// loaders (pretrain windows, chat rows, preference rows) implement it; train/ consumes it, and
// its objectives (train/objective.h) turn each batch into a loss. A source never sees a model.
#pragma once
#include <cstdint>

namespace own {

// A deterministic, resumable stream of (inputs, targets) batches of shape (B, T).
struct BatchSource {
  virtual ~BatchSource() = default;
  virtual void next(int32_t* inputs, int32_t* targets, int64_t B, int64_t T) = 0;
  virtual uint64_t cursor() const = 0;      // position, saved in train_state
  virtual void seek(uint64_t cursor) = 0;   // restore a saved position
};

}  // namespace own
