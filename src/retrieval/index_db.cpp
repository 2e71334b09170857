// See index_db.h. SQL text is constant; every value is a bound parameter. The FTS5 table has
// external content (the passages table), so its rows are added and deleted by hand beside it.
#include "retrieval/index_db.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <unordered_set>

#include "core/check.h"
#include "core/sql.h"
#include "data/clean.h"

namespace own {

using sql::Stmt;

namespace {

constexpr int kBusyTimeoutMs = 5000;
constexpr const char* kFormat = "ownchat-index";
constexpr const char* kFormatVersion = "1";

constexpr const char* kSchema = R"sql(
CREATE TABLE index_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE documents(
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  passages INTEGER NOT NULL DEFAULT 0,
  added_at INTEGER NOT NULL);
CREATE TABLE passages(
  id INTEGER PRIMARY KEY,
  hash INTEGER NOT NULL,
  source TEXT NOT NULL,
  title TEXT NOT NULL,
  position INTEGER NOT NULL,
  text TEXT NOT NULL);
CREATE INDEX passages_by_hash ON passages(hash);
CREATE TABLE refs(
  document_id INTEGER NOT NULL REFERENCES documents(id),
  passage_id INTEGER NOT NULL REFERENCES passages(id),
  title TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY(document_id, passage_id)) WITHOUT ROWID;
CREATE INDEX refs_by_passage ON refs(passage_id);
CREATE VIRTUAL TABLE passages_fts USING fts5(
  title, text, content='passages', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2');
)sql";

// Stop words: function words and the words questions are asked with. BM25 would weigh them
// little anyway; leaving them out keeps a search from scoring half the index.
const std::unordered_set<std::string>& stop_words() {
  static const std::unordered_set<std::string> words = {
      "a", "an", "the", "and", "or", "but", "if", "of", "to", "in", "on", "at", "by", "for", "with", "from", "as",
      "into", "about", "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has",
      "had", "it", "its", "this", "that", "these", "those", "there", "i", "me", "my", "you", "your", "we", "our",
      "he", "she", "his", "her", "they", "them", "their", "what", "which", "who", "whom", "whose", "when", "where",
      "why", "how", "can", "could", "would", "should", "will", "shall", "may", "might", "must", "not", "no", "so",
      "than", "then", "too", "very", "just", "also", "any", "some", "all", "please", "tell", "explain", "define",
      "definition", "meaning", "mean", "means", "word", "term", "say", "says", "said", "s", "t"};
  return words;
}

int64_t as_sql_int(uint64_t h) { return static_cast<int64_t>(h); }

// A search uses the first kMaxQueryWords distinct words of its query (a question has a few; an
// 8 MiB request body must not become a million-term OR); longer "words" are not words.
constexpr size_t kMaxQueryWords = 32, kMaxWordBytes = 64;

}  // namespace

bool sqlite_has_fts5() { return sqlite3_compileoption_used("ENABLE_FTS5") != 0; }

std::string fts_query(const std::string& text) {
  std::string q, word;
  std::unordered_set<std::string> seen;
  auto flush = [&] {
    if (!word.empty() && word.size() <= kMaxWordBytes && seen.size() < kMaxQueryWords && !stop_words().count(word) &&
        seen.insert(word).second) {
      if (!q.empty()) q += " OR ";
      q += '"' + word + '"';  // a word holds no quote, so quoting is exact
    }
    word.clear();
  };
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {
      word.push_back(static_cast<char>(std::tolower(u)));
    } else {
      flush();
    }
  }
  flush();
  return q;
}

namespace {

uint64_t inode_of(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_ino) : 0;
}

}  // namespace

IndexDb::IndexDb(const std::string& path, Open mode) : path_(path) { open(mode); }

void IndexDb::open(Open mode) {
  namespace fs = std::filesystem;
  const std::string& path = path_;
  if (!sqlite_has_fts5()) input_error("{}: this SQLite was built without FTS5, which the index needs", path);
  std::error_code ec;
  if (mode == Open::existing && !fs::is_regular_file(path, ec))
    input_error("{}: no index there; build one with `ownchat index build --run DIR`", path);
  if (mode == Open::create_fresh)
    for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(path + suffix, ec);
  // one connection; search_mu_ serialises the server threads that share it
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == Open::create_fresh ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    input_error("{}: cannot open the index: {}", path, msg);
  }
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  inode_ = inode_of(path);
  try {
    if (mode == Open::create_fresh) {
      sql::exec(db_, path_, kSchema);
      Stmt(db_, path_, "INSERT INTO index_meta(key, value) VALUES('format', ?1), ('version', ?2)")
          .bind(1, kFormat)
          .bind(2, kFormatVersion)
          .run();
      return;
    }
    Stmt q(db_, path_, "SELECT value FROM index_meta WHERE key = 'format'");
    if (!q.step() || q.text(0) != kFormat) input_error("{}: not an ownchat index", path_);
    Stmt v(db_, path_, "SELECT value FROM index_meta WHERE key = 'version'");
    const std::string version = v.step() ? v.text(0) : "(none)";
    if (version != kFormatVersion)
      input_error("{}: index format version {} is not the {} this ownchat reads; rebuild it with `ownchat index build`",
                  path_, version, kFormatVersion);
    sql::exec(db_, path_, "PRAGMA journal_mode=WAL");
  } catch (const SqlError& e) {
    sqlite3_close(db_);
    db_ = nullptr;
    input_error("{} (expected an index built by `ownchat index build`)", e.what());
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

void IndexDb::reopen_if_replaced() const {
  const uint64_t now = inode_of(path_);
  if (now == 0 || now == inode_ || bulk_) return;  // gone for a moment, unchanged, or our own build
  sqlite3* old = db_;
  db_ = nullptr;
  try {
    const_cast<IndexDb*>(this)->open(Open::existing);
    sqlite3_close(old);
    fmt::print(stderr, "ownchat: {} was rebuilt; searching the new index\n", path_);
  } catch (const InputError& e) {
    db_ = old;  // keep answering from the index we have
    inode_ = now;  // and do not retry on every search
    fmt::print(stderr, "ownchat: {} changed but cannot be opened ({}); keeping the index opened before\n", path_,
               e.what());
  }
}

IndexDb::~IndexDb() {
  if (db_) sqlite3_close(db_);
}

void IndexDb::begin_bulk() {
  sql::exec(db_, path_, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN");
  bulk_ = true;
}

void IndexDb::end_bulk() {
  sql::exec(db_, path_, "COMMIT");
  bulk_ = false;
  sql::exec(db_, path_, "INSERT INTO passages_fts(passages_fts) VALUES('optimize')");
  sql::exec(db_, path_, "PRAGMA synchronous=FULL; PRAGMA journal_mode=WAL");
}

AddResult IndexDb::add(const std::string& key, const std::vector<Passage>& passages) {
  AddResult r;
  if (bulk_) {
    add_locked(key, passages, r);
    return r;
  }
  sql::Tx tx(db_, path_, true);
  add_locked(key, passages, r);
  tx.commit();
  return r;
}

void IndexDb::add_locked(const std::string& key, const std::vector<Passage>& passages, AddResult& r) {
  {
    Stmt q(db_, path_, "SELECT id FROM documents WHERE key = ?1");
    if (q.bind(1, key).step()) {
      remove_locked(q.int64(0));
      r.replaced = true;
    }
  }
  Stmt(db_, path_, "INSERT INTO documents(key, added_at) VALUES(?1, ?2)").bind(1, key).bind(2, sql::now_s()).run();
  const int64_t doc = sqlite3_last_insert_rowid(db_);
  Stmt find(db_, path_, "SELECT id FROM passages WHERE hash = ?1 AND text = ?2");
  Stmt insert(db_, path_, "INSERT INTO passages(hash, source, title, position, text) VALUES(?1, ?2, ?3, ?4, ?5)");
  Stmt insert_fts(db_, path_, "INSERT INTO passages_fts(rowid, title, text) VALUES(?1, ?2, ?3)");
  Stmt ref(db_, path_, "INSERT OR IGNORE INTO refs(document_id, passage_id, title, position) VALUES(?1, ?2, ?3, ?4)");
  for (const Passage& p : passages) {
    const int64_t h = as_sql_int(text_hash(p.text));
    int64_t id = 0;
    if (find.reset().bind(1, h).bind(2, p.text).step()) {
      id = find.int64(0);
    } else {
      insert.reset().bind(1, h).bind(2, p.source).bind(3, p.title).bind(4, p.position).bind(5, p.text).run();
      id = sqlite3_last_insert_rowid(db_);
      insert_fts.reset().bind(1, id).bind(2, p.title).bind(3, p.text).run();
      ++r.new_passages;
    }
    ref.reset().bind(1, doc).bind(2, id).bind(3, p.title).bind(4, p.position).run();
    ++r.passages;
  }
  Stmt(db_, path_, "UPDATE documents SET passages = ?1 WHERE id = ?2").bind(1, r.passages).bind(2, doc).run();
}

// Drops the document's refs; a passage with no ref left is deleted, and one that another document
// still holds is re-labelled with that document's source, title and position.
int64_t IndexDb::remove_locked(int64_t document_id) {
  std::vector<int64_t> ids;
  {
    Stmt q(db_, path_, "SELECT passage_id FROM refs WHERE document_id = ?1");
    q.bind(1, document_id);
    while (q.step()) ids.push_back(q.int64(0));
  }
  Stmt(db_, path_, "DELETE FROM refs WHERE document_id = ?1").bind(1, document_id).run();
  Stmt old(db_, path_, "SELECT title, text, source FROM passages WHERE id = ?1");
  Stmt other(db_, path_,
             "SELECT d.key, r.title, r.position FROM refs r JOIN documents d ON d.id = r.document_id "
             "WHERE r.passage_id = ?1 ORDER BY r.document_id LIMIT 1");
  Stmt delete_fts(db_, path_, "INSERT INTO passages_fts(passages_fts, rowid, title, text) VALUES('delete', ?1, ?2, ?3)");
  Stmt insert_fts(db_, path_, "INSERT INTO passages_fts(rowid, title, text) VALUES(?1, ?2, ?3)");
  Stmt del(db_, path_, "DELETE FROM passages WHERE id = ?1");
  Stmt relabel(db_, path_, "UPDATE passages SET source = ?2, title = ?3, position = ?4 WHERE id = ?1");
  int64_t dropped = 0;
  for (int64_t id : ids) {
    if (!old.reset().bind(1, id).step()) continue;
    const std::string title = old.text(0), text = old.text(1);
    const bool kept = other.reset().bind(1, id).step();
    if (kept && title == other.text(1)) {  // the FTS row stays as it is
      relabel.reset().bind(1, id).bind(2, other.text(0)).bind(3, title).bind(4, other.int64(2)).run();
      continue;
    }
    delete_fts.reset().bind(1, id).bind(2, title).bind(3, text).run();
    if (kept) {
      relabel.reset().bind(1, id).bind(2, other.text(0)).bind(3, other.text(1)).bind(4, other.int64(2)).run();
      insert_fts.reset().bind(1, id).bind(2, other.text(1)).bind(3, text).run();
    } else {
      del.reset().bind(1, id).run();
      ++dropped;
    }
  }
  Stmt(db_, path_, "DELETE FROM documents WHERE id = ?1").bind(1, document_id).run();
  return dropped;
}

std::optional<int64_t> IndexDb::remove(const std::string& key) {
  sql::Tx tx(db_, path_, true);
  Stmt q(db_, path_, "SELECT id FROM documents WHERE key = ?1");
  if (!q.bind(1, key).step()) return std::nullopt;
  int64_t dropped = remove_locked(q.int64(0));
  tx.commit();
  return dropped;
}

std::string IndexDb::meta(const std::string& key) const {
  Stmt q(db_, path_, "SELECT value FROM index_meta WHERE key = ?1");
  return q.bind(1, key).step() ? q.text(0) : std::string();
}

void IndexDb::set_meta(const std::string& key, const std::string& value) {
  Stmt(db_, path_, "INSERT OR REPLACE INTO index_meta(key, value) VALUES(?1, ?2)").bind(1, key).bind(2, value).run();
}

std::vector<SearchHit> IndexDb::search(const std::string& query, int k) const {
  std::vector<SearchHit> hits;
  std::string match = fts_query(query);
  if (match.empty() || k <= 0) return hits;
  std::lock_guard lock(search_mu_);
  reopen_if_replaced();
  // title matches weigh 4x: a headword or a section heading names what the passage is about. The
  // best k are ranked inside FTS5 first; only they are joined to their text.
  Stmt q(db_, path_,
         "SELECT p.id, -r.rank, p.source, p.title, p.text, p.position FROM "
         "(SELECT rowid, bm25(passages_fts, 4.0, 1.0) AS rank FROM passages_fts WHERE passages_fts MATCH ?1 "
         "ORDER BY rank LIMIT ?2) r JOIN passages p ON p.id = r.rowid ORDER BY r.rank");
  q.bind(1, match).bind(2, k);
  while (q.step()) hits.push_back(SearchHit{q.int64(0), q.real(1), Passage{q.text(2), q.text(3), q.text(4), q.int64(5)}});
  return hits;
}

std::vector<SearchHit> IndexDb::passages_of(const std::string& source) const {
  std::vector<SearchHit> out;
  std::lock_guard lock(search_mu_);
  reopen_if_replaced();
  Stmt q(db_, path_, "SELECT id, source, title, text, position FROM passages WHERE source = ?1 ORDER BY id");
  q.bind(1, source);
  while (q.step()) out.push_back(SearchHit{q.int64(0), 0, Passage{q.text(1), q.text(2), q.text(3), q.int64(4)}});
  return out;
}

IndexStats IndexDb::stats() const {
  IndexStats s;
  std::lock_guard lock(search_mu_);
  reopen_if_replaced();
  Stmt d(db_, path_, "SELECT count(*) FROM documents");
  if (d.step()) s.documents = d.int64(0);
  Stmt p(db_, path_, "SELECT count(*), coalesce(sum(length(CAST(text AS BLOB))), 0) FROM passages");
  if (p.step()) {
    s.passages = p.int64(0);
    s.bytes = p.int64(1);
  }
  return s;
}

}  // namespace own
