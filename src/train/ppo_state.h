// The state of a PPO run (train/ppo.h) and its checkpoint set RUN/ckpt/ppo, written and swapped in
// as one directory so a kill never pairs parts of different steps:
//   config.json, model.safetensors  the best policy by the validation rule judges so far (what eval,
//                                   chat and serve load); with the check off, the trained policy
//   train_state.safetensors         the trained policy's AdamW moments; step, prompt cursor, KL
//                                   coefficient, score scale, judge bookkeeping, early stop
//   current/                        the trained policy's weights (only with the check on)
//   critic/                         the critic with its AdamW moments
#pragma once
#include <cstdint>
#include <string>

#include "model/checkpoint.h"
#include "model/llama.h"
#include "train/best_policy.h"
#include "train/optimizer.h"
#include "train/ppo.h"
#include "train/ppo_reward.h"

namespace own {

// The trained models and their optimizers: policy and frozen reference from the SFT checkpoint,
// the critic from the reward model, all reserved for (minibatch, seq)
struct PpoModels {
  Llama policy, ref, critic;
  AdamW popt, copt;
  FloatBuffer best;  // (P) the best-judged policy's params; empty with the check off
  PpoModels(const PpoOptions& o, const Checkpoint& sft, const Checkpoint& rm, bool judging);
  void keep_policy_as_best();
};

// Where the run is: saved with the checkpoint, and the result so far
struct PpoProgress {
  int64_t step = 0;
  uint64_t cursor = 0;
  float kl_coef = 0;
  ScoreScale score_scale;
  BestPolicy judged;
  std::string stopped;  // why the run ended early ("kl", "judge"); a resumed run then trains no more
  PpoResult result;
};

void ppo_save(const std::string& dir, PpoModels& m, const PpoProgress& p);
// The saved run at dir (or its .old) into m and p. The best policy comes back only when both this
// run and the saved one judge; otherwise the check starts afresh from the trained policy.
void ppo_resume(const std::string& dir, const std::string& run_dir, PpoModels& m, PpoProgress& p);

}  // namespace own
