// `ownchat train pretrain`: a base model from the run directory's token shards.
// Reads DIR/tokenizer.json and DIR/data/shards/{train,val}_*.bin, writes DIR/ckpt/base and
// appends to DIR/metrics.jsonl. Validation is in bits per byte (independent of the tokenizer),
// a few prompts are sampled periodically, Ctrl-C saves a checkpoint and exits cleanly, and
// --resume continues bit for bit.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "kernels/matmul.h"
#include "model/config.h"

namespace own {

struct PretrainOptions {
  std::string run_dir = "runs/default";
  ModelConfig config;  // vocab_size is taken from the tokenizer
  int64_t batch = 8, seq = 256;
  int64_t total_batch_tokens = 0;  // tokens per optimizer step (gradient accumulation); 0: batch*seq
  int64_t steps = 1000;
  double minutes = 0;     // > 0: fit the run into this wall time (caps steps)
  float lr = 0;           // 0: derived from the width
  float weight_decay = 0.1f;
  float warmup_frac = 0.05f, min_lr_frac = 0.1f;
  double repeat_share = 0;  // share of train rows that repeat a period of 16..seq/2 tokens (loader.h)
  bool induction_init = false;  // plant an induction circuit at init (model/induction_init.h)
  int64_t eval_every = 100, eval_tokens = 65536, sample_every = 0, save_every = 500;
  bool resume = false;
  int64_t stop_at = 0;  // stop (with a checkpoint) at this step as an interruption would; 0: never
  Precision precision = Precision::f32;
  uint64_t seed = 1;
  double peak_gflops = 390.0;
  std::vector<std::string> sample_prompts = {"The meaning of life is", "Once upon a time", "In the beginning"};
};

struct PretrainResult {
  int64_t steps = 0;
  float train_loss = 0, val_bpb = 0, unigram_bpb = 0;
  float copy_p = 0;  // the copy probe's exp(-loss) at the last evaluation (copy_probe.h)
  bool interrupted = false;
};

PretrainResult pretrain(const PretrainOptions& o);

}  // namespace own
