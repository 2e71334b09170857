// `ownchat train ppo`: step 3 of InstructGPT. Each step samples answers from the policy to a batch
// of prompts (the inference engine, temperature 1), scores them with the frozen reward model, and
// improves the policy with PPO (Schulman et al. 2017) as in Ziegler et al. 2019 / InstructGPT:
//   reward per token  -kl_coef * (log pi(t) - log ref(t)), plus at the last token the RM's score
//                     (minus a penalty when the answer never ends its turn)
//   advantages        GAE(gamma, lambda) on the critic's values, whitened over the batch
//   policy loss       clipped surrogate; value loss clipped around the rollout's values
//   several epochs of minibatch updates per batch; optional pretraining loss mixed in (PPO-ptx)
// Policy from RUN/ckpt/sft, frozen reference = the same SFT model, critic initialised from
// RUN/ckpt/rm (a score head read at every token). Guards: the response length is logged (reward
// hacking via length shows there), an update whose KL to the rollout policy blows past
// max_update_kl ends that step's epochs, a KL to the reference above kl_stop ends the run
// (checkpoint kept), and a non-finite loss or gradient skips the update and is counted.
// Writes RUN/ckpt/ppo: the policy, with the critic in RUN/ckpt/ppo/critic, saved as one directory
// so a kill never leaves a policy and a critic of different steps; --resume continues both.
#pragma once
#include <cstdint>
#include <string>

namespace own {

struct PpoOptions {
  std::string run_dir = "runs/default";
  std::string init;    // policy and reference; default RUN/ckpt/sft
  std::string rm;      // reward model (and the critic's start); default RUN/ckpt/rm
  int64_t steps = 40;  // rollout + update rounds
  int64_t prompts = 16;     // rollouts per step
  int64_t max_tokens = 48;  // per answer
  int64_t seq = 256;        // longest prompt + answer; longer prompts are left out
  int64_t epochs = 2;       // passes over each batch of rollouts
  int64_t minibatch = 8;    // rollouts per update
  float lr = 0;             // policy; 0: a thirtieth of the base model's default
  float critic_lr = 0;      // 0: a third of the base model's default
  float kl_coef = 0.05f;    // beta, per token
  float target_kl = 0;      // > 0: adapt kl_coef towards this KL per answer (Ziegler et al.)
  float kl_horizon = 1000;  // adaptive KL horizon, in rollouts
  float gamma = 1.0f, lambda = 0.95f;
  float clip = 0.2f, value_clip = 0.2f;
  float no_end_penalty = 1.0f;  // subtracted from the reward of answers cut off by max_tokens
  float ptx_coef = 0;           // PPO-ptx: weight of the pretraining loss in each update (0: off)
  float max_update_kl = 0.1f;   // approx KL(rollout policy || updated) per token that ends a step's epochs
  float kl_stop = 20.0f;        // mean KL to the reference per answer that ends the run
  float temperature = 1.0f;
  int64_t save_every = 10;
  bool resume = false;
  int64_t stop_at = 0;
  uint64_t seed = 1;
};

struct PpoResult {
  int64_t steps = 0, prompts = 0;
  double reward_first = 0, reward_last = 0;  // mean RM score of the first and last step's rollouts
  double kl_last = 0, length_last = 0;
  int64_t nonfinite_skipped = 0;
  bool kl_stopped = false, interrupted = false;
};

PpoResult train_ppo(const PpoOptions& o);

}  // namespace own
