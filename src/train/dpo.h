// `ownchat train dpo`: Direct Preference Optimization (Rafailov et al. 2023) on the preference
// rankings, every pair of each ranking: loss = -log sigmoid(beta * ((pc - rc) - (pr - rr))), where
// p/r are the summed log-probabilities of the chosen (c) and rejected (r) answer under the policy
// and under the frozen reference (the SFT model it starts from). No reward model, no sampling.
// Plus sft_coef times the chosen answer's NLL per token (RPO, Pang et al. 2024), which keeps DPO
// from lowering the chosen answers with the rejected ones (at our size DPO alone unlearned refusals).
// Logs the implicit reward accuracy (margin > 0), margin and the chosen NLL; validates on
// RUN/data/prefs/val.jsonl. Writes RUN/ckpt/dpo.
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "train/keep_best.h"

namespace own {

struct DpoOptions {
  std::string run_dir = "runs/default";
  std::string init;  // policy and reference; default RUN/ckpt/sft
  std::vector<std::pair<std::string, double>> user_data;  // preference JSONL, weight
  float beta = 0.1f;
  // RPO's weight on the chosen answer's NLL per token (0: plain DPO). At beta 0.1 DPO starts by
  // pushing each answer token's log-probability with weight beta / 2 = 0.05; 0.2 over answers of
  // ~5..40 tokens adds 0.005..0.04 per chosen token: DPO stays the main signal while its sigmoid is
  // unsaturated, and the SFT term takes over as it saturates, which is when plain DPO lets the
  // chosen answers' likelihood fall. Pang et al. (and TRL's rpo_alpha) use 1.0 on long reasoning
  // chains, which on our short answers would make the stage mostly SFT.
  float sft_coef = 0.2f;
  int64_t batch = 16;  // rows per step: batch / 2 pairs
  int64_t grad_accum = 1;  // micro-batches of `batch` per step (data-parallel: a multiple of the ranks)
  int64_t seq = 256;
  int64_t steps = 200;
  float lr = 0;  // 0: a tenth of the base model's default
  float weight_decay = 0.0f;
  int64_t eval_every = 50, save_every = 100;
  int64_t val_pairs = 256;
  // the val rule-judge guard (train/keep_best.h): val prompts per judged family (0: off), and the
  // longest greedy answer judged
  int64_t judge_prompts = 32, judge_max_tokens = 64;
  bool resume = false;
  int64_t stop_at = 0;
  uint64_t seed = 1;
};

struct DpoResult {
  int64_t steps = 0, train_pairs = 0, too_long = 0;
  double val_accuracy_start = 0, val_accuracy = 0, val_margin = 0, val_nll = 0;
  KeptPolicy kept;
  bool interrupted = false;
};

DpoResult train_dpo(const DpoOptions& o);

}  // namespace own
