// `ownchat train ppo`: step 3 of InstructGPT. Each step samples answers from the policy to a batch
// of prompts (the inference engine, temperature 1), scores them with the frozen reward model, and
// improves the policy with PPO (Schulman et al. 2017) as in Ziegler et al. 2019 / InstructGPT:
//   reward per token  -kl_coef * (log pi(t) - log ref(t)), plus at the last token the RM's score
//                     shaped against one answer style (train/ppo_reward.h: centred on its batch,
//                     scaled by a running std, clipped), minus a penalty when the answer never ends
//                     its turn; kl_coef adapts towards target_kl when that is set
//   advantages        GAE(gamma, lambda) on the critic's values, whitened over the batch
//   policy loss       clipped surrogate; value loss clipped around the rollout's values
//   several epochs of minibatch updates per batch; optional pretraining loss mixed in (PPO-ptx)
// Policy from RUN/ckpt/sft, frozen reference = the same SFT model, critic initialised from
// RUN/ckpt/rm (a score head read at every token). Guards: the response length is logged (reward
// hacking via length shows there), an update whose KL to the rollout policy blows past
// max_update_kl ends that step's epochs, a KL to the reference above kl_stop ends the run
// (checkpoint kept), and a non-finite loss or gradient skips the update and is counted.
// Judged on validation (train/policy_judge.h): every judge_every steps (and at step 0, the SFT
// policy, and at the last) greedy answers to val prompts are scored by the rule judges, which
// share nothing with the RM; RUN/ckpt/ppo keeps the best-judged policy (ties: the earlier), and the
// run stops once the score has been more than judge_drop below the best for judge_patience checks.
// Writes RUN/ckpt/ppo as one directory (train/ppo_state.h): the best policy, the trained one in
// current/, the critic in critic/, so a kill never mixes steps; --resume continues all of it.
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
  // adaptive KL horizon, in rollouts: with the error clamped to +-20%, kl_coef moves by at most
  // 0.2 * prompts / kl_horizon per step, about 3% at 16 rollouts, so it can double or halve within
  // a run of a few dozen steps (1000, as in Ziegler et al.'s far longer runs, could move it ~13%)
  float kl_horizon = 100;
  float reward_clip = 5.0f;  // the shaped score is clipped to +-this (in running stds)
  float gamma = 1.0f, lambda = 0.95f;
  float clip = 0.2f, value_clip = 0.2f;
  float no_end_penalty = 1.0f;  // subtracted from the reward of answers cut off by max_tokens
  float ptx_coef = 0;           // PPO-ptx: weight of the pretraining loss in each update (0: off)
  std::string ptx_data = "shards";  // its data: the pretraining shards, or "chat": SFT's conversations
  float max_update_kl = 0.1f;   // approx KL(rollout policy || updated) per token that ends a step's epochs
  float kl_stop = 20.0f;        // mean KL to the reference per answer that ends the run
  float temperature = 1.0f;
  int64_t save_every = 10;
  int64_t judge_every = -1;    // steps between validation rule-judge checks; -1: at each save; 0: off
  int64_t judge_prompts = 32;  // val prompts per judged family: enough to see a family drop 0.15
  float judge_drop = 0.05f;    // a check this far below the best counts towards the stop
  int64_t judge_patience = 2;  // that many such checks in a row end the run (0: never)
  bool resume = false;
  int64_t stop_at = 0;
  uint64_t seed = 1;
};

struct PpoResult {
  int64_t steps = 0, prompts = 0;
  double reward_first = 0, reward_last = 0;  // mean RM score of the first and last step's rollouts
  double kl_last = 0, length_last = 0;
  int64_t nonfinite_skipped = 0;
  int64_t best_step = -1;                  // whose policy RUN/ckpt/ppo holds; -1: not judged
  double judge_first = 0, judge_best = 0;  // val rule-judge scores: the first check (SFT) and the best
  bool kl_stopped = false, judge_stopped = false, interrupted = false;
};

PpoResult train_ppo(const PpoOptions& o);

}  // namespace own
