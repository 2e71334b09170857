// Opening the store: the checks before the first write (guard file, quick_check, what the file
// holds against the guard), then WAL mode, the schema and its migrations. See Store's constructor
// in store.h for what is refused. Schema changes: bump kSchemaVersion and add a step to migrate();
// never edit a shipped step.
#include <sqlite3.h>

#include <cstdio>
#include <filesystem>

#include "core/check.h"
#include "core/run_dir.h"
#include "serve/store.h"
#include "serve/store_guard.h"
#include "serve/store_ids.h"
#include "serve/store_sql.h"

namespace own {

using namespace store_sql;

namespace {

constexpr int kSchemaVersion = 3;

constexpr int kBusyTimeoutMs = 5000;
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE api_keys(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  prefix TEXT NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  revoked_at INTEGER NULL);
CREATE TABLE conversations(
  id TEXT PRIMARY KEY,
  title TEXT NOT NULL,
  system_prompt TEXT NOT NULL,
  model TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE messages(
  id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  parent_id TEXT NULL REFERENCES messages(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK(role IN ('system', 'user', 'assistant')),
  content TEXT NOT NULL,
  model TEXT NOT NULL,
  checkpoint TEXT NOT NULL,
  sampling TEXT NULL,
  prompt_tokens INTEGER NOT NULL,
  completion_tokens INTEGER NOT NULL,
  tokens_per_s REAL NOT NULL,
  created_at INTEGER NOT NULL);
CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at);
CREATE INDEX messages_by_parent ON messages(parent_id);
CREATE TABLE ratings(
  message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  rating INTEGER NOT NULL CHECK(rating IN (-1, 1)),
  reason TEXT NOT NULL,
  comment TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
PRAGMA user_version = 1;
)sql";

// v2: owners (NULL: made before keys, by the operator or in single-user mode; admin keys only),
// admin keys, and the db_id the guard file names. Existing keys stay non-admin.
constexpr const char* kSchemaV2 = R"sql(
ALTER TABLE api_keys ADD COLUMN admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN owner_key_id INTEGER NULL REFERENCES api_keys(id);
ALTER TABLE ratings ADD COLUMN owner_key_id INTEGER NULL REFERENCES api_keys(id);
CREATE INDEX conversations_by_owner ON conversations(owner_key_id, updated_at);
CREATE TABLE store_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
PRAGMA user_version = 2;
)sql";

// v3: the passages an answer was given (the chat completion's `citations`), a JSON array or NULL
constexpr const char* kSchemaV3 = R"sql(
ALTER TABLE messages ADD COLUMN citations TEXT NULL;
PRAGMA user_version = 3;
)sql";

}  // namespace

Store::Store(const std::string& path, Open mode, bool accept_loss) : path_(path) {
  try {
    open_checked(mode, accept_loss);
  } catch (const StoreError& e) {  // at open, a database failure is a bad file to name
    sqlite3_close(db_);
    db_ = nullptr;
    throw InputError(e.what());
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() { sqlite3_close(db_); }

std::string Store::default_path(const std::string& run_dir, const std::string& db) {
  return db.empty() ? RunDir(run_dir).store().string() : db;
}

namespace {

std::string accept_loss_command(const std::string& path) { return fmt::format("`ownchat db accept-loss --db {}`", path); }

// the database is gone or not the one its guard describes, and that one held API keys
[[noreturn]] void refuse_lost_keys(const std::string& path, const std::string& loss, const StoreFound& found) {
  input_error("{}: this database {}, but its guard file {} says it held API keys: starting without them would open "
              "the server to everyone, and its conversations are not here. Nothing was changed. To recover, put "
              "the database back (restore {} from a backup, with its -wal file if it had one; or move it back if "
              "it was moved aside). To accept the loss and start with {}, run {}.",
              path, loss, store_guard_path(path), path,
              found.exists && !found.empty ? "the database now at this path" : "a new, empty database",
              accept_loss_command(path));
}

// before SQLite touches the path: a missing database that should be there, a leftover -wal, and
// the parent directories of a new one
void check_before_open(const std::string& path, Store::Open mode, bool accept_loss, const std::optional<StoreGuard>& guard,
                       const StoreFound& found, bool zero_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!found.exists && mode == Store::Open::existing)
    input_error("{}: no such database (`ownchat serve` creates it; check --run or --db){}", path,
                guard ? fmt::format(". Its guard file {} says it existed: restore it, or accept the loss with {}",
                                    store_guard_path(path), accept_loss_command(path))
                      : "");
  if (!found.exists && guard && guard->had_keys && !accept_loss) refuse_lost_keys(path, "was deleted", found);
  if (zero_bytes && fs::exists(path + "-wal", ec) && fs::file_size(path + "-wal", ec) > 0)
    input_error("{}: the database is {} but its write-ahead log {}-wal is still there: it belongs to the lost "
                "database and would be replayed into a new one. Move {}-wal and {}-shm aside (or restore the "
                "database that goes with them).",
                path, found.exists ? "empty" : "missing", path, path, path);
  if (mode == Store::Open::create) {
    fs::path parent = fs::path(path).parent_path();
    if (!parent.empty() && !fs::create_directories(parent, ec) && ec)
      input_error("{}: cannot create directory {}: {}", path, parent.string(), ec.message());
  }
}

int64_t query_int(sqlite3* db, const std::string& path, const char* sql) {
  Stmt q(db, path, sql);
  q.step();
  return q.int64(0);
}

// what the file holds, read only; InputError for a newer schema or a SQLite file not ownchat's
void read_found(sqlite3* db, const std::string& path, StoreFound& found) {
  const int64_t version = query_int(db, path, "PRAGMA user_version");
  const int64_t tables = query_int(db, path, "SELECT count(*) FROM sqlite_master");
  if (version > kSchemaVersion)
    input_error("{}: database schema version {} is newer than this ownchat's ({}); use a newer ownchat", path, version,
                kSchemaVersion);
  if (version == 0 && tables > 0)
    input_error("{}: a SQLite database, but not ownchat's (it has tables and no ownchat schema version); "
                "give another --db",
                path);
  found.empty = tables == 0;
  if (version >= 2) {
    Stmt q(db, path, "SELECT value FROM store_meta WHERE key = 'db_id'");
    if (q.step()) found.db_id = q.text(0);
  }
  if (version >= 1) found.has_keys = query_int(db, path, "SELECT EXISTS(SELECT 1 FROM api_keys)") != 0;
}

}  // namespace

// Checks before the first write: the guard (a deleted db), the file (quick_check), what it holds
// against the guard; only then WAL mode, the schema and the guard are written.
void Store::open_checked(Open mode, bool accept_loss) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::is_directory(path_, ec)) input_error("{}: cannot open database: it is a directory; give a file", path_);
  std::optional<StoreGuard> guard;
  bool guard_unreadable = false;  // only when accepting: then it is rewritten
  try {
    guard = read_store_guard(path_);
  } catch (const InputError&) {
    if (!accept_loss) throw;
    guard_unreadable = true;
  }
  StoreFound found;
  found.exists = fs::exists(path_, ec);
  const bool zero_bytes = !found.exists || fs::file_size(path_, ec) == 0;
  check_before_open(path_, mode, accept_loss, guard, found, zero_bytes);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == Open::create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path_.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    input_error("{}: cannot open database: {} (check the path and its permissions)", path_, msg);
  }
  exec(db_, path_, fmt::format("PRAGMA busy_timeout = {}", kBusyTimeoutMs).c_str());
  if (!zero_bytes) quick_check(guard.has_value());
  read_found(db_, path_, found);
  const std::string loss = guard ? store_guard_loss(*guard, found) : "";
  loss_at_open_ = guard_unreadable ? "had an unreadable guard file" : loss;
  if (!loss.empty() && guard->had_keys && !accept_loss) refuse_lost_keys(path_, loss, found);
  if (!loss.empty())
    fmt::print(stderr, "ownchat: warning: {} {} since its guard file {} was written; what it held is not here. {} with {}.\n",
               path_, loss, store_guard_path(path_), accept_loss ? "Accepted: going on" : "Going on",
               found.empty ? "a new, empty database" : "the database now at this path");

  exec(db_, path_, "PRAGMA journal_mode = WAL");
  exec(db_, path_, "PRAGMA synchronous = FULL");  // WAL + FULL: a commit is fsynced before it returns
  exec(db_, path_, "PRAGMA foreign_keys = ON");
  migrate();
  {
    Stmt q(db_, path_, "SELECT value FROM store_meta WHERE key = 'db_id'");
    OWN_CHECK(q.step(), "{}: no db_id after the schema migration", path_);
    db_id_ = q.text(0);
  }
  const bool has_keys = this->has_keys();
  if (!guard || !loss.empty() || guard->db_id != db_id_ || (has_keys && !guard->had_keys)) {  // or unreadable
    write_store_guard(path_, StoreGuard{db_id_, has_keys, now_s()});
    guard_keys_ = has_keys;
  } else {
    guard_keys_ = guard->had_keys;
  }
}

void Store::quick_check(bool guarded) {
  std::vector<std::string> problems;
  sqlite3_stmt* st = nullptr;
  int rc = sqlite3_prepare_v2(db_, "PRAGMA quick_check(10)", -1, &st, nullptr);
  while (rc == SQLITE_OK || rc == SQLITE_ROW) {
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) problems.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
  }
  const int code = sqlite3_errcode(db_) & 0xff;
  const std::string msg = sqlite3_errmsg(db_);
  sqlite3_finalize(st);
  if (rc == SQLITE_DONE && problems.size() == 1 && problems[0] == "ok") return;
  if (rc != SQLITE_DONE) {
    if ((code == SQLITE_NOTADB && !guarded) || (code != SQLITE_NOTADB && code != SQLITE_CORRUPT)) {
      std::string hint = code == SQLITE_NOTADB ? " (expected an ownchat SQLite database; give another --db or --run)"
                         : code == SQLITE_BUSY ? " (another process holds a lock on it for too long)"
                                               : " (check the path and its permissions)";
      input_error("{}: cannot read the database: {}{}", path_, msg, hint);
    }
    problems = {msg};
  }
  std::string list;
  for (const std::string& p : problems) {
    if (!list.empty()) list += "; ";
    list += p;
  }
  input_error("{}: the database is corrupt; SQLite's quick_check reports: {}. ownchat will not use it and changed "
              "nothing. To recover: stop every ownchat that uses it and copy {} (with {}-wal if present) somewhere "
              "safe. Then either salvage what is readable, `sqlite3 {} .recover | sqlite3 {}.recovered`, check it, "
              "and move {}.recovered to {} (removing the old -wal and -shm files); or move the damaged files aside "
              "and restore a backup. To start over without its data, move them aside and run `ownchat db "
              "accept-loss --db {}`.",
              path_, list, path_, path_, path_, path_, path_, path_, path_);
}

std::string Store::integrity_check() {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "PRAGMA integrity_check");
  std::string out;
  while (q.step()) {
    if (!out.empty()) out += '\n';
    out += q.text(0);
  }
  return out;
}

void Store::migrate() {
  auto version = [&] {
    Stmt q(db_, path_, "PRAGMA user_version");
    q.step();
    return q.int64(0);
  };
  if (version() == kSchemaVersion) return;
  Tx tx(db_, path_, true);  // another process may be migrating too: decide under the write lock
  int64_t v = version();
  if (v > kSchemaVersion)
    input_error("{}: database schema version {} is newer than this ownchat's ({}); use a newer ownchat", path_, v,
                kSchemaVersion);
  if (v == 0) {
    Stmt q(db_, path_, "SELECT count(*) FROM sqlite_master");
    q.step();
    if (q.int64(0) > 0)
      input_error("{}: a SQLite database, but not ownchat's (it has tables and no ownchat schema version); "
                  "give another --db",
                  path_);
    exec(db_, path_, kSchemaV1);
    v = 1;
  }
  if (v == 1) {
    exec(db_, path_, kSchemaV2);
    Stmt q(db_, path_, "INSERT INTO store_meta(key, value) VALUES('db_id', ?)");
    q.bind(1, random_uuid()).run();
    v = 2;
  }
  if (v == 2) exec(db_, path_, kSchemaV3);
  tx.commit();
}

}  // namespace own
