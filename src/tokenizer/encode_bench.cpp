#include "tokenizer/encode_bench.h"

#include <algorithm>
#include <chrono>

namespace own {

EncodeBench bench_encode(const Tokenizer& tok, std::string_view text, double min_seconds) {
  EncodeBench b;
  b.bytes = static_cast<int64_t>(text.size());
  b.best_seconds = 1e30;
  std::vector<int32_t> ids;
  auto start = std::chrono::steady_clock::now();
  while (true) {
    ids.clear();
    auto t0 = std::chrono::steady_clock::now();
    tok.encode_append(text, ids);
    auto t1 = std::chrono::steady_clock::now();
    b.best_seconds = std::min(b.best_seconds, std::chrono::duration<double>(t1 - t0).count());
    b.repeats++;
    if (b.repeats >= 3 && std::chrono::duration<double>(t1 - start).count() >= min_seconds) break;
  }
  b.tokens = static_cast<int64_t>(ids.size());
  b.mb_per_s = b.best_seconds > 0 ? static_cast<double>(b.bytes) / 1e6 / b.best_seconds : 0.0;
  return b;
}

}  // namespace own
