#include "core/dist.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/check.h"

#ifdef OWN_MPI
#include <mpi.h>
#endif

namespace own::dist {

namespace {
int g_rank = 0, g_size = 1;
bool g_initialized = false;
bool g_thread_level_ok = false;  // MPI lets another thread than main call it (one at a time)
constexpr int64_t kChunk = int64_t{1} << 30;  // MPI counts are int

#ifdef OWN_MPI
// Started by mpirun (OpenMPI sets these; PMI_RANK / PMIX_RANK for other launchers)?
bool launched_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(v)) return true;
  return false;
}
#endif
FILE* g_errors = stderr;

// Ranks other than 0 print nothing (rank 0 speaks for the job): stdout and stderr go to
// /dev/null, and errors to a copy of the original stderr (errors_stream()).
[[maybe_unused]] void quiet_output() {
  const int saved = ::dup(2);
  const int null_fd = ::open("/dev/null", O_WRONLY);
  if (saved < 0 || null_fd < 0) return;
  std::fflush(stdout);
  std::fflush(stderr);
  ::dup2(null_fd, 1);
  ::dup2(null_fd, 2);
  ::close(null_fd);
  if (FILE* f = ::fdopen(saved, "w")) g_errors = f;
}
}  // namespace

FILE* errors_stream() { return g_errors; }

void init(int* argc, char*** argv) {
#ifdef OWN_MPI
  if (g_initialized || !launched_by_mpirun()) return;
  int provided = 0;
  // the gradient sums run on a thread of their own (BucketSum), never beside another MPI call
  MPI_Init_thread(argc, argv, MPI_THREAD_SERIALIZED, &provided);
  g_thread_level_ok = provided >= MPI_THREAD_SERIALIZED;
  MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &g_size);
  g_initialized = true;
  if (g_rank > 0) quiet_output();
#else
  (void)argc;
  (void)argv;
#endif
}

void finalize() {
#ifdef OWN_MPI
  if (g_initialized) MPI_Finalize();
  g_initialized = false;
#endif
}

bool built_with_mpi() {
#ifdef OWN_MPI
  return true;
#else
  return false;
#endif
}

int rank() { return g_rank; }
int size() { return g_size; }
std::string describe() { return g_size > 1 ? fmt::format("rank {} of {}", g_rank, g_size) : "one process"; }

double allreduce_sum(double x) {
#ifdef OWN_MPI
  if (g_size > 1) MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD);
#endif
  return x;
}

double allreduce_max(double x) {
#ifdef OWN_MPI
  if (g_size > 1) MPI_Allreduce(MPI_IN_PLACE, &x, 1, MPI_DOUBLE, MPI_MAX, MPI_COMM_WORLD);
#endif
  return x;
}

void broadcast(void* data, int64_t bytes) {
#ifdef OWN_MPI
  if (g_size <= 1) return;
  auto* p = static_cast<char*>(data);
  for (int64_t at = 0; at < bytes; at += kChunk)
    MPI_Bcast(p + at, static_cast<int>(std::min(kChunk, bytes - at)), MPI_BYTE, 0, MPI_COMM_WORLD);
#else
  (void)data;
  (void)bytes;
#endif
}

std::vector<std::string> allgather(const std::string& local) {
  if (g_size <= 1) return {local};
  std::vector<std::string> out(static_cast<size_t>(g_size));
#ifdef OWN_MPI
  if (local.size() > static_cast<size_t>(INT32_MAX)) input_error("allgather: {} bytes from one rank is too many", local.size());
  int mine = static_cast<int>(local.size());
  std::vector<int> sizes(static_cast<size_t>(g_size)), offsets(static_cast<size_t>(g_size));
  MPI_Allgather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, MPI_COMM_WORLD);
  int64_t total = 0;
  for (int r = 0; r < g_size; r++) {
    offsets[static_cast<size_t>(r)] = static_cast<int>(total);
    total += sizes[static_cast<size_t>(r)];
  }
  if (total > INT32_MAX) input_error("allgather: {} bytes in all is too many", total);
  std::string all(static_cast<size_t>(total), '\0');
  MPI_Allgatherv(local.data(), mine, MPI_BYTE, all.data(), sizes.data(), offsets.data(), MPI_BYTE, MPI_COMM_WORLD);
  for (int r = 0; r < g_size; r++)
    out[static_cast<size_t>(r)] = all.substr(static_cast<size_t>(offsets[static_cast<size_t>(r)]),
                                              static_cast<size_t>(sizes[static_cast<size_t>(r)]));
#endif
  return out;
}

std::pair<int64_t, int64_t> share_of(int64_t n) {
  return {n * g_rank / g_size, n * (g_rank + 1) / g_size};
}

void barrier() {
#ifdef OWN_MPI
  if (g_size > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

namespace {
void sum_now(float* x, int64_t n) {
#ifdef OWN_MPI
  for (int64_t at = 0; at < n; at += kChunk)
    MPI_Allreduce(MPI_IN_PLACE, x + at, static_cast<int>(std::min(kChunk, n - at)), MPI_FLOAT, MPI_SUM,
                  MPI_COMM_WORLD);
#else
  (void)x;
  (void)n;
#endif
}
}  // namespace

void allreduce_sum(float* x, int64_t n) {
  if (g_size > 1) sum_now(x, n);
}

struct BucketSum::State {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<float*, int64_t>> queue;
  int64_t in_flight = 0;  // queued or being summed
  bool stop = false;
  std::thread worker;
};

BucketSum::BucketSum() {
  if (g_size <= 1) return;
  s_ = new State;
  const char* mode = std::getenv("OWNCHAT_GRAD_SYNC");
  overlap_ = g_thread_level_ok && !(mode && std::string(mode) == "after");
  if (!overlap_) return;
  s_->worker = std::thread([st = s_] {
    std::unique_lock lock(st->mu);
    while (true) {
      st->cv.wait(lock, [&] { return st->stop || !st->queue.empty(); });
      if (st->queue.empty()) return;  // stop, and nothing left
      const auto [x, n] = st->queue.front();
      st->queue.pop_front();
      lock.unlock();
      sum_now(x, n);
      lock.lock();
      if (--st->in_flight == 0) st->cv.notify_all();
    }
  });
}

BucketSum::~BucketSum() {
  if (!s_) return;
  wait();
  if (s_->worker.joinable()) {
    {
      std::lock_guard lock(s_->mu);
      s_->stop = true;
    }
    s_->cv.notify_all();
    s_->worker.join();
  }
  delete s_;
}

void BucketSum::add(float* x, int64_t n) {
  if (!s_ || n <= 0) return;
  {
    std::lock_guard lock(s_->mu);
    s_->queue.emplace_back(x, n);
    s_->in_flight++;
  }
  s_->cv.notify_all();
}

void BucketSum::wait() {
  if (!s_) return;
  std::unique_lock lock(s_->mu);
  if (!overlap_) {
    for (const auto& [x, n] : s_->queue) sum_now(x, n);
    s_->queue.clear();
    s_->in_flight = 0;
    return;
  }
  s_->cv.wait(lock, [&] { return s_->in_flight == 0; });
}

void refuse_data_parallel(const char* command) {
  if (g_size > 1)
    input_error("`ownchat {}` does not run data-parallel: start it without mpirun (pretrain, sft, rm, dpo and ppo do)",
                command);
}

void abort_job(int code) {
#ifdef OWN_MPI
  if (g_initialized && g_size > 1) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

}  // namespace own::dist
