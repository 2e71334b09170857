#include "retrieval/index_bench.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "core/check.h"
#include "core/fileio.h"
#include "data/clean.h"
#include "retrieval/index_db.h"

namespace own {

void bench_index(const IndexBenchOptions& o) {
  IndexDb db(o.index_path, IndexDb::Open::existing);
  std::vector<std::string> queries;
  const std::string text = read_file(o.queries_path);
  for (std::string_view line : split_lines(text))
    if (!line.empty()) queries.emplace_back(line);
  if (queries.empty()) input_error("{}: no queries (one per line)", o.queries_path);
  if (!o.matches_out.empty()) {
    std::string lines;
    for (const std::string& q : queries) lines += fts_query(q) + "\n";
    write_file_atomic(o.matches_out, lines);
  }
  std::vector<double> ms;
  int64_t hits = 0;
  for (const std::string& q : queries) db.search(q, o.k);  // warm the page cache
  for (int r = 0; r < o.reps; ++r)
    for (const std::string& q : queries) {
      auto t0 = std::chrono::steady_clock::now();
      hits += static_cast<int64_t>(db.search(q, o.k).size());
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double x : ms) sum += x;
  auto pct = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))]; };
  IndexStats s = db.stats();
  fmt::print("{{\"bench\": \"index_search\", \"passages\": {}, \"queries\": {}, \"reps\": {}, \"k\": {}, \"p50_ms\": {:.3f}, "
             "\"p95_ms\": {:.3f}, \"mean_ms\": {:.3f}, \"hits_per_query\": {:.2f}}}\n",
             s.passages, queries.size(), o.reps, o.k, pct(0.5), pct(0.95), sum / static_cast<double>(ms.size()),
             static_cast<double>(hits) / static_cast<double>(ms.size()));
}

}  // namespace own
