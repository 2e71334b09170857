// Data-parallel processes: which rank this process is among how many, and the collectives that
// training needs, on MPI (Debian's OpenMPI). A process started by `mpirun -np K` is one of K ranks;
// started any other way, or built without MPI, it is rank 0 of 1 and every collective is a no-op,
// so single-process code paths need no special case.
// Training is SPMD: every rank runs the same steps on its own slice of each batch and calls the same
// collectives in the same order; rank 0 alone writes checkpoints, metrics and progress, and the
// others wait for it (checkpoint_save ends in a barrier).
// Failure: an error on any rank prints "ownchat: rank R of K: error: ..." and aborts the whole job
// (MPI_Abort), so a rank that fails or dies never leaves the others waiting in a collective.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace own::dist {

// MPI_Init_thread when started by mpirun; idempotent. Call first thing in main().
void init(int* argc, char*** argv);
void finalize();
bool built_with_mpi();
int rank();
int size();
inline bool is_root() { return rank() == 0; }
std::string describe();  // "rank 1 of 2" or "one process"
// Where errors go: stderr, except on ranks other than 0, whose ordinary output is silenced (rank 0
// prints progress, samples and results for the job) but whose errors still reach the terminal.
FILE* errors_stream();

// In place, summed over the ranks (the same result on every rank).
void allreduce_sum(float* x, int64_t n);
double allreduce_sum(double x);
double allreduce_max(double x);
void broadcast(void* data, int64_t bytes);  // from rank 0
// Every rank's `local` bytes, in rank order, on every rank (one process: {local}).
std::vector<std::string> allgather(const std::string& local);
// Rank r's share [begin, end) of n items cut into size() contiguous blocks, as even as can be.
std::pair<int64_t, int64_t> share_of(int64_t n);
void barrier();

// Sums ranges of one buffer over the ranks, in the order they are added, on a thread of its own
// (the "overlap" mode, the default): the caller hands over a bucket and goes on computing, and
// wait() returns once every bucket is summed. In the "after" mode (OWNCHAT_GRAD_SYNC=after) the
// buckets are summed by wait(), one blocking allreduce each. One rank: nothing to do.
class BucketSum {
 public:
  BucketSum();
  ~BucketSum();
  BucketSum(const BucketSum&) = delete;
  BucketSum& operator=(const BucketSum&) = delete;
  void add(float* x, int64_t n);
  void wait();
  bool overlaps() const { return overlap_; }

 private:
  struct State;
  State* s_ = nullptr;
  bool overlap_ = false;
};

// InputError under mpirun with more than one rank: for commands that do not run data-parallel.
void refuse_data_parallel(const char* command);

// Ends every rank of the job with `code` (MPI_Abort); in a single process, std::exit.
[[noreturn]] void abort_job(int code);

}  // namespace own::dist
