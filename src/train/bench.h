// `ownchat bench train`: time full training steps (forward + backward + AdamW) on random tokens.
// Prints one JSON line, the same fields as the PyTorch oracle's bench mode, so bench/ can put
// the two side by side.
#pragma once
#include <cstdint>
#include <string>

#include "kernels/matmul.h"
#include "model/config.h"

namespace own {

struct TrainBenchOptions {
  ModelConfig config;
  int64_t batch = 8, seq = 256, steps = 10, warmup = 2;
  Precision precision = Precision::f32;
  double peak_gflops = 390.0;
  uint64_t seed = 1;
};

// returns the JSON line it printed
std::string bench_train(const TrainBenchOptions& o);

// GEMM throughput of our matmul path (oneDNN) for y (M, N) = x (M, K) w^T: the machine's
// practical peak, which the MFU figures divide by. Prints one JSON line.
std::string bench_gemm(int64_t M, int64_t N, int64_t K, Precision p, int64_t reps);

}  // namespace own
