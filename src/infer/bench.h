// `ownchat bench generate`: the engine's speed on random weights, in the shapes of the peer
// table (llama.cpp's llama-bench pp512 / tg128 on stories15M- and stories110M-shaped models):
//   pp    prefill tokens/s: one prompt of `prompt` tokens in one forward
//   tg    decode tokens/s at batch 1: `gen` tokens one at a time from an empty cache
//   agg   aggregate tokens/s of N concurrent sequences through the scheduler (continuous
//         batching), each generating `gen` tokens after a 16-token prompt
// plus the DRAM read bandwidth measured in the same process and the share of it decode reaches
// (weight bytes x tok/s). One JSON line per figure; medians of `reps` repetitions.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/linear.h"
#include "model/config.h"

namespace own {

// "llama-15m" (d 288, L 6, H 6, F 768, V 32000) | "llama-110m" (d 768, L 12, H 12, F 2048, V 32000)
ModelConfig bench_shape(const std::string& name);

struct GenerateBenchOptions {
  std::string shape = "llama-15m";
  WeightType weights = WeightType::f32;
  int64_t prompt = 512, gen = 128, reps = 3;
  std::vector<int64_t> concurrency{4, 8, 16};
};
void bench_generate(const GenerateBenchOptions& o);

// GB/s of a parallel sum over a buffer much larger than the caches (best of 3)
double measure_read_bandwidth();

}  // namespace own
