#include "kernels/embedding.h"

#include <omp.h>

#include <algorithm>
#include <cstring>

namespace own {

void embedding_forward(float* x, const int32_t* tokens, const float* wte, int64_t BT, int64_t C) {
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < BT; i++) std::memcpy(x + i * C, wte + tokens[i] * C, sizeof(float) * static_cast<size_t>(C));
}

void embedding_backward(float* dwte, const float* dx, const int32_t* tokens, int64_t BT, int64_t C) {
#pragma omp parallel
  {
    int64_t nt = omp_get_num_threads(), tid = omp_get_thread_num();
    int64_t per = (C + nt - 1) / nt, c0 = std::min(C, tid * per), c1 = std::min(C, c0 + per);
    for (int64_t i = 0; i < BT; i++) {
      float* dst = dwte + tokens[i] * C;
      const float* src = dx + i * C;
      for (int64_t c = c0; c < c1; c++) dst[c] += src[c];
    }
  }
}

}  // namespace own
