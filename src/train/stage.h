// What every fine-tuning stage (sft, rm, dpo, bon, ppo) does before its own work: load the run's
// tokenizer, decide where the checkpoint goes (RUN/ckpt/<stage>) and where it starts from (the
// stage's own checkpoint when resuming, else --init or the previous stage's), and the loop
// options every stage shares. run_stage is the shared part of sft, rm and dpo: a stage loads what
// it starts from, builds its data and its objective, and hands them to it.
#pragma once
#include <cstdint>
#include <functional>
#include <string>

#include "data/batch_source.h"
#include "model/checkpoint.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"
#include "train/keep_best.h"
#include "train/loop.h"
#include "train/objective.h"
#include "train/optimizer.h"

namespace own {

struct StageStart {
  Tokenizer tok;
  Checkpoint ck;          // the weights to start from
  std::string out;        // RUN/ckpt/<stage>
  std::string from;       // where ck came from
  bool resuming = false;  // ck is the stage's own checkpoint
};

// InputError when the tokenizer lacks the chat tokens, the output exists and resume is false,
// the start checkpoint is missing, or its vocabulary is smaller than the tokenizer's.
StageStart stage_start(const std::string& run_dir, const std::string& stage, const std::string& init,
                       const std::string& default_init_stage, bool resume);

// InputError when --seq is longer than the start checkpoint's context
void check_stage_seq(const StageStart& st, int64_t seq);

// checkpoint to out, metrics to RUN/metrics.jsonl, Ctrl-C saves
TrainLoopOptions stage_loop_options(const std::string& run_dir, const std::string& stage, const std::string& out,
                                    int64_t steps, int64_t save_every, uint64_t seed, int64_t stop_at);

// A fine-tuning stage's optimizer: lr (0: the base model's default / default_divisor), warmup
// over the first 5% of the steps, linear decay to 0.
OptimizerConfig fine_tune_optimizer(const ModelConfig& base, float lr, float default_divisor, float weight_decay,
                                    int64_t steps);

// What a stage hands run_stage besides its model, data and objective.
struct StageSpec {
  std::string run_dir, stage;
  int64_t steps = 0, save_every = 0, eval_every = 0, stop_at = 0;
  uint64_t seed = 1;
  OptimizerConfig optimizer;
  // once the weights are in place (after a resume), before the first step: the stage's banner
  // and its starting validation
  std::function<void()> on_start;
  // every eval_every steps and at the end: validation, its metrics and progress note
  std::function<void(Trainer&, int64_t step)> validate;
  double minutes = 0;  // > 0: a wall-time budget that caps steps (the schedule spans what fits)
  int64_t grad_accum = 1;  // micro-batches per step
  // the validation rule-judge guard (train/keep_best.h), started by on_start: checks after each
  // validate, and leaves the best policy in the stage's checkpoint when the run ends
  KeepBest* keep_best = nullptr;
};

// Trains model (holding st's weights, reserved) on (data, objective) with the shared loop:
// optimizer and schedule, resume from st.out when st.resuming, Ctrl-C, progress, metrics and
// checkpoints to st.out.
TrainResult run_stage(const StageSpec& spec, const StageStart& st, Llama& model, BatchSource& data,
                      Objective& objective);

}  // namespace own
