// Sampling answers from a policy for the stages that learn from their own samples: PPO's
// rollouts and best-of-n. Runs the inference engine (continuous batching) on a snapshot of the
// policy's weights; each answer comes back as the exact sampled token ids, so training sees the
// tokens that were sampled, never a re-encoding of their text.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/answer_rows.h"
#include "data/pref_data.h"
#include "infer/sampler.h"
#include "model/checkpoint.h"
#include "tokenizer/chat_template.h"

namespace own {

struct Rollout {
  size_t prompt = 0;   // index into the prompts
  AnswerRow row;       // the rendered prompt, then the sampled tokens
  std::string text;    // the answer as text (stop tokens not included)
  bool ended = false;  // the answer ended its turn with <|end|> (not cut off by max_tokens)
};

struct RolloutOptions {
  int64_t per_prompt = 1;    // answers sampled per prompt
  int64_t max_tokens = 64;   // per answer
  float temperature = 1.0f;  // PPO samples from the policy itself: 1, no top-p
  float top_p = 1.0f;
  uint64_t seed = 1;         // answer k of prompt i uses a seed derived from (seed, first + i, k)
  uint64_t first = 0;        // the first prompt's index in the whole batch (data-parallel: a rank's share)
  int64_t slots = 16;        // sequences decoded together
};

// The distinct prompts of the rankings, in file order, whose rendering (with the generation
// prompt) is at most max_prompt_tokens long.
std::vector<std::vector<ChatMessage>> unique_prompts(const std::vector<Ranking>& rankings, const Tokenizer& tok,
                                                     int64_t max_prompt_tokens);

// Rollouts in prompt order (per_prompt consecutive answers per prompt).
std::vector<Rollout> sample_answers(const Checkpoint& policy, const Tokenizer& tok,
                                    const std::vector<std::vector<ChatMessage>>& prompts, const RolloutOptions& o);

}  // namespace own
