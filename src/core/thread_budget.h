// How many threads a parallel region should use right now. A laptop or a shared server always runs
// something else: with two OpenMP threads on two cores and one other busy process, every barrier
// waits for whichever of our threads the scheduler has just parked, and decode keeps a quarter of
// its idle speed (measured: 68 vs 264 tok/s), where one thread keeps three quarters (204).
// So work whose results do not depend on the thread count (inference: kernels/linear.h) asks
// before each forward pass for the ceiling (--threads, else every CPU this process may use) less
// one thread for each CPU that other processes kept busy over the last quarter second, beyond the
// CPUs the ceiling leaves them: /proc/stat's busy time less this process's own (getrusage). A
// sustained load counts; a client that wakes for each streamed token does not.
#pragma once

namespace own {

void set_thread_ceiling(int n);  // --threads
int thread_ceiling();
// the ceiling less what others keep busy now, at least 1
int threads_now();
// omp_set_num_threads(threads_now()) for the calling thread's next parallel regions
void use_threads_now();

}  // namespace own
