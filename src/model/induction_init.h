// A planted induction circuit: an initialisation that gives a fresh model in-context copying
// from step 0, in the plain Llama layout (nothing to change for export or GGUF).
//
// Why: copying from the context (the asked word into the answer, a sum's operands, a passage's
// words) rests on an induction head (Olsson et al. 2022): a head in one layer that attends to the
// previous position, and a head in a later layer whose query is the current token and whose key
// is "the token before me", so it finds the earlier occurrence of the current token and copies
// what followed it. Trained from random weights, the cpu preset's model makes that switch only
// after 1000-1500 steps of pure repeat rows (docs/quality.md).
//
// What is planted (everything else keeps params_init's draws), in orthogonal directions of the
// residual stream drawn from the seed:
// - every token embedding gets a shared direction u: a content-free part that RoPE turns into a
//   position-only score;
// - layer 0, head 0 (previous-token head): query and key read u; the key's fastest RoPE pairs are
//   turned one position ahead, so q.k peaks at distance 1. Its value reads the token's
//   coordinates in a subspace A and its output writes them into a subspace B;
// - layer 1, head 0 (induction head): the query reads A (this token), the key reads B (the token
//   before that position), on the slowest RoPE pairs, which distance barely turns; its value and
//   output copy the attended token's coordinates in a third subspace into the residual, which
//   the tied head reads as that token's logit.
// Training keeps and sharpens it only where the data rewards copying (`--repeat-share`); measured
// through SFT it did not make a better chat model, so no preset uses it (docs/quality.md).
#pragma once
#include <cstdint>

#include "model/config.h"
#include "model/params.h"

namespace own {

// Overwrites the tensors named above; `params` holds params_init's draws. InputError when the
// model cannot hold the circuit (fewer than 2 layers, heads narrower than 32, width below 2 heads,
// grouped-query attention).
void plant_induction_circuit(float* params, const ParamLayout& layout, const ModelConfig& c, uint64_t seed);

}  // namespace own
