#include "train/bench.h"

#include <fmt/format.h>

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/check.h"
#include "core/rng.h"
#include "model/llama.h"
#include "train/optimizer.h"

namespace own {

std::string bench_train(const TrainBenchOptions& o) {
  Llama model(o.config);
  model.precision = o.precision;
  params_init(model.params.data, model.layout, model.config, o.seed);
  model.enable_grads();
  model.reserve(o.batch, o.seq);
  OptimizerConfig oc;
  oc.lr = default_lr(model.config);
  AdamW opt(oc, model.layout.total);
  Rng rng(o.seed + 1);
  const int64_t BT = o.batch * o.seq;
  std::vector<int32_t> tokens(static_cast<size_t>(BT + 1));
  std::vector<double> ms;
  float loss = 0.0f;
  for (int64_t s = 0; s < o.warmup + o.steps; s++) {
    for (auto& t : tokens) t = static_cast<int32_t>(rng.below(static_cast<uint64_t>(o.config.vocab_size)));
    auto t0 = std::chrono::steady_clock::now();
    model.grads.zero();
    loss = model.forward_backward(tokens.data(), tokens.data() + 1);
    opt.update(model);
    auto t1 = std::chrono::steady_clock::now();
    if (s >= o.warmup) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  double med = ms[ms.size() / 2];
  double tok_s = static_cast<double>(BT) / (med / 1000.0);
  double gflops = tok_s * train_flops_per_token(o.config, o.seq) / 1e9;
  nlohmann::json j = {{"impl", "ownchat"},
                      {"dtype", o.precision == Precision::bf16 ? "bf16" : "f32"},
                      {"layers", o.config.num_hidden_layers},
                      {"n_embd", o.config.hidden_size},
                      {"vocab", o.config.vocab_size},
                      {"batch", o.batch},
                      {"seq", o.seq},
                      {"threads", omp_get_max_threads()},
                      {"tok_per_s", tok_s},
                      {"ms_per_step", med},
                      {"ms_min", ms.front()},
                      {"ms_max", ms.back()},
                      {"gflops", gflops},
                      {"mfu", gflops / o.peak_gflops},
                      {"final_loss", loss}};
  std::string line = j.dump();
  fmt::print("{}\n", line);
  std::fflush(stdout);
  return line;
}

}  // namespace own

namespace own {

std::string bench_gemm(int64_t M, int64_t N, int64_t K, Precision p, int64_t reps) {
  if (M <= 0 || N <= 0 || K <= 0 || reps <= 0) input_error("bench gemm: M, N, K and --reps must be positive");
  FloatBuffer x(M * K), w(N * K), y(M * N);
  Rng rng(3);
  for (int64_t i = 0; i < x.size; i++) x.data[i] = rng.normal();
  for (int64_t i = 0; i < w.size; i++) w.data[i] = rng.normal();
  std::vector<double> ms;
  for (int64_t r = 0; r < reps + 1; r++) {
    auto t0 = std::chrono::steady_clock::now();
    matmul_forward(y.data, x.data, w.data, M, N, K, p);
    auto t1 = std::chrono::steady_clock::now();
    if (r > 0) ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  double med = ms[ms.size() / 2];
  double gflops = 2.0 * static_cast<double>(M * N * K) / (med / 1000.0) / 1e9;
  nlohmann::json j = {{"impl", "ownchat-gemm"}, {"dtype", p == Precision::bf16 ? "bf16" : "f32"},
                      {"bf16_native", bf16_is_native()}, {"M", M}, {"N", N}, {"K", K},
                      {"threads", omp_get_max_threads()}, {"ms", med}, {"gflops", gflops}};
  std::string line = j.dump();
  fmt::print("{}\n", line);
  std::fflush(stdout);
  return line;
}

}  // namespace own
