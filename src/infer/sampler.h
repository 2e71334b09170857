// Turning one row of logits into the next token, per sequence.
// Order: logit_bias -> penalties -> (greedy when temperature == 0) -> temperature -> top-k ->
// softmax -> min-p -> top-p -> draw. Penalties count the tokens generated so far (OpenAI's
// presence/frequency semantics); the repetition penalty (HF/llama.cpp: divide a positive logit,
// multiply a negative one) also covers the prompt. Logprobs are those of the model's own
// distribution (log-softmax of the raw logits), as OpenAI reports them, not of the filtered one.
// A sequence's draws depend only on its seed and its own logits, never on its batch neighbours.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

#include "core/rng.h"

namespace own {

struct SamplingParams {
  float temperature = 1.0f;  // 0 = greedy (argmax; ties -> lowest id)
  int64_t top_k = 0;         // 0 = off
  float top_p = 1.0f;        // 1 = off
  float min_p = 0.0f;        // 0 = off: keep tokens with p >= min_p * p_max
  float repetition_penalty = 1.0f;
  float presence_penalty = 0.0f;   // subtract once per token that appeared (OpenAI range [-2, 2])
  float frequency_penalty = 0.0f;  // subtract per occurrence
  std::vector<std::pair<int32_t, float>> logit_bias;
  std::optional<uint64_t> seed;  // unset: the engine picks one (reported back)
  int64_t top_logprobs = 0;  // alternatives reported per generated token (0..20)

  // InputError naming the field when a value is out of range for vocabulary size V
  void validate(int64_t V) const;
};

struct TokenLogprob {
  int32_t token = 0;
  float logprob = 0.0f;
};

class Sampler {
 public:
  Sampler(const SamplingParams& p, int64_t vocab, std::span<const int32_t> prompt);
  // logits: (V), modified in place. Returns the token; fills chosen (its logprob) and `top` when
  // want_logprobs (top holds params.top_logprobs entries, most likely first).
  int32_t sample(float* logits, bool want_logprobs, TokenLogprob* chosen, std::vector<TokenLogprob>* top);
  void accept(int32_t token);  // the token actually appended (for the penalties)

 private:
  SamplingParams p_;
  int64_t V_;
  Rng rng_;
  std::vector<int32_t> counts_;      // (V) generated occurrences, when a penalty needs them
  std::vector<uint8_t> in_prompt_;   // (V) when repetition_penalty != 1
  std::vector<std::pair<float, int32_t>> cand_;  // candidates scratch (logit, id)
  std::vector<float> raw_;                       // (V) unmodified logits, when logprobs are asked for
  // logits: (V) raw logits, used as scratch
  void log_softmax_top(float* logits, int32_t token, TokenLogprob* chosen, std::vector<TokenLogprob>* top);
};

}  // namespace own
