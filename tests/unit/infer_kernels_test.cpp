// The inference kernels against naive double-precision references: the packed-weight linear
// layer (f32 / bf16 / int8 weights; int8 activations with int8 weights) and attention over the KV cache. Both must also be batch-invariant
// (a row computed alone or inside a batch gives the same bits), which batched generation needs.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/bf16.h"
#include "core/rng.h"
#include "kernels/kv_attention.h"
#include "kernels/linear.h"
#include "test_util.h"

using namespace own;
using Vec = std::vector<float>;

namespace {

using own::test::randn;

double rel_err(const Vec& a, const Vec& b) {
  double num = 0, den = 0;
  for (size_t i = 0; i < a.size(); i++) {
    num += (a[i] - b[i]) * (a[i] - b[i]);
    den += double(b[i]) * b[i];
  }
  return std::sqrt(num / den);
}

}  // namespace

// What the kernel computes with: x itself for f32 / bf16; for int8, x rounded per row to int8 the
// way linear_int8.h states (scale = absmax / 127, round to nearest), computed here independently.
Vec kernel_input(const Vec& x, int64_t M, int64_t K, WeightType t) {
  if (t != WeightType::int8) return x;
  Vec out(x.size());
  for (int64_t m = 0; m < M; m++) {
    double amax = 0;
    for (int64_t k = 0; k < K; k++) amax = std::max(amax, double(std::fabs(x[m * K + k])));
    const float s = float(amax) / 127.0f, inv = amax > 0 ? 127.0f / float(amax) : 0.0f;
    for (int64_t k = 0; k < K; k++) out[m * K + k] = float(std::nearbyint(x[m * K + k] * inv)) * s;
  }
  return out;
}

TEST(Linear, MatchesNaiveForEveryWeightTypeAndShape) {
  for (WeightType t : {WeightType::f32, WeightType::bf16, WeightType::int8})
    for (int64_t N : {1, 5, 37, 100})
      for (int64_t M : {1, 2, 4, 7, 17})
        for (int64_t K : {1, 13, 96}) {
        Vec w = randn(N * K, 1), x = randn(M * K, 2);
        PackedWeight p = pack_weight(w.data(), N, K, t);
        Vec wq(N * K);
        unpack_rows(wq.data(), p, 0, N);
        const Vec xq = kernel_input(x, M, K, t);
        Vec y(M * N, 0.5f), ref(M * N), exact(M * N);
        linear_forward(y.data(), x.data(), p, M, true);  // accumulate onto 0.5
        for (int64_t m = 0; m < M; m++)
          for (int64_t n = 0; n < N; n++) {
            double s = 0.5, e = 0.5;
            for (int64_t k = 0; k < K; k++) {
              s += double(wq[n * K + k]) * xq[m * K + k];
              e += double(w[n * K + k]) * x[m * K + k];
            }
            ref[m * N + n] = float(s);
            exact[m * N + n] = float(e);
          }
        for (size_t i = 0; i < y.size(); i++)
          ASSERT_NEAR(y[i], ref[i], 1e-4 * (1 + std::fabs(ref[i]))) << weight_type_name(t) << " N" << N << " M" << M << " K" << K;
        // the stored weights stay close to the originals, and so does the product (over enough
        // outputs that one near-zero dot product does not decide it)
        double tol = t == WeightType::f32 ? 0 : t == WeightType::bf16 ? 4e-3 : 1e-2;
        EXPECT_LE(rel_err(wq, w), tol) << weight_type_name(t);
        double product_tol = t == WeightType::f32 ? 1e-5 : t == WeightType::bf16 ? 1e-2 : 3e-2;
        if (K > 1 && M * N >= 100) {
          EXPECT_LE(rel_err(y, exact), product_tol) << weight_type_name(t) << " N" << N << " M" << M << " K" << K;
        }
      }
}

// int8: |p| = |q| = 127 everywhere with matching signs, the largest pair sums vpmaddubsw can see
// (2 * 127 * 127 < 2^15): nothing saturates, and the int32 sum over K = 8192 stays exact.
TEST(Linear, Int8ExtremesDoNotSaturate) {
  const int64_t N = 16, K = 8192;
  Vec w(N * K), x(K);
  for (int64_t k = 0; k < K; k++) x[k] = (k % 3 == 0) ? -2.0f : 2.0f;
  for (int64_t n = 0; n < N; n++)
    for (int64_t k = 0; k < K; k++) w[n * K + k] = (n % 2 ? -0.5f : 0.5f) * (x[k] < 0 ? -1.0f : 1.0f);
  PackedWeight p = pack_weight(w.data(), N, K, WeightType::int8);
  Vec y(N);
  linear_forward(y.data(), x.data(), p, 1, false);
  for (int64_t n = 0; n < N; n++) ASSERT_NEAR(y[n], (n % 2 ? -1.0 : 1.0) * K, 1e-3 * K) << "output " << n;
  // a NaN anywhere in a row (the 32-wide body or the scalar tail of K = 45) makes that row's
  // outputs NaN, as in fp32
  const int64_t K2 = 45;
  PackedWeight p2 = pack_weight(w.data(), N, K2, WeightType::int8);
  for (int64_t at : {int64_t(5), K2 - 3}) {
    Vec bad(x.begin(), x.begin() + K2);
    bad[at] = NAN;
    linear_forward(y.data(), bad.data(), p2, 1, false);
    for (int64_t n = 0; n < N; n++) ASSERT_TRUE(std::isnan(y[n])) << "NaN at " << at << ", output " << n;
  }
}

TEST(Linear, BatchInvariantBitForBit) {
  const int64_t N = 83, K = 64, M = 16;
  Vec w = randn(N * K, 3), x = randn(M * K, 4);
  for (WeightType t : {WeightType::f32, WeightType::bf16, WeightType::int8}) {
    PackedWeight p = pack_weight(w.data(), N, K, t);
    Vec all(M * N), one(N);
    linear_forward(all.data(), x.data(), p, M, false);
    for (int64_t m = 0; m < M; m++) {
      linear_forward(one.data(), x.data() + m * K, p, 1, false);
      for (int64_t n = 0; n < N; n++) ASSERT_EQ(one[n], all[m * N + n]) << "row " << m << " col " << n;
    }
  }
}

// For an fp32 and a bf16 cache (the reference reads K and V rounded to bf16 the way the cache
// stores them).
TEST(KvAttention, MatchesNaiveCausalSoftmaxAndIsChunkInvariant) {
  const int64_t H = 4, Hkv = 2, D = 16, cap = 96, T = 70;  // T spans three key blocks
  const int64_t Q = (H + 2 * Hkv) * D;
  Vec qkv = randn(T * Q, 5);
  for (KvType type : {KvType::f32, KvType::bf16}) {
    SCOPED_TRACE(type == KvType::f32 ? "f32 cache" : "bf16 cache");
    auto stored = [&](float x) { return type == KvType::bf16 ? from_bf16(to_bf16(x)) : x; };
    Vec kc(Hkv * cap * D), vc(Hkv * cap * D);  // room for either element type
    for (int64_t t = 0; t < T; t++)
      kv_store(type, kc.data(), vc.data(), &qkv[t * Q + H * D], &qkv[t * Q + (H + Hkv) * D], t, Hkv, D, cap);
    // all T queries as one segment
    Vec out(T * H * D);
    KvSegment whole{kc.data(), vc.data(), 0, T, 0};
    kv_attention_forward(type, out.data(), H * D, qkv.data(), Q, std::span(&whole, 1), H, Hkv, D, cap);
    for (int64_t t = 0; t < T; t++)
      for (int64_t h = 0; h < H; h++) {
        const int64_t g = h / (H / Hkv);
        std::vector<double> s(t + 1);
        double mx = -1e30, sum = 0;
        for (int64_t j = 0; j <= t; j++) {
          double d = 0;
          for (int64_t e = 0; e < D; e++) d += double(qkv[t * Q + h * D + e]) * stored(qkv[j * Q + (H + g) * D + e]);
          s[j] = d / std::sqrt(double(D));
          mx = std::max(mx, s[j]);
        }
        for (auto& v : s) sum += (v = std::exp(v - mx));
        for (int64_t e = 0; e < D; e++) {
          double o = 0;
          for (int64_t j = 0; j <= t; j++) o += s[j] / sum * stored(qkv[j * Q + (H + Hkv + g) * D + e]);
          ASSERT_NEAR(out[t * H * D + h * D + e], o, 1e-5) << "t" << t << " h" << h << " e" << e;
        }
      }
    // the same queries as a prefix chunk, a middle chunk and single decode steps: same bits
    Vec out2(T * H * D);
    std::vector<KvSegment> parts{{kc.data(), vc.data(), 0, 33, 0}, {kc.data(), vc.data(), 33, 30, 33}};
    for (int64_t t = 63; t < T; t++) parts.push_back({kc.data(), vc.data(), t, 1, t});
    kv_attention_forward(type, out2.data(), H * D, qkv.data(), Q, parts, H, Hkv, D, cap);
    for (size_t i = 0; i < out.size(); i++) ASSERT_EQ(out[i], out2[i]) << "element " << i;
    // chunks whose groups of 4 queries straddle the key blocks' edges (positions 31|32 and 63|64)
    Vec out3(T * H * D);
    std::vector<KvSegment> edges{{kc.data(), vc.data(), 0, 30, 0}, {kc.data(), vc.data(), 30, 31, 30},
                                 {kc.data(), vc.data(), 61, 9, 61}};
    kv_attention_forward(type, out3.data(), H * D, qkv.data(), Q, edges, H, Hkv, D, cap);
    for (size_t i = 0; i < out.size(); i++) ASSERT_EQ(out[i], out3[i]) << "element " << i;
  }
}
