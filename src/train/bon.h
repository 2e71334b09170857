// `ownchat train bon`: best-of-n, the FeedME idea of InstructGPT's predecessors. Samples n
// answers per prompt from the SFT model (the inference engine), keeps the one the reward model
// scores highest, and fine-tunes the SFT model on those answers (train/sft.h with stage "bon").
// The chosen answers are written to RUN/data/bon/train.jsonl first; a resumed run reuses them.
// Logs the mean reward of all samples and of the best ones. Writes RUN/ckpt/bon.
#pragma once
#include <cstdint>
#include <string>

#include "train/sft.h"

namespace own {

struct BonOptions {
  // the fine-tuning: sft.run_dir, sft.init (the model sampled from and fine-tuned; default
  // RUN/ckpt/sft), batch, steps, ...; stage and train_file are set by train_bon
  SftOptions sft;
  std::string rm;  // default RUN/ckpt/rm
  int64_t n = 4;            // answers per prompt
  int64_t prompts = 256;    // prompts from the preference data's train split
  int64_t max_tokens = 64;  // per answer
  float temperature = 1.0f;
  float no_end_penalty = 1.0f;  // taken off the score of answers cut off by max_tokens
};

struct BonResult {
  int64_t prompts = 0, samples = 0;
  double mean_reward = 0, best_reward = 0;  // over all samples; over the chosen ones
  SftResult sft;
};

BonResult train_bon(const BonOptions& o);

}  // namespace own
