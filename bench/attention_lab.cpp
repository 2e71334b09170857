// Attention kernel lab (not part of the CMake build). Times attention_forward / attention_backward
// of src/kernels/attention.cpp against a reference build of an older revision ("old"), checks
// that both agree to float rounding (also on the unit tests' odd shapes), and reports median ms
// and GFLOP/s (4 T^2/2 D B H for the forward, twice that for the backward, the usual convention;
// the backward actually does 2.5x).
//
// Build (from the repository root; REV is the revision to compare against, e.g. 92b9911 for the
// per-row kernel before blocking; -Down=own_old renames the old build's namespace):
//   git show REV:src/kernels/attention.cpp > /tmp/attention_old.cpp
//   g++ -O3 -march=native -fopenmp -std=c++20 -Isrc -Down=own_old -c /tmp/attention_old.cpp -o /tmp/attention_old.o
//   g++ -O3 -march=native -fopenmp -std=c++20 -Isrc bench/attention_lab.cpp src/kernels/attention.cpp
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
#include <ctime>
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

double g_min_ms = 0;      // fastest of the last median_ms() call
double g_min_cpu_ms = 0;  // least process CPU time of the last median_ms() call (robust to other load)

double cpu_ms() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec * 1e-6;
}

template <class F>
double median_ms(F f, int reps) {
  f();  // warm up (also grows the scratch)
  std::vector<double> ms;
  g_min_cpu_ms = 1e300;
  for (int r = 0; r < reps; r++) {
    double c0 = cpu_ms();
    auto t0 = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    g_min_cpu_ms = std::min(g_min_cpu_ms, cpu_ms() - c0);
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
    double f1min = g_min_ms, f1cpu = g_min_cpu_ms;
    double b1 = median_ms([&] {
      own::attention_backward(dq1.data(), dout.data(), qkv.data(), out1.data(), lse1.data(), B, T, H, Hkv, D);
    }, reps);
    std::printf("B=%ld T=%ld H=%ld Hkv=%ld D=%ld threads=%d: new fwd %.2f ms (min %.2f, cpu %.2f), "
                "bwd %.2f ms (min %.2f, cpu %.2f)\n", (long)B, (long)T, (long)H, (long)Hkv, (long)D,
                omp_get_max_threads(), f1, f1min, f1cpu, b1, g_min_ms, g_min_cpu_ms);
    return;
  }
  double f0 =
      median_ms([&] { own_old::attention_forward(out0.data(), lse0.data(), qkv.data(), B, T, H, Hkv, D); }, reps);
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

// New vs old on the unit tests' odd shapes (T = 1, D not a multiple of the SIMD width, GQA).
void check_odd_shapes() {
  struct S { int64_t B, T, H, Hkv, D; };
  double worst = 0;
  for (S s : {S{1, 1, 2, 2, 4}, S{2, 7, 4, 2, 8}, S{1, 33, 3, 1, 16}, S{2, 19, 2, 2, 6}, S{1, 70, 4, 4, 12},
              S{2, 45, 2, 1, 64}}) {
    const int64_t row = (s.H + 2 * s.Hkv) * s.D;
    Vec qkv = randn(static_cast<size_t>(s.B * s.T * row), 3);
    Vec dout = randn(static_cast<size_t>(s.B * s.T * s.H * s.D), 4);
    Vec o0(dout.size()), o1(dout.size()), l0(static_cast<size_t>(s.B * s.H * s.T)), l1(l0.size()), d0(qkv.size()),
        d1(qkv.size(), 123.0f);
    own_old::attention_forward(o0.data(), l0.data(), qkv.data(), s.B, s.T, s.H, s.Hkv, s.D);
    own::attention_forward(o1.data(), l1.data(), qkv.data(), s.B, s.T, s.H, s.Hkv, s.D);
    own_old::attention_backward(d0.data(), dout.data(), qkv.data(), o0.data(), l0.data(), s.B, s.T, s.H, s.Hkv, s.D);
    own::attention_backward(d1.data(), dout.data(), qkv.data(), o1.data(), l1.data(), s.B, s.T, s.H, s.Hkv, s.D);
    worst = std::max({worst, max_rel(o1, o0), max_rel(l1, l0), max_rel(d1, d0)});
  }
  std::printf("odd shapes: max rel diff new vs old %.2e\n", worst);
}

}  // namespace

int main(int argc, char** argv) {
  int reps = argc > 1 ? std::atoi(argv[1]) : 5;
  g_new_only = argc > 2 && std::string(argv[2]) == "new";
  if (!g_new_only) check_odd_shapes();
  run(8, 256, 6, 6, 64, reps);
  run(8, 256, 4, 4, 64, reps);
  run(2, 256, 8, 2, 64, reps);  // GQA
  return 0;
}
