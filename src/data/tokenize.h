// `ownchat data tokenize`: the cleaned corpus (DIR/data/corpus/{train,val}.jsonl, written by
// `data build`) -> token shards (DIR/data/shards/{train,val}_NNN.bin) with DIR/tokenizer.json.
// Every document becomes <|bos|> + its tokens. Documents are encoded in parallel in blocks and
// written in corpus order, so the shards are the same for any thread count.
#pragma once
#include <cstdint>
#include <string>

namespace own {

struct TokenizeOptions {
  std::string run_dir = "runs/default";
  std::string tokenizer;                      // default: DIR/tokenizer.json
  int64_t shard_tokens = 100'000'000;         // a new shard after this many tokens
};

struct TokenizeStats {
  int64_t documents = 0, tokens = 0, bytes = 0, shards = 0;
};

// returns stats for train + val together
TokenizeStats tokenize_corpus(const TokenizeOptions& o);

}  // namespace own
