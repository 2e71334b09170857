// ownchat: one binary, subcommands. This file only parses flags and calls the modules
// (DESIGN.md §1); bad input surfaces as InputError and a non-zero exit with its message.
#include <CLI/CLI.hpp>
#include <omp.h>

#include <cstdio>
#include <string>

#include "core/check.h"
#include "model/inspect.h"
#include "train/bench.h"

namespace {

struct ModelFlags {
  int depth = 6;
  own::ModelOverrides o;
  bool untied = false;
  int64_t kv_heads = 0;
  void add(CLI::App* app) {
    app->add_option("--depth", depth, "model depth: layers; width = 64*depth, heads = width/64")->capture_default_str();
    app->add_option("--vocab", o.vocab, "vocabulary size (default 8192)");
    app->add_option("--n-embd", o.n_embd, "model width (default 64*depth)");
    app->add_option("--n-head", o.n_head, "attention heads (default width/64)");
    app->add_option("--kv-heads", o.n_head_kv, "key/value heads for grouped-query attention (default = heads)");
    app->add_option("--ffn", o.ffn, "MLP width (default 8*width/3 rounded up to 64)");
    app->add_flag("--untied", untied, "separate LM head instead of tying it to the embedding");
  }
  own::ModelConfig config(int64_t seq) {
    own::ModelOverrides x = o;
    x.tied = untied ? 0 : 1;
    if (x.seq <= 0) x.seq = std::max<int64_t>(seq, 1024);
    return own::config_from_depth(depth, x);
  }
};

own::Precision parse_precision(const std::string& s) {
  if (s == "f32" || s == "fp32") return own::Precision::f32;
  if (s == "bf16") return own::Precision::bf16;
  own::input_error("--dtype must be f32 or bf16, got \"{}\"", s);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ownchat: build your own ChatGPT from nothing"};
  app.require_subcommand(1);
  int threads = 0;
  app.add_option("--threads", threads, "compute threads (default: all cores)");

  CLI::App* bench = app.add_subcommand("bench", "benchmarks (our side of bench/); print JSON lines");
  bench->require_subcommand(1);
  CLI::App* bench_train = bench->add_subcommand("train", "time training steps on random tokens");
  ModelFlags mf;
  mf.add(bench_train);
  own::TrainBenchOptions tb;
  std::string dtype = "f32";
  bench_train->add_option("--batch", tb.batch, "sequences per step")->capture_default_str();
  bench_train->add_option("--seq", tb.seq, "tokens per sequence")->capture_default_str();
  bench_train->add_option("--steps", tb.steps, "timed steps")->capture_default_str();
  bench_train->add_option("--warmup", tb.warmup, "untimed steps first")->capture_default_str();
  bench_train->add_option("--dtype", dtype, "matmul precision: f32 or bf16")->capture_default_str();
  bench_train->add_option("--peak-gflops", tb.peak_gflops, "GEMM peak for the MFU figure")->capture_default_str();
  bench_train->add_option("--threads", threads, "compute threads (default: all cores)");

  CLI::App* bench_gemm = bench->add_subcommand("gemm", "time y = x w^T through our matmul path (GFLOP/s)");
  int64_t gm = 2048, gn = 2048, gk = 2048, greps = 10;
  std::string gdtype = "f32";
  bench_gemm->add_option("-m", gm, "rows of x")->capture_default_str();
  bench_gemm->add_option("-n", gn, "rows of w (outputs)")->capture_default_str();
  bench_gemm->add_option("-k", gk, "inner dimension")->capture_default_str();
  bench_gemm->add_option("--reps", greps, "timed repetitions")->capture_default_str();
  bench_gemm->add_option("--dtype", gdtype, "f32 or bf16")->capture_default_str();
  bench_gemm->add_option("--threads", threads, "compute threads (default: all cores)");

  CLI::App* ckpt = app.add_subcommand("ckpt", "create or inspect checkpoints (safetensors + config.json)");
  ckpt->require_subcommand(1);
  CLI::App* ckpt_init = ckpt->add_subcommand("init", "write a randomly initialised model checkpoint");
  ModelFlags init_flags;
  init_flags.add(ckpt_init);
  std::string init_out;
  uint64_t init_seed = 1;
  int64_t init_seq = 1024;
  ckpt_init->add_option("--out", init_out, "checkpoint directory to write")->required();
  ckpt_init->add_option("--seed", init_seed, "initialisation seed")->capture_default_str();
  ckpt_init->add_option("--seq", init_seq, "context length (max_position_embeddings)")->capture_default_str();
  CLI::App* ckpt_info = ckpt->add_subcommand("info", "validate a checkpoint and print its summary as JSON");
  std::string info_dir;
  ckpt_info->add_option("dir", info_dir, "checkpoint directory")->required();

  CLI11_PARSE(app, argc, argv);
  if (threads > 0) omp_set_num_threads(threads);
  try {
    if (bench_train->parsed()) {
      tb.config = mf.config(tb.seq);
      tb.precision = parse_precision(dtype);
      own::bench_train(tb);
    } else if (bench_gemm->parsed()) {
      own::bench_gemm(gm, gn, gk, parse_precision(gdtype), greps);
    } else if (ckpt_init->parsed()) {
      init_flags.o.seq = init_seq;
      own::checkpoint_init(init_out, init_flags.config(init_seq), init_seed);
    } else if (ckpt_info->parsed()) {
      std::printf("%s\n", own::checkpoint_info(info_dir).dump(2).c_str());
    }
  } catch (const own::InputError& e) {
    std::fprintf(stderr, "ownchat: error: %s\n", e.what());
    return 1;
  } catch (const std::exception& e) {  // e.g. out of memory: still a message, not an abort
    std::fprintf(stderr, "ownchat: error: %s\n", e.what());
    return 2;
  }
  return 0;
}
