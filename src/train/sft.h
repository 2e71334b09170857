// `ownchat train sft`: supervised fine-tuning, step 1 of InstructGPT. Starts from RUN/ckpt/base
// (or --init), trains on RUN/data/chat/train.jsonl plus any user JSONL (OpenAI fine-tuning format,
// mixed in by weight), with the loss on assistant answers only, and writes RUN/ckpt/sft.
// Validation loss (per answer token) on RUN/data/chat/val.jsonl; Ctrl-C saves; --resume continues.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "train/keep_best.h"

namespace own {

struct SftOptions {
  std::string run_dir = "runs/default";
  std::string init;  // checkpoint to start from; default RUN/ckpt/<init_stage>
  // other stages that fine-tune on conversations (best-of-n) reuse this with their own names
  std::string stage = "sft", init_stage = "base";
  std::string train_file;  // default RUN/data/chat/train.jsonl
  std::vector<std::pair<std::string, double>> user_data;  // JSONL path, weight (copies; 0.5 = half)
  int64_t batch = 8, seq = 256, steps = 500;
  int64_t grad_accum = 1;  // micro-batches of `batch` per step (data-parallel: a multiple of the ranks)
  double minutes = 0;  // > 0: fit the run into this wall time (caps steps)
  bool pack = true;  // several whole conversations per row (false: one per row, padded)
  float lr = 0;  // 0: the base model's default (0.03 / sqrt(width)) / default_lr_divisor
  float default_lr_divisor = 1;  // best-of-n polishes an SFT model: 10
  float weight_decay = 0.0f;
  int64_t eval_every = 100, save_every = 250;
  int64_t val_conversations = 256;  // validation loss over the first N of val.jsonl (0: all)
  // the val rule-judge guard (train/keep_best.h) for stages after SFT (bon): val prompts per
  // judged family (0: off), and the longest greedy answer judged
  int64_t judge_prompts = 0, judge_max_tokens = 64;
  bool resume = false;
  int64_t stop_at = 0;
  uint64_t seed = 1;
};

struct SftResult {
  int64_t steps = 0, train_examples = 0, too_long = 0;
  float train_loss = 0, val_loss = 0, val_loss_start = 0;
  KeptPolicy kept;
  bool interrupted = false;
};

SftResult train_sft(const SftOptions& o);

}  // namespace own
