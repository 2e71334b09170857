// See index_build.h. A build writes `index.db.tmp`, fsyncs it and renames it over index.db, so a
// killed build leaves the old index as it was.
#include "retrieval/index_build.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/check.h"
#include "core/fileio.h"
#include "core/progress.h"
#include "retrieval/index_sources.h"
#include "tokenizer/tokenizer.h"

namespace own {

namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void fsync_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0 || ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    input_error("{}: fsync failed: {}", path, std::strerror(errno));
  }
  ::close(fd);
}

std::unique_ptr<Tokenizer> load_tokenizer(const std::string& path) {
  if (path.empty()) return nullptr;
  return std::make_unique<Tokenizer>(Tokenizer::load(path));
}

void add_files(IndexDb& db, const std::vector<IndexFile>& files, const PassageSplitter& splitter, IndexChange& c) {
  int64_t total_bytes = 0, done_bytes = 0;
  for (const IndexFile& f : files) total_bytes += f.bytes;
  Progress progress("index", total_bytes, "B");
  for (const IndexFile& f : files) {
    std::vector<Passage> passages = read_index_file(f, splitter);
    AddResult r = db.add(f.key, passages);
    c.documents += 1;
    c.passages += r.passages;
    c.new_passages += r.new_passages;
    c.replaced += r.replaced ? 1 : 0;
    done_bytes += f.bytes;
    progress.update(done_bytes, fmt::format("{} passages, {}", c.passages, f.source));
    if (passages.empty()) std::fprintf(stderr, "index: %s: no text found\n", f.key.c_str());
  }
}

}  // namespace

IndexChange index_build(const IndexOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  std::vector<IndexFile> files = plan_index_files(o.sources.empty() ? std::vector<std::string>{"default"} : o.sources);
  if (files.empty()) input_error("index build: nothing to index (the default sources are not installed; run scripts/setup.sh)");
  std::unique_ptr<Tokenizer> tok = load_tokenizer(o.tokenizer_path);
  PassageSplitter splitter(o.passage_tokens, tok.get());
  const std::string tmp = o.index_path + ".tmp";
  fs::path parent = fs::absolute(o.index_path).parent_path();
  std::error_code mk;
  fs::create_directories(parent, mk);
  if (mk) input_error("{}: cannot create the folder: {}", parent.string(), mk.message());
  IndexChange c;
  try {
    IndexDb db(tmp, IndexDb::Open::create_fresh);
    db.set_meta("passage_tokens", std::to_string(o.passage_tokens));
    db.set_meta("tokenizer", tok ? "run" : "bytes/3");
    db.begin_bulk();
    add_files(db, files, splitter, c);
    db.end_bulk();
    c.total = db.stats();
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
  fsync_file(tmp);
  std::error_code ec;
  for (const char* suffix : {"-wal", "-shm"}) fs::remove(o.index_path + suffix, ec);
  fs::rename(tmp, o.index_path, ec);
  if (ec) input_error("{}: cannot move the new index into place: {}", o.index_path, ec.message());
  fsync_dir(parent.string());
  c.seconds = seconds_since(t0);
  return c;
}

IndexChange index_add(const IndexOptions& o) {
  auto t0 = std::chrono::steady_clock::now();
  IndexDb db(o.index_path, IndexDb::Open::existing);
  std::vector<IndexFile> files = plan_index_files(o.sources);
  int64_t budget = std::atoll(db.meta("passage_tokens").c_str());
  if (budget <= 0) budget = o.passage_tokens;
  std::unique_ptr<Tokenizer> tok = db.meta("tokenizer") == "run" ? load_tokenizer(o.tokenizer_path) : nullptr;
  PassageSplitter splitter(budget, tok.get());
  IndexChange c;
  add_files(db, files, splitter, c);
  c.total = db.stats();
  c.seconds = seconds_since(t0);
  return c;
}

int64_t index_remove(const std::string& index_path, const std::vector<std::string>& keys) {
  IndexDb db(index_path, IndexDb::Open::existing);
  int64_t dropped = 0;
  for (const std::string& key : keys) {
    std::optional<int64_t> n = db.remove(key);
    if (!n) {
      std::error_code ec;
      fs::path abs = fs::weakly_canonical(fs::absolute(key), ec);
      if (!ec) n = db.remove(abs.string());
    }
    if (!n) input_error("index remove: {} is not in {} (give a source name or a file's path as it was added)", key, index_path);
    dropped += *n;
  }
  return dropped;
}

std::string index_search_lines(const std::string& index_path, const std::string& query, int k) {
  IndexDb db(index_path, IndexDb::Open::existing);
  std::string out;
  int rank = 0;
  for (const SearchHit& h : db.search(query, k)) {
    nlohmann::ordered_json j = {{"rank", ++rank},
                                {"score", std::round(h.score * 1e4) / 1e4},
                                {"id", h.id},
                                {"source", h.passage.source},
                                {"title", h.passage.title},
                                {"position", h.passage.position},
                                {"text", h.passage.text}};
    out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  }
  return out;
}

}  // namespace own
