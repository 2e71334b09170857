// Byte-level BPE training (kOwnPattern: GPT-2's pre-tokenizer; no merge joins two digits). Ids: 0..255 are the bytes in byte
// order, then one id per merge, then the 16 special tokens of own_special_tokens() at the end.
// 1) Distinct pre-token chunks are counted over the documents in parallel (OpenMP; documents
//    larger than a segment are cut where the pattern always splits, so counts are exact).
// 2) Merges: pair counts weighted by chunk counts, a lazy max-heap (stale entries re-checked on
//    pop) and incremental updates touching only the positions where the merged pair occurs.
//    Ties: the pair whose (left bytes, right bytes) sort first. Same input -> same output.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace own {

// <|bos|> <|eos|> <|pad|> <|system|> <|user|> <|assistant|> <|end|> <|reserved_0|>..<|reserved_8|>
std::span<const std::string_view> own_special_tokens();

struct TrainOptions {
  int64_t vocab_size = 8192;  // everything: 256 bytes + merges + 16 specials
  bool progress = true;       // a progress line on stderr during merges
};

struct TrainStats {
  int64_t documents = 0, bytes = 0, chunks = 0, unique_chunks = 0, merges = 0;
  double count_seconds = 0, merge_seconds = 0;
};

// (chunk, count) for every distinct chunk, sorted by bytes. The views point into `documents`.
// segment_bytes: how much text one parallel work item takes (tests set it small).
std::vector<std::pair<std::string_view, int64_t>> count_chunks(std::span<const std::string> documents,
                                                               size_t segment_bytes = size_t{1} << 20);

// InputError if vocab_size is below 256 + 16. A corpus too small for the requested size gives
// fewer merges (stats->merges says how many); the specials still follow the last merge.
BpeVocab train_bpe(std::span<const std::string> documents, const TrainOptions& opt, TrainStats* stats = nullptr);

}  // namespace own
