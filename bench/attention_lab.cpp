// Attention kernel lab (not part of the CMake build). Times attention_forward / attention_backward
// of src/kernels/attention.cpp against a reference build of an older revision ("old"), checks
// that both agree to float rounding, and reports median ms and GFLOP/s (4 T^2/2 D B H for the
// forward, twice that for the backward, the usual convention; the backward actually does 2.5x).
//
// Build (from the repository root; REV is the revision to compare against, e.g. HEAD):
//   git show REV:src/kernels/attention.cpp > /tmp/attention_old.cpp
//   g++ -O3 -march=native -fopenmp -std=c++20 -Isrc -Down=own_old -c /tmp/attention_old.cpp -o /tmp/attention_old.o
//   g++ -O3 -march=native -fopenmp -std=c++20 -Isrc bench/attention_lab.cpp src/kernels/attention.cpp \
//       /tmp/attention_old.o -o /tmp/attention_lab
//   OMP_NUM_THREADS=2 /tmp/attention_lab [reps=5] [new]   ("new": time only the new kernels)
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "kernels/attention.h"

namespace own_old {
void attention_forward(float* out, float* lse, const float* qkv, int64_t B, int64_t T, int64_t H, int64_t Hkv,
                       int64_t D);
void attention_backward(float* dqkv, const float* dout, const float* qkv, const float* out, const float* lse,
                        int64_t B, int64_t T, int64_t H, int64_t Hkv, int64_t D);
}  // namespace own_old

namespace {

using Vec = std::vector<float>;

Vec randn(size_t n, unsigned seed) {
  std::mt19937 g(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  Vec v(n);
  for (float& x : v) x = d(g);
  return v;
}

double g_min_ms = 0;  // fastest of the last median_ms() call

template <class F>
double median_ms(F f, int reps) {
  f();  // warm up (also grows the scratch)
  std::vector<double> ms;
  for (int r = 0; r < reps; r++) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  g_min_ms = ms[0];
  return ms[ms.size() / 2];
}

double max_rel(const Vec& a, const Vec& b) {
  double m = 0;
  for (size_t i = 0; i < a.size(); i++)
    m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]) / (1e-3 + std::fabs(static_cast<double>(b[i]))));
  return m;
}

bool g_new_only = false;  // argv[2] == "new": time only the new kernels (for perf record)

void run(int64_t B, int64_t T, int64_t H, int64_t Hkv, int64_t D, int reps) {
  const int64_t row = (H + 2 * Hkv) * D;
  Vec qkv = randn(static_cast<size_t>(B * T * row), 1), dout = randn(static_cast<size_t>(B * T * H * D), 2);
  for (float& x : qkv) x *= 1.5f;  // peakier softmax than unit scale
  Vec out0(dout.size()), out1(dout.size()), lse0(static_cast<size_t>(B * H * T)), lse1(lse0.size());
  Vec dq0(qkv.size()), dq1(qkv.size());
  if (g_new_only) {
    double f1 = median_ms([&] { own::attention_forward(out1.data(), lse1.data(), qkv.data(), B, T, H, Hkv, D); }, reps);
    double f1min = g_min_ms;
    double b1 = median_ms([&] {
      own::attention_backward(dq1.data(), dout.data(), qkv.data(), out1.data(), lse1.data(), B, T, H, Hkv, D);
    }, reps);
    std::printf("B=%ld T=%ld H=%ld Hkv=%ld D=%ld threads=%d: new fwd %.2f ms (min %.2f), bwd %.2f ms (min %.2f)\n",
                (long)B, (long)T, (long)H, (long)Hkv, (long)D, omp_get_max_threads(), f1, f1min, b1, g_min_ms);
    return;
  }
  double f0 = median_ms([&] { own_old::attention_forward(out0.data(), lse0.data(), qkv.data(), B, T, H, Hkv, D); }, reps);
  double f1 = median_ms([&] { own::attention_forward(out1.data(), lse1.data(), qkv.data(), B, T, H, Hkv, D); }, reps);
  double b0 = median_ms([&] {
    own_old::attention_backward(dq0.data(), dout.data(), qkv.data(), out0.data(), lse0.data(), B, T, H, Hkv, D);
  }, reps);
  double b1 = median_ms([&] {
    own::attention_backward(dq1.data(), dout.data(), qkv.data(), out1.data(), lse1.data(), B, T, H, Hkv, D);
  }, reps);
  double fl = 4.0 * T * T / 2.0 * D * B * H * 1e-9;
  std::printf("B=%ld T=%ld H=%ld Hkv=%ld D=%ld threads=%d\n", (long)B, (long)T, (long)H, (long)Hkv, (long)D,
              omp_get_max_threads());
  std::printf("  fwd  old %7.2f ms %6.1f GF/s | new %7.2f ms %6.1f GF/s | x%.2f\n", f0, fl / f0 * 1e3, f1,
              fl / f1 * 1e3, f0 / f1);
  std::printf("  bwd  old %7.2f ms %6.1f GF/s | new %7.2f ms %6.1f GF/s | x%.2f\n", b0, 2 * fl / b0 * 1e3, b1,
              2 * fl / b1 * 1e3, b0 / b1);
  std::printf("  max rel diff new vs old: out %.2e lse %.2e dqkv %.2e\n", max_rel(out1, out0), max_rel(lse1, lse0),
              max_rel(dq1, dq0));
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 5;
  g_new_only = argc > 2 && std::string(argv[2]) == "new";
  run(8, 256, 6, 6, 64, reps);
  run(8, 256, 4, 4, 64, reps);
  run(2, 256, 8, 2, 64, reps);  // GQA
  return 0;
}
