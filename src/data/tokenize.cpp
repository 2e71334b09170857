#include "data/tokenize.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "core/check.h"
#include "core/fileio.h"
#include "core/progress.h"
#include "core/run_dir.h"
#include "data/shards.h"
#include "tokenizer/tokenizer.h"

namespace own {
namespace fs = std::filesystem;

namespace {

// One split: stream JSONL documents in blocks, encode a block in parallel, append in order.
void tokenize_split(const Tokenizer& tok, const fs::path& jsonl, const fs::path& out_dir, const std::string& split,
                    int64_t shard_tokens, TokenizeStats& st) {
  std::ifstream in(jsonl, std::ios::binary);
  if (!in) input_error("{}: cannot open; run `ownchat data build` first", jsonl.string());
  const int64_t total_bytes = static_cast<int64_t>(fs::file_size(jsonl));
  Progress progress("tokenize " + split, total_bytes >> 10, "KB", 2.0);
  const int32_t bos = tok.special_id("<|bos|>");
  std::unique_ptr<ShardWriter> shard;
  int shard_index = 0;
  std::vector<std::string> texts;
  std::vector<std::vector<int32_t>> ids;
  std::string line;
  int64_t line_no = 0, read_bytes = 0;
  bool done = false;
  while (!done) {
    texts.clear();
    while (texts.size() < 4096) {
      if (!std::getline(in, line)) {
        done = true;
        break;
      }
      line_no++;
      read_bytes += static_cast<int64_t>(line.size()) + 1;
      if (line.empty()) continue;
      nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
      if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string())
        input_error("{}:{}: expected a JSON object with a string \"text\" field", jsonl.string(), line_no);
      texts.push_back(j["text"].get<std::string>());
    }
    ids.assign(texts.size(), {});
#pragma omp parallel for schedule(dynamic, 16)
    for (size_t i = 0; i < texts.size(); i++) {
      ids[i].push_back(bos);
      tok.encode_append(texts[i], ids[i]);
    }
    for (size_t i = 0; i < texts.size(); i++) {
      if (!shard || shard->tokens() >= shard_tokens) {
        if (shard) shard->finish();
        shard = std::make_unique<ShardWriter>((out_dir / fmt::format("{}_{:03}.bin", split, shard_index++)).string(),
                                              tok.vocab_size());
        st.shards++;
      }
      shard->add_document(ids[i].data(), static_cast<int64_t>(ids[i].size()));
      st.documents++;
      st.tokens += static_cast<int64_t>(ids[i].size());
      st.bytes += static_cast<int64_t>(texts[i].size());
    }
    progress.update(read_bytes >> 10, fmt::format("{} tokens", st.tokens));
  }
  if (!shard) input_error("{}: no documents", jsonl.string());
  shard->finish();
}

}  // namespace

TokenizeStats tokenize_corpus(const TokenizeOptions& o) {
  const RunDir run(o.run_dir);
  Tokenizer tok = Tokenizer::load(o.tokenizer.empty() ? run.tokenizer().string() : o.tokenizer);
  const fs::path out = run.shards();
  fs::create_directories(out.parent_path());
  // The shards of both splits are one set: written into data/shards.tmp and swapped in as one
  // directory (which also drops stale shards of an older tokenizer), so a killed run leaves the
  // previous set or the new one, never train without val or a prefix of the shards.
  TokenizeStats st;
  replace_dir_atomic(out.string(), [&](const std::string& tmp) {
    for (const char* split : {"train", "val"})
      tokenize_split(tok, run.data("corpus") / (std::string(split) + ".jsonl"), tmp, split, o.shard_tokens, st);
  });
  return st;
}

}  // namespace own
