#include "data/batch_source.h"

#include "model/llama.h"

namespace own {

float BatchSource::forward_backward(Llama& model, float loss_scale, int32_t* inputs, int32_t* targets) {
  next(inputs, targets, model.batch(), model.seq());
  return model.forward_backward(inputs, targets, loss_scale);
}

}  // namespace own
