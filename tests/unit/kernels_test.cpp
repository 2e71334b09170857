// Each kernel against a naive reference on small odd shapes (T=1, T not a multiple of any block,
// V not a multiple of 16), and each backward against central differences of its forward.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <vector>

#include "core/rng.h"
#include "kernels/adamw.h"
#include "kernels/attention.h"
#include "kernels/crossentropy.h"
#include "kernels/embedding.h"
#include "kernels/matmul.h"
#include "kernels/rmsnorm.h"
#include "kernels/rope.h"
#include "kernels/simd.h"
#include "kernels/swiglu.h"

#include "test_util.h"

using namespace own;
using Vec = std::vector<float>;

namespace {

using own::test::randn;

void expect_close(const Vec& got, const Vec& want, float atol, float rtol, const char* what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  int bad = 0;
  for (size_t i = 0; i < got.size(); i++) {
    if (!(std::fabs(got[i] - want[i]) <= atol + rtol * std::fabs(want[i]))) {
      if (bad++ < 5) ADD_FAILURE() << what << "[" << i << "]: got " << got[i] << " want " << want[i];
    }
  }
  EXPECT_EQ(bad, 0) << what << ": " << bad << " of " << got.size() << " mismatched";
}

// Numerical gradient of scalar f w.r.t. x at a few indices, compared with analytic g.
void grad_check(std::function<double()> f, Vec& x, const Vec& g, const char* what, float tol = 2e-2f) {
  const float h = 1e-2f;
  Rng r(99);
  for (int k = 0; k < 12; k++) {
    size_t i = r.below(x.size());
    float old = x[i];
    x[i] = old + h;
    double fp = f();
    x[i] = old - h;
    double fm = f();
    x[i] = old;
    double num = (fp - fm) / (2.0 * h);
    EXPECT_NEAR(g[i], num, tol * (1.0 + std::fabs(num))) << what << " index " << i;
  }
}

double dot(const Vec& a, const Vec& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); i++) s += static_cast<double>(a[i]) * b[i];
  return s;
}

}  // namespace

TEST(Simd, ExpMatchesStd) {
  Vec x(1000);
  for (size_t i = 0; i < x.size(); i++) x[i] = -90.0f + 0.178f * static_cast<float>(i);  // up to 87.8
  Vec y = x;
  simd::exp_inplace(y.data(), static_cast<int64_t>(y.size()));
  for (size_t i = 0; i < x.size(); i++) {
    float want = std::exp(x[i]);
    if (x[i] < -87.0f) continue;
    EXPECT_NEAR(y[i], want, 1e-6f * want + 1e-37f) << x[i];
  }
}

TEST(Matmul, AllLayoutsMatchNaive) {
  for (Precision p : {Precision::f32, Precision::bf16})
    for (int ta = 0; ta < 2; ta++)
      for (int tb = 0; tb < 2; tb++)
        for (int acc = 0; acc < 2; acc++) {
          const int64_t M = 7, N = 17, K = 5;
          Vec a = randn(M * K, 1), b = randn(K * N, 2), c = randn(M * N, 3), want = c;
          if (p == Precision::bf16) {
            round_to_bf16(a.data(), M * K);
            round_to_bf16(b.data(), K * N);
          }
          for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
              double s = acc ? want[i * N + j] : 0.0;
              for (int64_t k = 0; k < K; k++)
                s += static_cast<double>(ta ? a[k * M + i] : a[i * K + k]) * (tb ? b[j * K + k] : b[k * N + j]);
              want[i * N + j] = static_cast<float>(s);
            }
          gemm(c.data(), a.data(), b.data(), M, N, K, ta, tb, acc, p);
          expect_close(c, want, 1e-5f, 1e-5f, "gemm");
        }
}

TEST(Matmul, BackwardMatchesFiniteDifferences) {
  const int64_t M = 3, N = 5, K = 4;
  Vec x = randn(M * K, 1), w = randn(N * K, 2), r = randn(M * N, 3), y(M * N);
  auto f = [&] {
    matmul_forward(y.data(), x.data(), w.data(), M, N, K, Precision::f32);
    return dot(y, r);
  };
  Vec dx(M * K), dw(N * K, 0.0f);
  matmul_backward(dx.data(), dw.data(), r.data(), x.data(), w.data(), M, N, K, Precision::f32);
  grad_check(f, x, dx, "dx");
  grad_check(f, w, dw, "dw");
}

TEST(Embedding, ForwardBackward) {
  const int64_t BT = 9, C = 19, V = 5;
  std::vector<int32_t> tok = {0, 4, 4, 2, 1, 0, 3, 4, 2};
  Vec wte = randn(V * C, 1), x(BT * C), dx = randn(BT * C, 2), dwte(V * C, 0.0f), want(V * C, 0.0f);
  embedding_forward(x.data(), tok.data(), wte.data(), BT, C);
  for (int64_t i = 0; i < BT; i++)
    for (int64_t c = 0; c < C; c++) {
      EXPECT_EQ(x[i * C + c], wte[tok[i] * C + c]);
      want[tok[i] * C + c] += dx[i * C + c];
    }
  embedding_backward(dwte.data(), dx.data(), tok.data(), BT, C);
  expect_close(dwte, want, 1e-6f, 1e-6f, "dwte");
}

TEST(RMSNorm, ForwardAndGradients) {
  for (int64_t C : {1, 7, 48}) {
    const int64_t N = 5;
    Vec x = randn(N * C, 1), w = randn(C, 2), r = randn(N * C, 3), y(N * C), rstd(N);
    rmsnorm_forward(y.data(), rstd.data(), x.data(), w.data(), N, C, 1e-5f);
    for (int64_t i = 0; i < N; i++) {
      double ms = 0;
      for (int64_t c = 0; c < C; c++) ms += x[i * C + c] * x[i * C + c];
      double rs = 1.0 / std::sqrt(ms / C + 1e-5);
      for (int64_t c = 0; c < C; c++) EXPECT_NEAR(y[i * C + c], x[i * C + c] * rs * w[c], 1e-5);
    }
    auto f = [&] {
      rmsnorm_forward(y.data(), rstd.data(), x.data(), w.data(), N, C, 1e-5f);
      return dot(y, r);
    };
    f();
    Vec dx(N * C), dw(C, 0.0f);
    rmsnorm_backward(dx.data(), dw.data(), r.data(), x.data(), w.data(), rstd.data(), N, C, false);
    grad_check(f, x, dx, "rmsnorm dx");
    grad_check(f, w, dw, "rmsnorm dw");
  }
}

TEST(Rope, MatchesRotateHalfAndBackwardIsAdjoint) {
  const int64_t B = 2, T = 5, D = 6, heads = 3, row = heads * D + 4;
  Vec cos(T * D / 2), sin(T * D / 2);
  rope_table(cos.data(), sin.data(), T, D, 10000.0f);
  Vec x = randn(B * T * row, 1), y = x;
  rope_forward(y.data(), cos.data(), sin.data(), B, T, row, heads, D);
  for (int64_t b = 0; b < B; b++)
    for (int64_t t = 0; t < T; t++)
      for (int64_t h = 0; h < heads; h++)
        for (int64_t i = 0; i < D; i++) {
          const float* xr = x.data() + (b * T + t) * row + h * D;
          int64_t k = i % (D / 2);
          double ang = t / std::pow(10000.0, 2.0 * k / D);
          double rot = i < D / 2 ? -xr[i + D / 2] : xr[i - D / 2];
          EXPECT_NEAR(y[(b * T + t) * row + h * D + i], xr[i] * std::cos(ang) + rot * std::sin(ang), 1e-5);
        }
  for (int64_t i = heads * D; i < row; i++) EXPECT_EQ(y[i], x[i]);  // columns past the heads untouched
  // <rope(x), g> == <x, rope_backward(g)>
  Vec g = randn(B * T * row, 2), gb = g;
  rope_backward(gb.data(), cos.data(), sin.data(), B, T, row, heads, D);
  EXPECT_NEAR(dot(y, g), dot(x, gb), 1e-3);
}

// naive causal GQA attention in double
static Vec attention_naive(const Vec& qkv, int64_t B, int64_t T, int64_t H, int64_t Hkv, int64_t D) {
  int64_t row = (H + 2 * Hkv) * D;
  Vec out(B * T * H * D);
  for (int64_t b = 0; b < B; b++)
    for (int64_t h = 0; h < H; h++) {
      int64_t g = h / (H / Hkv);
      for (int64_t t = 0; t < T; t++) {
        std::vector<double> s(t + 1);
        double m = -1e300, sum = 0;
        for (int64_t j = 0; j <= t; j++) {
          double d = 0;
          for (int64_t k = 0; k < D; k++) d += qkv[(b * T + t) * row + h * D + k] * qkv[(b * T + j) * row + (H + g) * D + k];
          s[j] = d / std::sqrt(static_cast<double>(D));
          m = std::max(m, s[j]);
        }
        for (auto& v : s) sum += (v = std::exp(v - m));
        for (int64_t k = 0; k < D; k++) {
          double o = 0;
          for (int64_t j = 0; j <= t; j++) o += s[j] / sum * qkv[(b * T + j) * row + (H + Hkv + g) * D + k];
          out[(b * T + t) * H * D + h * D + k] = static_cast<float>(o);
        }
      }
    }
  return out;
}

TEST(Attention, ForwardMatchesNaiveAndBackwardMatchesFiniteDifferences) {
  struct Shape { int64_t B, T, H, Hkv, D; };
  for (Shape s : {Shape{1, 1, 2, 2, 4}, Shape{2, 7, 4, 2, 8}, Shape{1, 33, 3, 1, 16}, Shape{2, 19, 2, 2, 6}}) {
    int64_t row = (s.H + 2 * s.Hkv) * s.D;
    Vec qkv = randn(s.B * s.T * row, 1), out(s.B * s.T * s.H * s.D), lse(s.B * s.H * s.T);
    attention_forward(out.data(), lse.data(), qkv.data(), s.B, s.T, s.H, s.Hkv, s.D);
    expect_close(out, attention_naive(qkv, s.B, s.T, s.H, s.Hkv, s.D), 1e-5f, 1e-4f, "attention out");
    Vec r = randn(out.size(), 2), dqkv(qkv.size());
    attention_backward(dqkv.data(), r.data(), qkv.data(), out.data(), lse.data(), s.B, s.T, s.H, s.Hkv, s.D);
    auto f = [&] {
      Vec o(out.size()), l(lse.size());
      attention_forward(o.data(), l.data(), qkv.data(), s.B, s.T, s.H, s.Hkv, s.D);
      return dot(o, r);
    };
    grad_check(f, qkv, dqkv, "attention dqkv");
  }
}

TEST(SwiGLU, ForwardAndBackward) {
  const int64_t N = 3, F = 21;
  Vec gu = randn(N * 2 * F, 1, 2.0f), h(N * F), r = randn(N * F, 2);
  swiglu_forward(h.data(), gu.data(), N, F);
  for (int64_t i = 0; i < N; i++)
    for (int64_t j = 0; j < F; j++) {
      double g = gu[i * 2 * F + j], u = gu[i * 2 * F + F + j];
      EXPECT_NEAR(h[i * F + j], g / (1 + std::exp(-g)) * u, 1e-5);
    }
  Vec dgu(gu.size());
  swiglu_backward(dgu.data(), r.data(), gu.data(), N, F);
  auto f = [&] {
    swiglu_forward(h.data(), gu.data(), N, F);
    return dot(h, r);
  };
  grad_check(f, gu, dgu, "swiglu");
}

TEST(CrossEntropy, LossGradientAndIgnoredRows) {
  const int64_t N = 4, V = 37;
  Vec z = randn(N * V, 1, 3.0f), loss(N);
  std::vector<int32_t> y = {3, -1, 36, 0};
  Vec zg = z;
  crossentropy_forward_backward(zg.data(), loss.data(), y.data(), N, V, 0.5f, true);
  for (int64_t i = 0; i < N; i++) {
    if (y[i] < 0) {
      EXPECT_EQ(loss[i], 0.0f);
      for (int64_t j = 0; j < V; j++) EXPECT_EQ(zg[i * V + j], 0.0f);
      continue;
    }
    double m = -1e300, s = 0;
    for (int64_t j = 0; j < V; j++) m = std::max(m, static_cast<double>(z[i * V + j]));
    for (int64_t j = 0; j < V; j++) s += std::exp(z[i * V + j] - m);
    EXPECT_NEAR(loss[i], std::log(s) + m - z[i * V + y[i]], 1e-5);
    for (int64_t j = 0; j < V; j++)
      EXPECT_NEAR(zg[i * V + j], 0.5 * (std::exp(z[i * V + j] - m) / s - (j == y[i])), 1e-6);
  }
  Vec loss2(N), z2 = z;
  crossentropy_forward_backward(z2.data(), loss2.data(), y.data(), N, V, 0.0f, false);
  expect_close(loss2, loss, 1e-6f, 1e-6f, "loss without grad");
  EXPECT_EQ(z2, z);  // logits untouched without grad
}

TEST(AdamW, MatchesFormulaAndSumSquares) {
  const int64_t n = 37;
  Vec p = randn(n, 1), g = randn(n, 2), m(n, 0.0f), v(n, 0.0f), pr = p, mr = m, vr = v;
  AdamWHyper h{1e-2f, 0.9f, 0.95f, 1e-8f, 0.1f};
  for (int step = 1; step <= 3; step++) {
    adamw_update(p.data(), g.data(), m.data(), v.data(), n, h, step, 0.5f);
    for (int64_t i = 0; i < n; i++) {
      double gi = g[i] * 0.5;
      mr[i] = static_cast<float>(0.9 * mr[i] + 0.1 * gi);
      vr[i] = static_cast<float>(0.95 * vr[i] + 0.05 * gi * gi);
      double mh = mr[i] / (1 - std::pow(0.9, step)), vh = vr[i] / (1 - std::pow(0.95, step));
      pr[i] = static_cast<float>(pr[i] * (1 - 1e-2 * 0.1) - 1e-2 * mh / (std::sqrt(vh) + 1e-8));
    }
  }
  expect_close(p, pr, 1e-6f, 1e-5f, "adamw params");
  EXPECT_NEAR(sum_squares(g.data(), n), dot(g, g), 1e-9);
}
