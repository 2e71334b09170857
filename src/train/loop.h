// The training loop every stage shares: gradient accumulation, AdamW + schedule + clipping,
// NaN guard, metrics.jsonl, progress line, Ctrl-C, a time budget, a periodic hook (validation,
// samples), and checkpoints that resume bit for bit (params, AdamW moments, step, data cursor).
// Stages differ in their BatchSource (what a batch is), their Objective (train/objective.h: what
// loss it makes), their hook and their starting checkpoint.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "core/dist.h"
#include "data/batch_source.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "train/objective.h"
#include "train/optimizer.h"

namespace own {

struct TrainLoopOptions {
  std::string stage = "pretrain";  // metrics "stage" field
  std::string ckpt_dir;            // where checkpoints go (and resume comes from); empty: none
  std::string metrics_path;        // metrics.jsonl; empty: none
  int64_t steps = 100;             // optimizer steps in total (resume continues up to here)
  int64_t grad_accum = 1;          // micro-batches per step
  int64_t save_every = 0;          // steps between checkpoints (0: only at the end)
  int64_t log_every = 1;
  double time_budget_s = 0;        // > 0: after a few steps, cap `steps` so the run ends in time
  const volatile int* stop_flag = nullptr;  // set (e.g. by SIGINT): save and return after this step
  double flops_per_token = 0;      // > 0 with peak_gflops: MFU in the progress line and metrics
  double peak_gflops = 0;
  int64_t stop_at = 0;             // stop (and save) once this step is reached, as an interruption
                                   // would; the schedule still spans `steps` (0: run to the end)
  uint64_t seed = 1;
};

struct TrainResult {
  int64_t start_step = 0, end_step = 0;
  bool interrupted = false;  // stop_flag was raised
  int64_t skipped_steps = 0;  // non-finite loss or gradient: update skipped
  float last_loss = 0.0f;
};

class Trainer {
 public:
  Trainer(Llama& model, const OptimizerConfig& opt, const TrainLoopOptions& o);
  // Loads <ckpt_dir> (params, moments, step, cursor) when it holds a train state.
  // Returns true when it resumed.
  bool resume(BatchSource& train);
  TrainResult run(BatchSource& train, Objective& objective);
  TrainResult run(BatchSource& train);  // the language-model objective
  void save(const BatchSource& train);
  AdamW& optimizer() { return opt_; }
  const TrainLoopOptions& options() const { return o_; }
  // Called after step `step` (1-based count of updates) when step % every == 0 and at the end:
  // validation beyond the loss, samples, ... `hook_every` <= 0 disables it.
  std::function<void(Trainer&, int64_t step)> hook;
  int64_t hook_every = 0;
  // extra text for the progress line (e.g. "val bpb 1.23")
  std::string progress_note;
  void log_metric(int64_t step, const std::string& name, double value);

 private:
  double micro_batches(BatchSource& train, Objective& objective);

  Llama& model_;
  AdamW opt_;
  TrainLoopOptions o_;
  std::vector<int32_t> inputs_, targets_;
  dist::BucketSum grad_sum_;  // data-parallel: sums gradients over the ranks
};

// Lends an optimizer's moments to a TrainState for a checkpoint write (no copy) and hands them
// back when it goes out of scope, also when the write throws.
class MomentsLoan {
 public:
  MomentsLoan(AdamW& opt, TrainState& st) : opt_(opt), st_(st) {
    st.m = std::move(opt.m);
    st.v = std::move(opt.v);
  }
  ~MomentsLoan() {
    opt_.m = std::move(st_.m);
    opt_.v = std::move(st_.v);
  }
  MomentsLoan(const MomentsLoan&) = delete;
  MomentsLoan& operator=(const MomentsLoan&) = delete;

 private:
  AdamW& opt_;
  TrainState& st_;
};

// Saves model + optimizer: st's step, cursor and extra as given, its moments lent from `opt`.
void save_with_optimizer(const std::string& dir, const Llama& model, AdamW& opt, TrainState& st);

// The other way: the weights of the checkpoint at `dir` into `model` (the score head's bias, kept
// in its config, too) and its AdamW moments into `opt`; returns its TrainState (step, cursor, extra). InputError when the checkpoint's model has
// another shape than `model`.
TrainState restore_with_optimizer(const std::string& dir, Llama& model, AdamW& opt);

// One line {"stage","step","name","value"} appended to a metrics.jsonl (no-op for an empty path).
void append_metric(const std::string& path, const std::string& stage, int64_t step, const std::string& name,
                   double value);

// While alive, Ctrl-C (SIGINT) raises a flag instead of killing the process; the previous handler
// comes back on destruction. For loops that save and return when asked to stop.
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
  bool raised() const;

 private:
  void (*previous_)(int);
};

// The flag SIGINT raises while run_interruptible runs: put it in TrainLoopOptions::stop_flag.
const volatile int* sigint_flag();
// trainer.run(train, objective) with Ctrl-C (SIGINT) turned into "save and return"; the previous
// handler is restored afterwards, also when run throws.
TrainResult run_interruptible(Trainer& trainer, BatchSource& train, Objective& objective);

}  // namespace own
