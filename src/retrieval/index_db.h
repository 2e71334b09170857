// The retrieval index: RUN/index.db, an SQLite database with an FTS5 table ranked by BM25.
//   documents  one row per indexed unit: a default source ("wordnet") or a user file (its path)
//   passages   the text, title, source and position of each distinct passage (stored once: a
//              passage that two documents share is one row with two refs)
//   refs       which documents hold which passages; a passage goes when its last ref goes
//   passages_fts  FTS5 over (title, text), external content, porter stemming, unicode61
// A whole build goes to a temp file that is renamed over the old index only when complete;
// add and remove change the index in place, one transaction each, in WAL mode.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "retrieval/passages.h"

namespace own {

struct SearchHit {
  int64_t id = 0;
  double score = 0;  // BM25, higher is better (SQLite's bm25() negated)
  Passage passage;
};

struct AddResult {
  int64_t passages = 0;    // passages the document holds
  int64_t new_passages = 0;  // of those, not already in the index
  bool replaced = false;   // a document of the same key was there and was replaced
};

struct IndexStats {
  int64_t documents = 0, passages = 0, bytes = 0;
};

class IndexDb {
 public:
  enum class Open { existing, create_fresh };
  // existing: the file must be an ownchat index (InputError naming it otherwise).
  // create_fresh: a new empty index at `path` (an old file there is removed first).
  IndexDb(const std::string& path, Open mode);
  ~IndexDb();
  IndexDb(const IndexDb&) = delete;
  IndexDb& operator=(const IndexDb&) = delete;

  // Adds a document's passages, replacing an earlier document of the same key.
  AddResult add(const std::string& key, const std::vector<Passage>& passages);
  // Removes a document by key; returns the passages dropped (0 when the key is unknown).
  std::optional<int64_t> remove(const std::string& key);
  // settings kept with the index (index_meta): "" when unset
  std::string meta(const std::string& key) const;
  void set_meta(const std::string& key, const std::string& value);

  // The k best passages for free text `query` (stop words dropped, every other word ORed).
  // Safe to call from several threads at once. When `index build` has replaced the file since
  // it was opened (a new inode at the path), the search reopens it first, so a running server
  // answers from the rebuilt index without a restart.
  std::vector<SearchHit> search(const std::string& query, int k) const;
  IndexStats stats() const;
  // every passage whose source is `source`, in id order (score 0)
  std::vector<SearchHit> passages_of(const std::string& source) const;

  // for a bulk build: one transaction around many add()s, and the FTS merge at the end
  void begin_bulk();
  void end_bulk();
  const std::string& path() const { return path_; }

 private:
  void add_locked(const std::string& key, const std::vector<Passage>& passages, AddResult& r);
  void open(Open mode);
  void reopen_if_replaced() const;  // under search_mu_
  int64_t remove_locked(int64_t document_id);
  std::string path_;
  mutable sqlite3* db_ = nullptr;
  mutable uint64_t inode_ = 0;  // of the file db_ opened
  mutable std::mutex search_mu_;  // one connection, many server threads
  bool bulk_ = false;
};

// FTS5 query text for free text: each word (letters, digits, non-ASCII) quoted, stop words left
// out, joined with OR, at most 32 distinct words; "" when no word is left.
std::string fts_query(const std::string& text);

// whether Debian's SQLite has FTS5 compiled in (it does; the index needs it)
bool sqlite_has_fts5();

}  // namespace own
