// A small SQLite wrapper (statements, transactions, errors) for the project's databases: the
// store (serve/store*.cpp: conversations, ratings, keys) and the retrieval index (index/).
// Every failure is an SqlError naming the db path and what was being done (sql_fail); each user
// decides what that means to its caller. Statements are prepared per call unless kept.
#pragma once
#include <fmt/format.h>
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "core/check.h"

namespace own {

// The database failed while in use (I/O error, corruption, disk full, a lock held too long).
// `busy`: a lock; worth a retry.
struct SqlError : std::runtime_error {
  bool busy = false;
  SqlError(const std::string& message, bool busy_) : std::runtime_error(message), busy(busy_) {}
};

}  // namespace own

namespace own::sql {

inline int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// an SqlError naming the database file, what was being done and SQLite's message, with a hint
[[noreturn]] inline void sql_fail(sqlite3* db, const std::string& path, std::string_view what) {
  int code = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
  std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
  std::string hint;
  if (code == SQLITE_NOTADB) hint = " (not an SQLite database, or not the one expected here)";
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED) hint = " (another process holds a write lock for too long)";
  if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN) hint = " (check the path and its permissions)";
  if (code == SQLITE_CORRUPT) hint = " (the file is damaged)";
  throw SqlError(fmt::format("{}: {}: {}{}", path, what, msg, hint), code == SQLITE_BUSY || code == SQLITE_LOCKED);
}

// One prepared statement; binds are 1-based, columns 0-based, as in SQLite.
class Stmt {
 public:
  Stmt(sqlite3* db, const std::string& path, const char* sql) : db_(db), path_(path) {
    if (sqlite3_prepare_v2(db, sql, -1, &st_, nullptr) != SQLITE_OK) sql_fail(db_, path_, "prepare");
  }
  ~Stmt() { sqlite3_finalize(st_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::string_view v) {
    if (v.size() > static_cast<size_t>(std::numeric_limits<int>::max()))
      input_error("{}: a text of {} bytes is too long to store", path_, v.size());
    check(sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT));
    return *this;
  }
  Stmt& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  Stmt& bind(int i, int64_t v) {
    check(sqlite3_bind_int64(st_, i, v));
    return *this;
  }
  Stmt& bind(int i, int v) { return bind(i, static_cast<int64_t>(v)); }
  Stmt& bind(int i, double v) {
    check(sqlite3_bind_double(st_, i, v));
    return *this;
  }
  Stmt& bind_null(int i) {
    check(sqlite3_bind_null(st_, i));
    return *this;
  }
  Stmt& bind_or_null(int i, const std::string& v) { return v.empty() ? bind_null(i) : bind(i, v); }
  Stmt& bind_or_null(int i, const std::optional<int64_t>& v) { return v ? bind(i, *v) : bind_null(i); }

  // true: a row is ready; false: done
  bool step() {
    int rc = sqlite3_step(st_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sql_fail(db_, path_, "query");
  }
  void run() {
    while (step()) {
    }
  }
  // ready to bind and step again (bindings are kept until rebound)
  Stmt& reset() {
    sqlite3_reset(st_);
    return *this;
  }
  int changes() const { return sqlite3_changes(db_); }
  sqlite3_stmt* handle() const { return st_; }

  bool is_null(int c) const { return sqlite3_column_type(st_, c) == SQLITE_NULL; }
  int64_t int64(int c) const { return sqlite3_column_int64(st_, c); }
  double real(int c) const { return sqlite3_column_double(st_, c); }
  std::string text(int c) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, c));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, c))) : std::string();
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) sql_fail(db_, path_, "bind");
  }
  sqlite3* db_;
  const std::string& path_;
  sqlite3_stmt* st_ = nullptr;
};

// constant SQL only (no user data); errors name the statement's first line
inline void exec(sqlite3* db, const std::string& path, const char* sql) {
  if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) {
    std::string_view s(sql);
    s.remove_prefix(std::min(s.find_first_not_of('\n'), s.size()));
    sql_fail(db, path, s.substr(0, s.find('\n')));
  }
}

// A transaction rolled back unless commit() ran. `write`: BEGIN IMMEDIATE (take the write lock
// now, so a read-then-write never fails half way with SQLITE_BUSY); else a read snapshot.
class Tx {
 public:
  Tx(sqlite3* db, const std::string& path, bool write) : db_(db), path_(path) {
    exec(db_, path_, write ? "BEGIN IMMEDIATE" : "BEGIN");
  }
  ~Tx() {
    if (!done_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    exec(db_, path_, "COMMIT");
    done_ = true;
  }

 private:
  sqlite3* db_;
  const std::string& path_;
  bool done_ = false;
};

}  // namespace own::sql
