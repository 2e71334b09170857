// What a stage trains for, apart from what it reads: the loop (train/loop.h) takes a batch from a
// BatchSource (data/batch_source.h) and hands it to an Objective, which runs forward and backward
// and returns the loss. The language-model loss is here; the reward model's ranking loss and DPO's
// are train/ranking_objective.h and train/dpo_objective.h (PPO's losses run in its own step).
#pragma once
#include <cstdint>

#include "model/llama.h"

namespace own {

struct Objective {
  virtual ~Objective() = default;
  // One micro-batch: grads += loss_scale * d(loss)/d(params); returns the loss.
  // inputs, targets: (B, T) as the source's next() wrote them, B, T = the model's reserved shape.
  virtual float forward_backward(Llama& model, const int32_t* inputs, const int32_t* targets, float loss_scale) = 0;
};

// Next-token cross-entropy over the targets (pretraining, SFT, best-of-n)
struct LmObjective : Objective {
  float forward_backward(Llama& model, const int32_t* inputs, const int32_t* targets, float loss_scale) override {
    return model.forward_backward(inputs, targets, loss_scale);
  }
};

}  // namespace own
