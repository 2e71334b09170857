#include "train/bench.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

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
  std::printf("%s\n", line.c_str());
  std::fflush(stdout);
  return line;
}

}  // namespace own
