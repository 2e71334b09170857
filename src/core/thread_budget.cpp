#include "core/thread_budget.h"

#include <dirent.h>
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>

namespace own {

namespace {

std::atomic<int> g_ceiling{0};        // 0: not set, use omp_get_num_procs()
std::atomic<int> g_threads_now{0};    // last answer, 0 before the first
std::atomic<int64_t> g_checked_ns{0};  // when it was computed (steady clock)

// runnable threads on the machine (/proc/stat "procs_running"), or -1
int procs_running() {
  FILE* f = std::fopen("/proc/stat", "r");
  if (!f) return -1;
  char line[256];
  int n = -1;
  while (std::fgets(line, sizeof line, f))
    if (std::sscanf(line, "procs_running %d", &n) == 1) break;
  std::fclose(f);
  return n;
}

// our own threads in state R (running or runnable), or -1
int own_running() {
  DIR* d = opendir("/proc/self/task");
  if (!d) return -1;
  int n = 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    char path[64], buf[512];
    std::snprintf(path, sizeof path, "/proc/self/task/%.20s/stat", e->d_name);
    FILE* f = std::fopen(path, "r");
    if (!f) continue;
    const size_t len = std::fread(buf, 1, sizeof buf - 1, f);
    std::fclose(f);
    buf[len] = 0;
    const char* paren = std::strrchr(buf, ')');  // the name may hold spaces; the state follows it
    if (paren && paren[1] == ' ' && paren[2] == 'R') n++;
  }
  closedir(d);
  return n;
}

}  // namespace

void set_thread_ceiling(int n) {
  g_ceiling = std::max(1, n);
  g_threads_now = 0;
  omp_set_num_threads(g_ceiling);
}

int thread_ceiling() {
  const int c = g_ceiling.load();
  return c > 0 ? c : std::max(1, omp_get_num_procs());
}

int threads_now() {
  const int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                          std::chrono::steady_clock::now().time_since_epoch()).count();
  const int cached = g_threads_now.load();
  if (cached > 0 && now - g_checked_ns.load() < 100'000'000) return cached;
  const int ceiling = thread_ceiling(), all = procs_running(), ours = own_running();
  int n = ceiling;
  if (all >= 0 && ours >= 0) {
    // others first take the CPUs we do not claim, then each further busy thread costs us one
    const int others = std::max(0, all - ours), spare = std::max(0, omp_get_num_procs() - ceiling);
    n = std::clamp(ceiling - std::max(0, others - spare), 1, ceiling);
  }
  g_threads_now = n;
  g_checked_ns = now;
  return n;
}

void use_threads_now() { omp_set_num_threads(threads_now()); }

}  // namespace own
