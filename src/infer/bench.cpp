#include "infer/bench.h"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/huge_buffer.h"
#include "core/rng.h"
#include "kernels/simd.h"
#include "infer/engine.h"
#include "infer/model.h"
#include "model/checkpoint.h"

namespace own {

ModelConfig bench_shape(const std::string& name) {
  ModelConfig c;
  c.vocab_size = 32000;
  c.max_position_embeddings = 1024;
  c.tie_word_embeddings = false;  // the peer's GGUFs carry a separate output.weight
  if (name == "llama-15m") {
    c.hidden_size = 288, c.num_hidden_layers = 6, c.num_attention_heads = 6, c.intermediate_size = 768;
  } else if (name == "llama-110m") {
    c.hidden_size = 768, c.num_hidden_layers = 12, c.num_attention_heads = 12, c.intermediate_size = 2048;
  } else {
    input_error("unknown bench shape '{}' (expected llama-15m or llama-110m)", name);
  }
  c.num_key_value_heads = c.num_attention_heads;
  return c;
}

double measure_read_bandwidth() {
  const int64_t n = int64_t(1) << 28;  // 1 GiB of floats
  HugeBuffer buf(static_cast<size_t>(n) * sizeof(float));  // huge pages, like the weights
  float* data = buf.as<float>();
#pragma omp parallel for schedule(static)
  for (int64_t i = 0; i < n; i++) data[i] = 1.0f;
  double best = 0.0;
  for (int rep = 0; rep < 3; rep++) {
    const auto t0 = std::chrono::steady_clock::now();
    double total = 0.0;
#pragma omp parallel reduction(+ : total)
    {
      const int64_t nt = omp_get_num_threads(), tid = omp_get_thread_num();
      const int64_t per = n / nt, begin = tid * per;
      total += simd::sum(data + begin, tid + 1 == nt ? n - begin : per);
    }
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    OWN_CHECK(total > 0.0, "bandwidth sum");  // keeps the loop alive
    best = std::max(best, total * 4.0 / s / 1e9);  // total = floats read (all ones)
  }
  return best;
}

namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void emit(nlohmann::json j) {
  fmt::print("{}\n", j.dump());
  std::fflush(stdout);
}

// prefill: the whole prompt in one forward; tokens/s, the median of reps (after one warm-up run)
double prefill_tok_s(InferModel& model, std::span<const int32_t> prompt, int64_t reps) {
  std::vector<float> logits(static_cast<size_t>(model.config().vocab_size));
  std::vector<double> pp;
  for (int64_t r = 0; r < reps + 1; r++) {
    SeqChunk ch{0, 0, prompt, true};
    const auto t0 = std::chrono::steady_clock::now();
    model.forward(std::span(&ch, 1), logits.data());
    if (r > 0) pp.push_back(static_cast<double>(prompt.size()) / seconds_since(t0));  // first run warms up
  }
  return median(pp);
}

// decode at batch 1 from an empty cache, greedy; tokens/s as above
double decode_tok_s(InferModel& model, int32_t first, int64_t gen, int64_t reps) {
  std::vector<float> logits(static_cast<size_t>(model.config().vocab_size));
  std::vector<double> tg;
  for (int64_t r = 0; r < reps + 1; r++) {
    int32_t tok = first;
    const auto t0 = std::chrono::steady_clock::now();
    for (int64_t p = 0; p < gen; p++) {
      SeqChunk ch{0, p, std::span<const int32_t>(&tok, 1), true};
      model.forward(std::span(&ch, 1), logits.data());
      tok = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
    }
    if (r > 0) tg.push_back(static_cast<double>(gen) / seconds_since(t0));
  }
  return median(tg);
}

// aggregate throughput through the scheduler at n concurrent sequences (16-token prompts)
double engine_tok_s(InferModel& model, const std::vector<int32_t>& prompt, int64_t n, int64_t gen, int64_t reps) {
  std::vector<double> agg;
  for (int64_t r = 0; r < reps; r++) {
    Engine engine(model, nullptr);
    for (int64_t i = 0; i < n; i++) {
      GenerationRequest req;
      req.prompt.assign(prompt.begin() + i, prompt.begin() + i + 16);
      req.max_tokens = gen;
      req.sampling.temperature = 0.0f;
      engine.submit(std::move(req));
    }
    const auto t0 = std::chrono::steady_clock::now();
    engine.run_until_idle();
    agg.push_back(static_cast<double>(n * gen) / seconds_since(t0));
  }
  return median(agg);
}

}  // namespace

void bench_generate(const GenerateBenchOptions& o) {
  if (o.prompt < 1 || o.gen < 2 || o.reps < 1) input_error("--prompt, --reps must be >= 1 and --gen >= 2");
  Checkpoint ck;
  ck.config = bench_shape(o.shape);
  ck.layout = param_layout(ck.config);
  ck.params = FloatBuffer(ck.layout.total);
  params_init(ck.params.data, ck.layout, ck.config, 1);
  const int64_t V = ck.config.vocab_size, threads = omp_get_max_threads();
  const int64_t max_conc = o.concurrency.empty() ? 1 : *std::max_element(o.concurrency.begin(), o.concurrency.end());
  InferOptions io;
  io.weights = o.weights;
  io.n_slots = std::max<int64_t>(1, max_conc);
  io.context = std::min<int64_t>(ck.config.max_position_embeddings, std::max<int64_t>(o.prompt, 16 + o.gen) + 1);
  io.max_batch_rows = std::max<int64_t>(o.prompt, io.n_slots);
  InferModel model(ck, io);
  ck.params = FloatBuffer();  // the packed copy is all that is needed from here
  const double weight_gb = static_cast<double>(model.weight_bytes()) / 1e9;
  double bw = measure_read_bandwidth();  // measured again after the decode test; the best counts
  nlohmann::json base{{"impl", "ownchat"}, {"shape", o.shape}, {"weights", weight_type_name(o.weights)},
                      {"threads", threads}};
  auto with = [&](nlohmann::json extra) {
    nlohmann::json j = base;
    j.update(extra);
    return j;
  };

  Rng rng(7);
  std::vector<int32_t> prompt(static_cast<size_t>(o.prompt));
  for (auto& t : prompt) t = static_cast<int32_t>(rng.below(static_cast<uint64_t>(V)));

  emit(with({{"test", fmt::format("pp{}", o.prompt)}, {"tok_s", prefill_tok_s(model, prompt, o.reps)}}));
  const double tg_med = decode_tok_s(model, prompt[0], o.gen, o.reps);
  bw = std::max(bw, measure_read_bandwidth());
  emit(with({{"test", "membw"}, {"read_gb_s", bw}, {"weight_mb", weight_gb * 1e3}}));
  emit(with({{"test", fmt::format("tg{}", o.gen)},
             {"tok_s", tg_med},
             {"gb_s", tg_med * weight_gb},
             {"bandwidth_utilisation", tg_med * weight_gb / bw}}));
  for (int64_t n : o.concurrency) {
    if (n < 1 || n > model.n_slots()) continue;
    emit(with({{"test", fmt::format("agg{}x{}", n, o.gen)},
               {"concurrency", n},
               {"tok_s", engine_tok_s(model, prompt, n, o.gen, o.reps)}}));
  }
}

}  // namespace own
