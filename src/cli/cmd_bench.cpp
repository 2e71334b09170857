// ownchat bench train|gemm|generate
#include "cli/commands.h"
#include "core/check.h"
#include "infer/bench.h"
#include "retrieval/index_bench.h"
#include "train/bench.h"

namespace own::cli {

void register_bench_commands(CLI::App& app) {
  CLI::App* bench = app.add_subcommand("bench", "benchmarks (our side of bench/); print JSON lines");
  bench->require_subcommand(1);

  CLI::App* train = bench->add_subcommand("train", "time training steps (fwd + bwd + AdamW) on random tokens");
  auto mf = std::make_shared<ModelFlags>();
  auto tb = std::make_shared<TrainBenchOptions>();
  auto dtype = std::make_shared<std::string>("f32");
  mf->add(train);
  train->add_option("--batch", tb->batch, "sequences per step")->capture_default_str();
  train->add_option("--seq", tb->seq, "tokens per sequence")->capture_default_str();
  train->add_option("--steps", tb->steps, "timed steps")->capture_default_str();
  train->add_option("--warmup", tb->warmup, "untimed steps first")->capture_default_str();
  train->add_option("--dtype", *dtype, "matmul precision: f32 or bf16")->capture_default_str();
  train->add_option("--peak-gflops", tb->peak_gflops, "GEMM peak for the MFU figure")->capture_default_str();
  add_threads_flag(train);
  train->callback([=] {
    if (tb->batch <= 0 || tb->seq <= 0 || tb->steps <= 0 || tb->warmup < 0)
      input_error("--batch, --seq and --steps must be positive and --warmup >= 0");
    tb->config = mf->config(tb->seq);
    tb->precision = parse_precision(*dtype);
    bench_train(*tb);
  });

  CLI::App* gemm = bench->add_subcommand("gemm", "time y = x w^T through our matmul path (GFLOP/s)");
  struct GemmFlags {
    int64_t m = 2048, n = 2048, k = 2048, reps = 10;
    std::string dtype = "f32";
  };
  auto g = std::make_shared<GemmFlags>();
  gemm->add_option("-m", g->m, "rows of x")->capture_default_str();
  gemm->add_option("-n", g->n, "rows of w (outputs)")->capture_default_str();
  gemm->add_option("-k", g->k, "inner dimension")->capture_default_str();
  gemm->add_option("--reps", g->reps, "timed repetitions")->capture_default_str();
  gemm->add_option("--dtype", g->dtype, "f32 or bf16")->capture_default_str();
  add_threads_flag(gemm);
  gemm->callback([=] { bench_gemm(g->m, g->n, g->k, parse_precision(g->dtype), g->reps); });

  CLI::App* gen = bench->add_subcommand("generate", "prefill, decode and batched tokens/s of the inference engine");
  auto go = std::make_shared<GenerateBenchOptions>();
  auto weights = std::make_shared<std::string>("f32");
  gen->add_option("--shape", go->shape, "llama-15m or llama-110m (random weights)")->capture_default_str();
  gen->add_option("--weights", *weights, "f32, bf16 or int8")->capture_default_str();
  gen->add_option("--prompt", go->prompt, "prefill length")->capture_default_str();
  gen->add_option("--gen", go->gen, "tokens generated per sequence")->capture_default_str();
  gen->add_option("--reps", go->reps, "repetitions (the median is printed)")->capture_default_str();
  gen->add_option("--concurrency", go->concurrency, "concurrent sequences for the aggregate figures (e.g. 4,8,16)")
      ->delimiter(',')
      ->capture_default_str();
  add_threads_flag(gen);
  gen->callback([=] {
    go->weights = parse_weight_type(*weights);
    bench_generate(*go);
  });

  CLI::App* index = bench->add_subcommand("index", "search latency of a retrieval index (p50/p95 ms)");
  auto io = std::make_shared<IndexBenchOptions>();
  index->add_option("--index", io->index_path, "index file (RUN/index.db)")->required();
  index->add_option("--queries", io->queries_path, "queries, one per line")->required();
  index->add_option("-k", io->k, "passages per search")->capture_default_str()->check(CLI::Range(1, 1000));
  index->add_option("--reps", io->reps, "timed passes over the queries")->capture_default_str()->check(CLI::Range(1, 1000));
  index->add_option("--matches-out", io->matches_out, "write each query's FTS5 MATCH text here (for the peer)");
  index->callback([=] { bench_index(*io); });
}

}  // namespace own::cli
