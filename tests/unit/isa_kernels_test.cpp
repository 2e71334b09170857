// The kernels built once per instruction set (core/cpu_isa.h), int8 and f32/bf16 linear: every
// variant this CPU can run must give the portable C++ variant's bits; a variant it cannot run is reported as skipped, by name.
// The binary's --version names the CPU and the variants chosen, and OWNCHAT_ISA caps the choice.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/cpu_isa.h"
#include "kernels/linear_float.h"
#include "kernels/linear_int8.h"
#include "test_util.h"

using namespace own;
using Vec = std::vector<float>;
using own::test::randn;

namespace {

std::vector<const Int8Dot*> all_dots() { return int8_dots(); }
std::string dot_name(const testing::TestParamInfo<const Int8Dot*>& info) { return info.param->name; }

// y = x W^T through `dot`, accumulated onto `init`
Vec run(const Int8Dot* dot, const PackedWeight& p, const Vec& x, int64_t M, float init) {
  Vec y(static_cast<size_t>(M * p.rows), init);
  linear_forward_int8(y.data(), x.data(), p, M, init != 0.0f, dot);
  return y;
}

}  // namespace

class Int8DotVariant : public testing::TestWithParam<const Int8Dot*> {
 protected:
  void SetUp() override {
    if (!isa_usable(GetParam()->need))
      GTEST_SKIP() << "int8 kernel '" << GetParam()->name << "' not run: this CPU (" << cpu_summary() << ") lacks "
                   << isa_name(GetParam()->need);
  }
};

// every shape class: N across panel tails, M across tile tails, K across quad tails and long sums
TEST_P(Int8DotVariant, EqualsThePortableKernelBitForBit) {
  for (int64_t N : {1, 16, 37, 100, 200})
    for (int64_t M : {1, 2, 3, 4, 5, 7, 9, 17})
      for (int64_t K : {1, 3, 13, 64, 96, 771}) {
        const Vec w = randn(N * K, 7), x = randn(M * K, 8, 3.0f);
        const PackedWeight p = pack_weight(w.data(), N, K, WeightType::int8);
        for (float init : {0.0f, 0.5f}) {
          const Vec want = run(&kInt8DotScalar, p, x, M, init), got = run(GetParam(), p, x, M, init);
          for (size_t i = 0; i < want.size(); i++)
            ASSERT_EQ(got[i], want[i]) << GetParam()->name << " N" << N << " M" << M << " K" << K << " at " << i;
        }
      }
}

// |p| = |q| = 127 everywhere over the longest K a weight may have (2^16 - 4), in every sign
// pattern: all-positive rows give the largest sums any variant sees (255 * 127 * K for the
// unsigned-x ones), and they stay exact in int32
TEST_P(Int8DotVariant, ExtremeSumsStayExact) {
  const int64_t N = 32, K = (int64_t(1) << 16) - 4, M = 3;
  Vec w(N * K), x(M * K);
  auto sign = [](int64_t k) { return k % 3 == 0 ? -1.0f : 1.0f; };
  for (int64_t k = 0; k < K; k++) {
    x[k] = 2.0f * sign(k);  // row 0: mixed signs; row 1: all +; row 2: all -
    x[K + k] = 2.0f;
    x[2 * K + k] = -2.0f;
    for (int64_t n = 0; n < N; n++) w[n * K + k] = n % 2 ? 0.5f : 0.5f * sign(k);
  }
  const PackedWeight p = pack_weight(w.data(), N, K, WeightType::int8);
  const Vec y = run(GetParam(), p, x, M, 0.0f), want = run(&kInt8DotScalar, p, x, M, 0.0f);
  for (int64_t m = 0; m < M; m++)
    for (int64_t n = 0; n < N; n++) {
      double exact = 0;
      for (int64_t k = 0; k < K; k++) exact += double(x[m * K + k]) * w[n * K + k];
      const size_t i = static_cast<size_t>(m * N + n);
      ASSERT_NEAR(y[i], exact, 1e-4 * K) << "row " << m << " output " << n;
      ASSERT_EQ(y[i], want[i]) << "row " << m << " output " << n;
    }
}

INSTANTIATE_TEST_SUITE_P(Isa, Int8DotVariant, testing::ValuesIn(all_dots()), dot_name);

std::vector<const LinearFloat*> all_floats() { return linear_floats(); }
std::string float_name(const testing::TestParamInfo<const LinearFloat*>& info) { return info.param->name; }

class LinearFloatVariant : public testing::TestWithParam<const LinearFloat*> {
 protected:
  void SetUp() override {
    if (!isa_usable(GetParam()->need))
      GTEST_SKIP() << "f32/bf16 kernel '" << GetParam()->name << "' not run: this CPU (" << cpu_summary()
                   << ") lacks " << isa_name(GetParam()->need);
  }
};

// one FMA chain per output on every ISA: the same bits as the portable variant, f32 and bf16
// weights, across panel, tile and block tails, overwriting and accumulating
TEST_P(LinearFloatVariant, EqualsThePortableKernelBitForBit) {
  for (WeightType t : {WeightType::f32, WeightType::bf16})
    for (int64_t N : {1, 16, 37, 100})
      for (int64_t M : {1, 2, 3, 5, 6, 7, 13})
        for (int64_t K : {1, 13, 96, 515}) {
          const Vec w = randn(N * K, 9), x = randn(M * K, 10);
          const PackedWeight p = pack_weight(w.data(), N, K, t);
          for (float init : {0.0f, 0.5f}) {
            Vec want(static_cast<size_t>(M * N), init), got = want;
            auto run_float = [&](const LinearFloat* v, Vec& y) {
              if (t == WeightType::f32) v->f32(y.data(), x.data(), p.data.as<float>(), M, N, K, init != 0.0f);
              else v->bf16(y.data(), x.data(), p.data.as<uint16_t>(), M, N, K, init != 0.0f);
            };
            run_float(&kLinearFloatScalar, want);
            run_float(GetParam(), got);
            for (size_t i = 0; i < want.size(); i++)
              ASSERT_EQ(got[i], want[i]) << GetParam()->name << " " << weight_type_name(t) << " N" << N << " M" << M
                                         << " K" << K << " at " << i;
          }
        }
}

INSTANTIATE_TEST_SUITE_P(Isa, LinearFloatVariant, testing::ValuesIn(all_floats()), float_name);

// the best variant the CPU has is the one chosen, and the detected features agree with the build's
// (the build is -march=native on this machine, so what the compiler targets the CPU must have)
TEST(CpuIsa, ChoosesTheBestVariantTheCpuRuns) {
  const CpuFeatures& f = cpu_features();
  EXPECT_FALSE(f.model.empty());
#if defined(__AVX2__) && defined(__FMA__)
  EXPECT_TRUE(f.avx2_fma);
#endif
#if defined(__AVX512VNNI__)
  EXPECT_TRUE(f.avx512_vnni);
#endif
  // independently of best_variant: the variant of the highest level the CPU has
  auto level_of = [&](Isa need) {
    switch (need) {
      case Isa::avx2: return f.avx2_fma ? 1 : -1;
      case Isa::avx512: return f.avx512 ? 2 : -1;
      case Isa::avx512_vnni: return f.avx512_vnni ? 3 : -1;
      default: return 0;
    }
  };
  auto expect_best = [&](const auto& variants, const char* chosen) {
    int best = -1;
    std::string name;
    for (const auto* v : variants)
      if (level_of(v->need) > best) best = level_of(v->need), name = v->name;
    if (isa_cap() == Isa::native) EXPECT_EQ(std::string(chosen), name);
  };
  expect_best(int8_dots(), int8_dot().name);
  expect_best(linear_floats(), linear_float().name);
}

TEST(CpuIsa, VersionNamesTheCpuAndOwnchatIsaCapsTheChoice) {
  const test::CmdResult plain = test::run_binary("--version");
  ASSERT_EQ(plain.status, 0) << plain.output;
  EXPECT_NE(plain.output.find("cpu: " + cpu_features().model), std::string::npos) << plain.output;
  EXPECT_NE(plain.output.find(std::string("int8 linear (inference): ") + int8_dot().name), std::string::npos)
      << plain.output;
  const test::CmdResult capped = test::run_shell("OWNCHAT_ISA=scalar " + std::string(OWN_BINARY) + " --version 2>&1");
  ASSERT_EQ(capped.status, 0) << capped.output;
  EXPECT_NE(capped.output.find("int8 linear (inference): scalar"), std::string::npos) << capped.output;
  EXPECT_NE(capped.output.find("f32/bf16 linear (inference): scalar"), std::string::npos) << capped.output;
  EXPECT_NE(capped.output.find("capped at scalar by OWNCHAT_ISA"), std::string::npos) << capped.output;
  const test::CmdResult bad = test::run_shell("OWNCHAT_ISA=avx9000 " + std::string(OWN_BINARY) + " --version 2>&1");
  EXPECT_EQ(bad.status, 1) << bad.output;
  EXPECT_NE(bad.output.find("OWNCHAT_ISA=\"avx9000\""), std::string::npos) << bad.output;
}
