// Encoding throughput without I/O: the same text encoded repeatedly on one thread, best of
// the repetitions reported (`ownchat tokenizer encode --bench`, bench/tokenizer.sh).
#pragma once
#include <cstdint>
#include <string_view>

#include "tokenizer/tokenizer.h"

namespace own {

struct EncodeBench {
  int64_t bytes = 0, tokens = 0, repeats = 0;
  double best_seconds = 0, mb_per_s = 0;  // MB = 1e6 bytes
};

// Repeats until `min_seconds` have passed (and at least 3 times).
EncodeBench bench_encode(const Tokenizer& tok, std::string_view text, double min_seconds = 2.0);

}  // namespace own
