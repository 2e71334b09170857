// `ownchat bench index`: search latency of an index, timed inside the process (no start-up, no
// printing): every query of a file (one per line) `reps` times, then p50/p95/mean in ms as one
// JSON line. bench/index.py runs it beside a Python sqlite3 FTS5 peer on the same passages.
#pragma once
#include <string>

namespace own {

struct IndexBenchOptions {
  std::string index_path, queries_path;
  int k = 5, reps = 3;
  std::string matches_out;  // when set: each query's FTS5 MATCH text, one per line, for the peer
};

void bench_index(const IndexBenchOptions& o);

}  // namespace own
