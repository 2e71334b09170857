// What every fine-tuning stage (sft, rm, dpo, bon, ppo) does before its own work: load the run's
// tokenizer, decide where the checkpoint goes (RUN/ckpt/<stage>) and where it starts from (the
// stage's own checkpoint when resuming, else --init or the previous stage's), and the loop
// options every stage shares.
#pragma once
#include <cstdint>
#include <string>

#include "model/checkpoint.h"
#include "tokenizer/tokenizer.h"
#include "train/loop.h"

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

// checkpoint to out, metrics to RUN/metrics.jsonl, Ctrl-C saves
TrainLoopOptions stage_loop_options(const std::string& run_dir, const std::string& stage, const std::string& out,
                                    int64_t steps, int64_t save_every, uint64_t seed, int64_t stop_at);

}  // namespace own
