#include "model/induction_init.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/check.h"
#include "core/rng.h"

namespace own {
namespace {

// Strengths, measured on the cpu preset's model (docs/quality.md, "Planting the circuit"): weaker
// ones are washed out by the first hundred steps of training.
constexpr float kSharedDirection = 2.0f;  // |u part| of an embedding, in units of its random part
constexpr int64_t kPrevPairs = 8;         // fastest RoPE pairs the previous-token head scores with
constexpr float kPrevScale = 0.77f;       // its query and key row norms
constexpr float kMatchScale = 4.0f;       // the induction head's query and key row norms
constexpr float kWriteScale = 1.0f;       // the previous-token head's output into B
constexpr float kCopyScale = 2.0f;        // the induction head's output

using Basis = std::vector<std::vector<float>>;

// n orthonormal rows of length C, by Gram-Schmidt on normal draws (twice, for round-off).
Basis orthonormal_rows(int64_t n, int64_t C, Rng& rng) {
  Basis basis;
  std::vector<double> v(static_cast<size_t>(C));
  while (static_cast<int64_t>(basis.size()) < n) {
    for (double& x : v) x = rng.normal();
    for (int pass = 0; pass < 2; pass++)
      for (const auto& b : basis) {
        double d = 0;
        for (int64_t i = 0; i < C; i++) d += v[i] * b[i];
        for (int64_t i = 0; i < C; i++) v[i] -= d * b[i];
      }
    double n2 = 0;
    for (double x : v) n2 += x * x;
    std::vector<float> row(static_cast<size_t>(C));
    for (int64_t i = 0; i < C; i++) row[i] = static_cast<float>(v[i] / std::sqrt(n2));
    basis.push_back(std::move(row));
  }
  return basis;
}

// One attention layer's four projections, by name.
struct AttentionWeights {
  float *q, *k, *v, *o;  // q/k/v: (heads*D, C) row-major; o: (C, heads*D)
};

AttentionWeights attention_weights(float* params, const ParamLayout& layout, int64_t l) {
  auto at = [&](const char* what) {
    const TensorInfo* t = layout.find(fmt::format("model.layers.{}.self_attn.{}.weight", l, what));
    OWN_CHECK(t, "layer {} has no {}", l, what);
    return params + t->offset;
  };
  return {at("q_proj"), at("k_proj"), at("v_proj"), at("o_proj")};
}

// Head 0's rows of a (heads*D, C) projection: row d = scale * v, or zero.
void set_row(float* w, int64_t C, int64_t row, const std::vector<float>* v, float scale) {
  for (int64_t i = 0; i < C; i++) w[row * C + i] = v ? scale * (*v)[i] : 0.0f;
}

// Head 0's columns of the (C, HD) output projection: column d writes scale * basis[d].
void set_output(float* o, int64_t C, int64_t HD, int64_t D, const Basis& basis, float scale) {
  for (int64_t r = 0; r < C; r++)
    for (int64_t d = 0; d < D; d++)
      o[r * HD + d] = d < static_cast<int64_t>(basis.size()) ? scale * basis[d][r] : 0.0f;
}

}  // namespace

void plant_induction_circuit(float* params, const ParamLayout& layout, const ModelConfig& c, uint64_t seed) {
  const int64_t C = c.hidden_size, D = c.head_dim(), half = D / 2, HD = c.q_dim(), V = c.vocab_size;
  if (c.num_hidden_layers < 2 || D < 32 || C < 2 * D || c.num_key_value_heads != c.num_attention_heads)
    input_error("--induction-init needs 2 or more layers, heads of 32 or more, a width of 2 heads or more and no "
                "grouped-query attention; got {} layers, heads of {}, width {}, {} kv heads",
                c.num_hidden_layers, D, C, c.num_key_value_heads);
  const int64_t n_match = half;                            // A and B: the induction head's match
  const int64_t n_copy = std::min(D, C - 1 - 2 * n_match);  // the copied coordinates
  Rng rng(seed ^ 0x1d0c7104a5f3e2b9ull);
  Basis basis = orthonormal_rows(1 + 2 * n_match + n_copy, C, rng);
  const std::vector<float>& u = basis[0];
  const Basis A(basis.begin() + 1, basis.begin() + 1 + n_match);
  const Basis B(basis.begin() + 1 + n_match, basis.begin() + 1 + 2 * n_match);
  const Basis copy(basis.begin() + 1 + 2 * n_match, basis.end());

  // the shared direction, scaled to the embeddings' draw (0.02 per coordinate)
  const float shared = kSharedDirection * 0.02f * std::sqrt(static_cast<float>(C));
  float* E = params + layout.embed;  // (V, C)
  for (int64_t r = 0; r < V; r++)
    for (int64_t j = 0; j < C; j++) E[r * C + j] += shared * u[j];

  // layer 0, head 0: previous-token head. RoPE turns pair j of q at t and of k at s by t*theta_j
  // and s*theta_j, so q = (1, 0) and k = (cos theta_j, sin theta_j) score cos((t-s-1) theta_j).
  AttentionWeights l0 = attention_weights(params, layout, 0);
  for (int64_t d = 0; d < D; d++) {
    set_row(l0.q, C, d, nullptr, 0);
    set_row(l0.k, C, d, nullptr, 0);
    set_row(l0.v, C, d, d < n_match ? &A[d] : nullptr, 1.0f);
  }
  for (int64_t j = 0; j < std::min(kPrevPairs, half); j++) {
    const double theta = std::pow(static_cast<double>(c.rope_theta), -2.0 * static_cast<double>(j) / static_cast<double>(D));
    set_row(l0.q, C, j, &u, kPrevScale);
    set_row(l0.k, C, j, &u, kPrevScale * static_cast<float>(std::cos(theta)));
    set_row(l0.k, C, j + half, &u, kPrevScale * static_cast<float>(std::sin(theta)));
  }
  set_output(l0.o, C, HD, D, B, kWriteScale);

  // layer 1, head 0: induction head, matching A (query) against B (key) on the slowest pairs.
  AttentionWeights l1 = attention_weights(params, layout, 1);
  for (int64_t d = 0; d < D; d++) {
    set_row(l1.q, C, d, nullptr, 0);
    set_row(l1.k, C, d, nullptr, 0);
    set_row(l1.v, C, d, d < n_copy ? &copy[d] : nullptr, 1.0f);
  }
  for (int64_t i = 0; i < n_match; i++) {
    const int64_t pair = half - 1 - i / 2, d = (i % 2) ? pair + half : pair;
    set_row(l1.q, C, d, &A[i], kMatchScale);
    set_row(l1.k, C, d, &B[i], kMatchScale);
  }
  set_output(l1.o, C, HD, D, copy, kCopyScale);
}

}  // namespace own
