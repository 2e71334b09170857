#include "core/thread_budget.h"

#include <omp.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <unistd.h>

namespace own {

namespace {

constexpr double kWindowSeconds = 0.25;  // how often the load is re-read

struct Sample {
  double wall = 0, machine_busy = 0, own_cpu = 0;  // seconds
};

struct Budget {
  std::mutex mu;
  int ceiling = 0;  // 0: not set, use omp_get_num_procs()
  int now = 0;      // last answer, 0 before the first
  Sample last;
  bool have_last = false;
};

Budget& budget() {
  static Budget b;
  return b;
}

double steady_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// CPU seconds all CPUs spent busy since boot (/proc/stat's first line, less idle, iowait and
// steal), or -1
double machine_busy_seconds() {
  FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return -1;
  unsigned long long user = 0, nice = 0, sys = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  const int n = std::fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &user, &nice, &sys, &idle, &iowait,
                            &irq, &softirq, &steal);
  std::fclose(f);
  if (n < 4) return -1;
  return static_cast<double>(user + nice + sys + irq + softirq) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// CPU seconds this process has used, every thread
double own_cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

void set_thread_ceiling(int n) {
  Budget& b = budget();
  std::lock_guard<std::mutex> lock(b.mu);
  b.ceiling = std::max(1, n);
  b.now = 0;
  omp_set_num_threads(b.ceiling);
}

int thread_ceiling() {
  Budget& b = budget();
  std::lock_guard<std::mutex> lock(b.mu);
  return b.ceiling > 0 ? b.ceiling : std::max(1, omp_get_num_procs());
}

int threads_now() {
  const int ceiling = thread_ceiling();
  Budget& b = budget();
  std::lock_guard<std::mutex> lock(b.mu);
  const double wall = steady_seconds();
  if (b.have_last && b.now != 0 && wall - b.last.wall < kWindowSeconds) return b.now;  // no I/O inside a window
  const Sample s{wall, machine_busy_seconds(), own_cpu_seconds()};
  if (s.machine_busy < 0) return ceiling;
  if (!b.have_last || b.now == 0) {  // the first call, or the ceiling changed: a fresh window
    b.last = s;
    b.have_last = true;
    b.now = ceiling;
    return ceiling;
  }
  // CPUs the other processes kept busy over the window; a client waking now and then rounds to 0
  const double others = std::max(0.0, (s.machine_busy - b.last.machine_busy) - (s.own_cpu - b.last.own_cpu)) /
                        (s.wall - b.last.wall);
  const int busy = static_cast<int>(std::lround(others)), spare = std::max(0, omp_get_num_procs() - ceiling);
  // others first take the CPUs we do not claim, then each further busy CPU costs us one thread
  b.now = std::clamp(ceiling - std::max(0, busy - spare), 1, ceiling);
  b.last = s;
  return b.now;
}

void use_threads_now() { omp_set_num_threads(threads_now()); }

}  // namespace own
