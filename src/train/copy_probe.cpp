#include "train/copy_probe.h"

#include <fmt/format.h>

#include <cmath>

#include "core/check.h"
#include "core/rng.h"
#include "model/llama.h"
#include "tokenizer/tokenizer.h"

namespace own {

double CopyProbeResult::copy_p() const { return std::exp(-loss); }

std::string CopyProbeResult::summary() const {
  return fmt::format("in-context copy p {:.3f} (loss {:.2f} on the repeat, {:.2f} first seen)", copy_p(), loss, first);
}

// the lowest id that is not a special token
static int32_t first_ordinary_id(const Tokenizer& tok) {
  for (int32_t id = 0; id < tok.vocab_size(); id++)
    if (!tok.is_special(id)) return id;
  input_error("copy probe: the tokenizer has no ordinary tokens, only {} special ones", tok.vocab_size());
}

CopyProbe::CopyProbe(const Tokenizer& tok, const std::vector<int32_t>& val, int64_t B, int64_t T, uint64_t seed)
    : B_(B), T_(T), L_((T - 1) / 2) {
  if (T < 5) input_error("copy probe: --seq {} is too short (at least 5)", T);
  const size_t n = static_cast<size_t>(B * T);
  inputs_.assign(n, 0);
  targets_.assign(n, -1);
  const int64_t L = L_;  // row: bos, L tokens, the same L tokens (+ one pad when T is even)
  const int32_t bos = tok.special_id("<|bos|>");
  Rng rng(seed);
  // a token that is not special: from the val split, else (a split of specials only, or none) any
  // ordinary id; bounded, whatever the split holds
  const int32_t ordinary = first_ordinary_id(tok);
  auto draw = [&] {
    for (int tries = 0; tries < 64; tries++) {
      const int32_t t = val.empty() ? static_cast<int32_t>(rng.below(256)) : val[rng.below(val.size())];
      if (t >= 0 && t < tok.vocab_size() && !tok.is_special(t)) return t;
    }
    return ordinary;
  };
  std::vector<int32_t> seq(static_cast<size_t>(L));
  for (int64_t b = 0; b < B; b++) {
    for (int64_t i = 0; i < L; i++) seq[i] = draw();
    int32_t* in = inputs_.data() + b * T;
    in[0] = bos;
    for (int64_t i = 0; i < L; i++) in[1 + i] = in[1 + L + i] = seq[i];
    // position p predicts in[p + 1]: tokens 2..L of each copy, the repeat's being copies
    int32_t* tg = targets_.data() + b * T;
    for (int64_t p = 1; p < L; p++) tg[p] = tg[p + L] = in[p + 1];
  }
}

CopyProbeResult CopyProbe::evaluate(Llama& m) const {
  OWN_CHECK(m.batch() == B_ && m.seq() == T_, "copy probe: model reserved ({}, {}), probe ({}, {})", m.batch(), m.seq(),
        B_, T_);
  m.forward_loss(inputs_.data(), targets_.data());
  const float* nll = m.token_losses();  // (B, T)
  double first = 0, repeat = 0;
  for (int64_t b = 0; b < B_; b++)
    for (int64_t p = 1; p < L_; p++) {
      first += nll[b * T_ + p];
      repeat += nll[b * T_ + p + L_];
    }
  const auto n = static_cast<double>(B_ * (L_ - 1));
  return CopyProbeResult{repeat / n, first / n};
}

}  // namespace own
