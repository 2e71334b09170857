#include "core/dist.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <fcntl.h>
#include <unistd.h>
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
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
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

void allreduce_sum(float* x, int64_t n) {
  PendingSum(x, n).wait();
}

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

void barrier() {
#ifdef OWN_MPI
  if (g_size > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
}

PendingSum::PendingSum(float* x, int64_t n) {
#ifdef OWN_MPI
  if (g_size <= 1 || n <= 0) return;
  count_ = static_cast<int>((n + kChunk - 1) / kChunk);
  auto* reqs = new MPI_Request[static_cast<size_t>(count_)];
  for (int c = 0; c < count_; c++) {
    const int64_t at = c * kChunk;
    MPI_Iallreduce(MPI_IN_PLACE, x + at, static_cast<int>(std::min(kChunk, n - at)), MPI_FLOAT, MPI_SUM,
                   MPI_COMM_WORLD, &reqs[c]);
  }
  requests_ = reqs;
#else
  (void)x;
  (void)n;
#endif
}

PendingSum::PendingSum(PendingSum&& o) noexcept
    : requests_(std::exchange(o.requests_, nullptr)), count_(std::exchange(o.count_, 0)) {}

PendingSum& PendingSum::operator=(PendingSum&& o) noexcept {
  if (this != &o) {
    wait();
    requests_ = std::exchange(o.requests_, nullptr);
    count_ = std::exchange(o.count_, 0);
  }
  return *this;
}

PendingSum::~PendingSum() { wait(); }

void PendingSum::wait() {
#ifdef OWN_MPI
  if (!requests_) return;
  auto* reqs = static_cast<MPI_Request*>(requests_);
  MPI_Waitall(count_, reqs, MPI_STATUSES_IGNORE);
  delete[] reqs;
  requests_ = nullptr;
  count_ = 0;
#endif
}

void refuse_data_parallel(const char* command) {
  if (g_size > 1)
    input_error("`ownchat {}` does not run data-parallel: start it without mpirun (pretrain, sft, rm and dpo do)",
                command);
}

void PendingSum::test() {
#ifdef OWN_MPI
  if (!requests_) return;
  int done = 0;
  MPI_Testall(count_, static_cast<MPI_Request*>(requests_), &done, MPI_STATUSES_IGNORE);
#endif
}

void abort_job(int code) {
#ifdef OWN_MPI
  if (g_initialized && g_size > 1) MPI_Abort(MPI_COMM_WORLD, code);
#endif
  std::exit(code);
}

}  // namespace own::dist
