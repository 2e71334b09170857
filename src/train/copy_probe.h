// In-context copying (induction), measured during pretraining: rows of random tokens, each
// sequence written twice, `<|bos|> s1..sL s1..sL`. A model that has learned to look back for the
// previous occurrence of the current token and copy what followed it (an induction head, Olsson
// et al. 2022) predicts the second copy almost exactly; one that has not is at unigram level.
// The probe reports the mean loss (nats) over the second copy, its first token left out (it cannot
// be inferred), and the "copy probability" exp(-loss). Answering "what does X mean?"
// with X, a sum with its operands and a passage's words all rest on this skill.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace own {

class Llama;
class Tokenizer;

struct CopyProbeResult {
  double loss = 0;      // nats per token on the repeated half
  double first = 0;     // nats per token on the first half (the same tokens, unseen)
  double copy_p() const;  // exp(-loss)
  std::string summary() const;  // "in-context copy p 0.812 (loss 0.21 on the repeat, 8.47 first seen)"
};

class CopyProbe {
 public:
  // Tokens are drawn from `val` (so they follow the corpus's unigram distribution), specials
  // left out, with a fixed seed: every evaluation sees the same rows.
  CopyProbe(const Tokenizer& tok, const std::vector<int32_t>& val, int64_t B, int64_t T, uint64_t seed = 7);
  CopyProbeResult evaluate(Llama& m) const;

 private:
  int64_t B_, T_;
  int64_t L_;  // tokens per copy: a row is bos, L tokens, the same L tokens
  std::vector<int32_t> inputs_, targets_;  // (B, T) each; targets on both copies
};

}  // namespace own
