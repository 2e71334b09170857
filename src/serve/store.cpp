// The SQLite store: see store.h for what it keeps and guarantees.
// SQL text is constant; every value a user supplies is a bound parameter. Statements are
// prepared per call (microseconds; the store is not a hot path). Writes that read first run in
// BEGIN IMMEDIATE so two processes (serve and `ownchat keys`) never deadlock upgrading a lock.
// Schema changes: bump kSchemaVersion and add a step to migrate(); never edit a shipped step.
#include "serve/store.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <limits>
#include <stdexcept>

#include "core/check.h"
#include "core/fileio.h"

namespace own {

namespace {

constexpr int kSchemaVersion = 1;
constexpr std::string_view kKeyStart = "sk-own-";
constexpr size_t kKeyRandomChars = 32;
constexpr size_t kKeyPrefixChars = 12;
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

constexpr const char* kMessageColumns =
    "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.model, m.checkpoint, m.sampling, "
    "m.prompt_tokens, m.completion_tokens, m.tokens_per_s, m.created_at";

int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

[[noreturn]] void sql_fail(sqlite3* db, const std::string& path, std::string_view what) {
  int code = db ? sqlite3_errcode(db) : SQLITE_NOMEM;
  std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
  std::string hint;
  if (code == SQLITE_NOTADB) hint = " (expected an ownchat SQLite database; give another --db or --run)";
  if (code == SQLITE_BUSY) hint = " (another process holds a write lock for too long)";
  if (code == SQLITE_READONLY || code == SQLITE_CANTOPEN) hint = " (check the path and its permissions)";
  input_error("{}: {}: {}{}", path, what, msg, hint);
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
  int changes() const { return sqlite3_changes(db_); }

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
void exec(sqlite3* db, const std::string& path, const char* sql) {
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

void random_bytes(unsigned char* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) throw std::runtime_error("OpenSSL RAND_bytes failed");
}

std::string hex(const unsigned char* p, size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string s(2 * n, '0');
  for (size_t i = 0; i < n; i++) {
    s[2 * i] = digits[p[i] >> 4];
    s[2 * i + 1] = digits[p[i] & 15];
  }
  return s;
}

std::string sha256_hex(std::string_view s) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(s.data(), s.size(), md, &n, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("OpenSSL SHA-256 failed");
  return hex(md, n);
}

// 122 random bits in the UUID v4 layout
std::string new_id() {
  unsigned char b[16];
  random_bytes(b, sizeof(b));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string h = hex(b, sizeof(b));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

// sk-own- + 32 base62 characters (~190 bits); bytes >= 248 are redrawn so each is uniform
std::string new_key() {
  static constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string key(kKeyStart);
  while (key.size() < kKeyStart.size() + kKeyRandomChars) {
    unsigned char buf[64];
    random_bytes(buf, sizeof(buf));
    for (unsigned char c : buf)
      if (c < 248 && key.size() < kKeyStart.size() + kKeyRandomChars) key += alphabet[c % 62];
  }
  return key;
}

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

// for LIKE ... ESCAPE '\': the text matches literally anywhere
std::string like_contains(std::string_view s) {
  std::string p = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

ApiKeyInfo read_key(const Stmt& q) {  // id, name, prefix, created_at, revoked_at
  ApiKeyInfo k{q.int64(0), q.text(1), q.text(2), q.int64(3), std::nullopt};
  if (!q.is_null(4)) k.revoked_at = q.int64(4);
  return k;
}

constexpr const char* kConversationColumns = "id, title, system_prompt, model, created_at, updated_at";
ConversationInfo read_conversation(const Stmt& q) {
  return ConversationInfo{q.text(0), q.text(1), q.text(2), q.text(3), q.int64(4), q.int64(5)};
}

Message read_message(const Stmt& q, const std::string& path) {  // kMessageColumns
  Message m;
  m.id = q.text(0);
  m.conversation_id = q.text(1);
  m.parent_id = q.text(2);
  m.role = q.text(3);
  m.content = q.text(4);
  m.model = q.text(5);
  m.checkpoint = q.text(6);
  if (!q.is_null(7)) {
    m.sampling = nlohmann::json::parse(q.text(7), nullptr, false);
    if (m.sampling.is_discarded()) input_error("{}: message {}: the stored sampling settings are not JSON", path, m.id);
  }
  m.prompt_tokens = q.int64(8);
  m.completion_tokens = q.int64(9);
  m.tokens_per_s = q.real(10);
  m.created_at = q.int64(11);
  return m;
}

constexpr const char* kRatingColumns = "r.message_id, r.rating, r.reason, r.comment, r.created_at, r.updated_at";
Rating read_rating(const Stmt& q) {
  return Rating{q.text(0), static_cast<int>(q.int64(1)), q.text(2), q.text(3), q.int64(4), q.int64(5)};
}

// invalid UTF-8 in user text becomes U+FFFD instead of a throw
std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string utc_minutes(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm);
  return buf;
}

}  // namespace

// ---- JSON ----

void to_json(nlohmann::json& j, const ApiKeyInfo& k) {
  j = {{"id", k.id}, {"name", k.name}, {"prefix", k.prefix}, {"created_at", k.created_at}, {"revoked_at", nullptr}};
  if (k.revoked_at) j["revoked_at"] = *k.revoked_at;
}

void to_json(nlohmann::json& j, const ConversationInfo& c) {
  j = {{"id", c.id},           {"title", c.title},           {"system_prompt", c.system_prompt},
       {"model", c.model},     {"created_at", c.created_at}, {"updated_at", c.updated_at}};
}

void to_json(nlohmann::json& j, const Message& m) {
  j = {{"id", m.id},
       {"conversation_id", m.conversation_id},
       {"parent_id", m.parent_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(m.parent_id)},
       {"role", m.role},
       {"content", m.content},
       {"model", m.model},
       {"checkpoint", m.checkpoint},
       {"sampling", m.sampling},
       {"prompt_tokens", m.prompt_tokens},
       {"completion_tokens", m.completion_tokens},
       {"tokens_per_s", m.tokens_per_s},
       {"created_at", m.created_at}};
}

void to_json(nlohmann::json& j, const Rating& r) {
  j = {{"message_id", r.message_id}, {"rating", r.rating},         {"reason", r.reason},
       {"comment", r.comment},       {"created_at", r.created_at}, {"updated_at", r.updated_at}};
}

void to_json(nlohmann::json& j, const ConversationTree& t) {
  j = t.info;
  j["messages"] = t.messages;
  j["ratings"] = t.ratings;
}

void to_json(nlohmann::json& j, const FeedbackStats& s) {
  j = {{"ratings", s.ratings}, {"up", s.up}, {"down", s.down}, {"pairs", s.pairs}};
}

void to_json(nlohmann::json& j, const PreferencePair& p) {
  nlohmann::json prompt = nlohmann::json::array();
  for (const auto& m : p.prompt) prompt.push_back({{"role", m.role}, {"content", m.content}});
  j = {{"prompt", std::move(prompt)},
       {"chosen", {{{"role", "assistant"}, {"content", p.chosen}}}},
       {"rejected", {{{"role", "assistant"}, {"content", p.rejected}}}},
       {"chosen_model", p.chosen_model},
       {"rejected_model", p.rejected_model},
       {"conversation_id", p.conversation_id},
       {"chosen_id", p.chosen_id},
       {"rejected_id", p.rejected_id}};
}

// ---- opening ----

std::string Store::default_path(const std::string& run_dir, const std::string& db) {
  return db.empty() ? (std::filesystem::path(run_dir) / "ownchat.db").string() : db;
}

Store::Store(const std::string& path, Open mode) : path_(path) {
  std::error_code ec;
  if (mode == Open::existing && !std::filesystem::exists(path, ec))
    input_error("{}: no such database (`ownchat serve` creates it; check --run or --db)", path);
  if (mode == Open::create) {
    std::filesystem::path parent = std::filesystem::path(path).parent_path();
    if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec)
      input_error("{}: cannot create directory {}: {}", path, parent.string(), ec.message());
  }
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (mode == Open::create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    input_error("{}: cannot open database: {} (check the path and its permissions)", path, msg);
  }
  try {
    exec(db_, path_, fmt::format("PRAGMA busy_timeout = {}", kBusyTimeoutMs).c_str());
    exec(db_, path_, "PRAGMA journal_mode = WAL");  // the first read of the file: NOTADB shows here
    exec(db_, path_, "PRAGMA synchronous = FULL");  // WAL + FULL: a commit is fsynced before it returns
    exec(db_, path_, "PRAGMA foreign_keys = ON");
    migrate();
  } catch (...) {
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

Store::~Store() { sqlite3_close(db_); }

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
  }
  tx.commit();
}

// ---- API keys ----

std::string Store::create_key(const std::string& name) {
  std::string key = new_key();
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "INSERT INTO api_keys(name, prefix, hash, created_at) VALUES(?, ?, ?, ?)");
  q.bind(1, name).bind(2, key.substr(0, kKeyPrefixChars)).bind(3, sha256_hex(key)).bind(4, now_s()).run();
  return key;
}

std::vector<ApiKeyInfo> Store::list_keys() {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "SELECT id, name, prefix, created_at, revoked_at FROM api_keys ORDER BY id");
  std::vector<ApiKeyInfo> keys;
  while (q.step()) keys.push_back(read_key(q));
  return keys;
}

bool Store::revoke_key(const std::string& id_or_prefix) {
  const std::string& s = id_or_prefix;
  if (s.empty()) input_error("revoke: give a key id or prefix (see `ownchat keys list`)");
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, true);
  const bool whole_key = s.size() == kKeyStart.size() + kKeyRandomChars && s.starts_with(kKeyStart);
  const char* match = all_digits(s) ? "id = CAST(?1 AS INTEGER)"
                      : whole_key   ? "hash = ?1"
                                    : "substr(prefix, 1, length(?1)) = ?1";
  Stmt q(db_, path_,
         fmt::format("SELECT id, name, prefix, created_at, revoked_at FROM api_keys "
                     "WHERE revoked_at IS NULL AND {} ORDER BY id",
                     match)
             .c_str());
  q.bind(1, whole_key ? sha256_hex(s) : s);
  std::vector<ApiKeyInfo> matches;
  while (q.step()) matches.push_back(read_key(q));
  if (matches.empty()) return false;
  if (matches.size() > 1) {
    std::string list;
    for (const auto& k : matches) list += fmt::format("{}id {} ({})", list.empty() ? "" : ", ", k.id, k.prefix);
    input_error("\"{}\" matches {} active keys: {}; give the id", s, matches.size(), list);
  }
  Stmt u(db_, path_, "UPDATE api_keys SET revoked_at = ? WHERE id = ?");
  u.bind(1, now_s()).bind(2, matches[0].id).run();
  tx.commit();
  return true;
}

bool Store::check_key(const std::string& plain) {
  // Looking up by hash leaks nothing usable through timing (an attacker does not choose the
  // hash's bytes); the final compare is constant-time anyway.
  std::string h = sha256_hex(plain);
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "SELECT hash FROM api_keys WHERE hash = ? AND revoked_at IS NULL");
  q.bind(1, h);
  if (!q.step()) return false;
  std::string found = q.text(0);
  return found.size() == h.size() && CRYPTO_memcmp(found.data(), h.data(), h.size()) == 0;
}

bool Store::has_keys() {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "SELECT EXISTS(SELECT 1 FROM api_keys)");
  q.step();
  return q.int64(0) != 0;
}

// ---- conversations ----

ConversationInfo Store::create_conversation(const std::string& title, const std::string& system_prompt,
                                            const std::string& model) {
  int64_t t = now_s();
  ConversationInfo c{new_id(), title, system_prompt, model, t, t};
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         "INSERT INTO conversations(id, title, system_prompt, model, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?)");
  q.bind(1, c.id).bind(2, c.title).bind(3, c.system_prompt).bind(4, c.model).bind(5, t).bind(6, t).run();
  return c;
}

bool Store::rename_conversation(const std::string& id, const std::string& title) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "UPDATE conversations SET title = ?, updated_at = ? WHERE id = ?");
  q.bind(1, title).bind(2, now_s()).bind(3, id).run();
  return q.changes() > 0;
}

bool Store::delete_conversation(const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "DELETE FROM conversations WHERE id = ?");
  q.bind(1, id).run();
  return q.changes() > 0;
}

std::vector<ConversationInfo> Store::list_conversations(const std::string& search, int64_t limit, int64_t offset) {
  if (limit < 0 || offset < 0)
    input_error("conversations: limit and offset must be >= 0 (got {} and {})", limit, offset);
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         "SELECT id, title, system_prompt, model, created_at, updated_at FROM conversations c "
         "WHERE ?1 = '' OR c.title LIKE ?2 ESCAPE '\\' OR EXISTS("
         "  SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.content LIKE ?2 ESCAPE '\\') "
         "ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ?3 OFFSET ?4");
  q.bind(1, search).bind(2, like_contains(search)).bind(3, limit).bind(4, offset);
  std::vector<ConversationInfo> out;
  while (q.step()) out.push_back(read_conversation(q));
  return out;
}

std::optional<ConversationInfo> Store::conversation_info_locked(const std::string& id) {
  Stmt q(db_, path_, "SELECT id, title, system_prompt, model, created_at, updated_at FROM conversations WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_conversation(q);
}

std::optional<ConversationInfo> Store::get_conversation_info(const std::string& id) {
  std::lock_guard lock(mu_);
  return conversation_info_locked(id);
}

std::optional<ConversationTree> Store::get_conversation(const std::string& id) {
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, false);  // one snapshot for the three reads
  std::optional<ConversationInfo> info = conversation_info_locked(id);
  if (!info) return std::nullopt;
  ConversationTree t{*info, {}, {}};
  {
    Stmt q(db_, path_,
           fmt::format("SELECT {} FROM messages m WHERE m.conversation_id = ? ORDER BY m.created_at, m.rowid",
                       kMessageColumns)
               .c_str());
    q.bind(1, id);
    while (q.step()) t.messages.push_back(read_message(q, path_));
  }
  {
    Stmt q(db_, path_,
           fmt::format("SELECT {} FROM ratings r JOIN messages m ON m.id = r.message_id "
                       "WHERE m.conversation_id = ? ORDER BY m.created_at, m.rowid",
                       kRatingColumns)
               .c_str());
    q.bind(1, id);
    while (q.step()) t.ratings.push_back(read_rating(q));
  }
  tx.commit();
  return t;
}

// ---- messages ----

std::string Store::add_message(const Message& m) {
  if (!is_chat_role(m.role))
    input_error("message role must be \"system\", \"user\" or \"assistant\", got \"{}\"", m.role);
  if (!m.sampling.is_null() && !m.sampling.is_object())
    input_error("message sampling settings must be a JSON object or null, got {}", m.sampling.type_name());
  std::string id = new_id();
  int64_t t = now_s();
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, true);
  if (!conversation_info_locked(m.conversation_id)) input_error("no conversation \"{}\"", m.conversation_id);
  if (!m.parent_id.empty()) {
    Stmt q(db_, path_, "SELECT conversation_id FROM messages WHERE id = ?");
    q.bind(1, m.parent_id);
    if (!q.step()) input_error("parent message \"{}\" does not exist", m.parent_id);
    if (q.text(0) != m.conversation_id)
      input_error("parent message \"{}\" belongs to conversation \"{}\", not \"{}\"", m.parent_id, q.text(0),
                  m.conversation_id);
  }
  Stmt q(db_, path_,
         "INSERT INTO messages(id, conversation_id, parent_id, role, content, model, checkpoint, sampling, "
         "prompt_tokens, completion_tokens, tokens_per_s, created_at) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, id).bind(2, m.conversation_id).bind_or_null(3, m.parent_id).bind(4, m.role).bind(5, m.content);
  q.bind(6, m.model).bind(7, m.checkpoint);
  if (m.sampling.is_null())
    q.bind_null(8);
  else
    q.bind(8, dump_json(m.sampling));
  q.bind(9, m.prompt_tokens).bind(10, m.completion_tokens).bind(11, m.tokens_per_s).bind(12, t).run();
  Stmt u(db_, path_, "UPDATE conversations SET updated_at = ? WHERE id = ?");
  u.bind(1, t).bind(2, m.conversation_id).run();
  tx.commit();
  return id;
}

std::optional<Message> Store::get_message(const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, fmt::format("SELECT {} FROM messages m WHERE m.id = ?", kMessageColumns).c_str());
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_message(q, path_);
}

std::vector<Message> Store::path_to_locked(const std::string& message_id) {
  // parents are inserted before their children and never change, so the walk cannot cycle
  Stmt q(db_, path_,
         fmt::format("WITH RECURSIVE up(id, depth) AS ("
                     "  SELECT id, 0 FROM messages WHERE id = ?"
                     "  UNION ALL SELECT p.parent_id, up.depth + 1 FROM messages p JOIN up ON p.id = up.id"
                     "  WHERE p.parent_id IS NOT NULL) "
                     "SELECT {} FROM up JOIN messages m ON m.id = up.id ORDER BY up.depth DESC",
                     kMessageColumns)
             .c_str());
  q.bind(1, message_id);
  std::vector<Message> path;
  while (q.step()) path.push_back(read_message(q, path_));
  return path;
}

std::vector<Message> Store::path_to(const std::string& message_id) {
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, false);
  std::vector<Message> path = path_to_locked(message_id);
  tx.commit();
  return path;
}

// ---- ratings ----

Rating Store::rate(const std::string& message_id, int rating, const std::string& reason, const std::string& comment) {
  if (rating != 1 && rating != -1) input_error("a rating is +1 or -1, got {}", rating);
  int64_t t = now_s();
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, true);
  {
    Stmt q(db_, path_, "SELECT role FROM messages WHERE id = ?");
    q.bind(1, message_id);
    if (!q.step()) input_error("no message \"{}\" to rate", message_id);
    if (q.text(0) != "assistant")
      input_error("message \"{}\" is a {} message; only assistant answers can be rated", message_id, q.text(0));
  }
  Stmt q(db_, path_,
         "INSERT INTO ratings(message_id, rating, reason, comment, created_at, updated_at) VALUES(?, ?, ?, ?, ?, ?) "
         "ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, reason = excluded.reason, "
         "comment = excluded.comment, updated_at = excluded.updated_at");
  q.bind(1, message_id).bind(2, rating).bind(3, reason).bind(4, comment).bind(5, t).bind(6, t).run();
  Stmt r(db_, path_, fmt::format("SELECT {} FROM ratings r WHERE r.message_id = ?", kRatingColumns).c_str());
  r.bind(1, message_id);
  OWN_CHECK(r.step(), "rating of {} missing right after writing it", message_id);
  Rating out = read_rating(r);
  tx.commit();
  return out;
}

bool Store::clear_rating(const std::string& message_id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "DELETE FROM ratings WHERE message_id = ?");
  q.bind(1, message_id).run();
  return q.changes() > 0;
}

std::optional<Rating> Store::get_rating(const std::string& message_id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, fmt::format("SELECT {} FROM ratings r WHERE r.message_id = ?", kRatingColumns).c_str());
  q.bind(1, message_id);
  if (!q.step()) return std::nullopt;
  return read_rating(q);
}

FeedbackStats Store::feedback_stats() {
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, false);
  FeedbackStats s;
  {
    Stmt q(db_, path_, "SELECT count(*), coalesce(sum(rating = 1), 0), coalesce(sum(rating = -1), 0) FROM ratings");
    q.step();
    s = FeedbackStats{q.int64(0), q.int64(1), q.int64(2), 0};
  }
  Stmt q(db_, path_,
         "SELECT coalesce(sum(up * down), 0) FROM ("
         "  SELECT sum(r.rating = 1) AS up, sum(r.rating = -1) AS down FROM ratings r"
         "  JOIN messages m ON m.id = r.message_id"
         "  WHERE m.role = 'assistant' AND m.parent_id IS NOT NULL GROUP BY m.parent_id)");
  q.step();
  s.pairs = q.int64(0);
  tx.commit();
  return s;
}

std::vector<PreferencePair> Store::preference_pairs() {
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, false);
  std::vector<std::string> parents;  // with at least one up and one down answer
  {
    Stmt q(db_, path_,
           "SELECT p.id FROM ratings r JOIN messages m ON m.id = r.message_id JOIN messages p ON p.id = m.parent_id "
           "JOIN conversations c ON c.id = p.conversation_id WHERE m.role = 'assistant' GROUP BY p.id "
           "HAVING sum(r.rating = 1) > 0 AND sum(r.rating = -1) > 0 "
           "ORDER BY c.created_at, c.rowid, p.created_at, p.rowid");
    while (q.step()) parents.push_back(q.text(0));
  }
  struct Answer {
    std::string id, content, model;
  };
  std::vector<PreferencePair> pairs;
  for (const std::string& parent : parents) {
    std::vector<Message> path = path_to_locked(parent);
    OWN_CHECK(!path.empty(), "message {} vanished inside a read transaction", parent);
    std::optional<ConversationInfo> conv = conversation_info_locked(path.back().conversation_id);
    OWN_CHECK(conv.has_value(), "conversation {} of message {} missing", path.back().conversation_id, parent);
    std::vector<ChatMessage> prompt;
    if (!conv->system_prompt.empty()) prompt.push_back({"system", conv->system_prompt});
    for (const Message& m : path) prompt.push_back({m.role, m.content});

    std::vector<Answer> up, down;
    Stmt q(db_, path_,
           "SELECT m.id, m.content, m.model, r.rating FROM messages m JOIN ratings r ON r.message_id = m.id "
           "WHERE m.parent_id = ? AND m.role = 'assistant' ORDER BY m.created_at, m.rowid");
    q.bind(1, parent);
    while (q.step()) (q.int64(3) > 0 ? up : down).push_back(Answer{q.text(0), q.text(1), q.text(2)});
    for (const Answer& u : up)
      for (const Answer& d : down)
        pairs.push_back(PreferencePair{prompt, u.content, d.content, u.id, d.id, u.model, d.model, conv->id});
  }
  tx.commit();
  return pairs;
}

// ---- files and the CLI's views ----

void write_preference_jsonl(const std::string& path, const std::vector<PreferencePair>& pairs) {
  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  std::error_code ec;
  if (!parent.empty() && !std::filesystem::create_directories(parent, ec) && ec)
    input_error("{}: cannot create directory {}: {}", path, parent.string(), ec.message());
  write_file_atomic(path, [&](FileSink& sink) {
    for (const PreferencePair& p : pairs) {
      sink.write(dump_json(p));
      sink.write("\n");
    }
  });
}

std::string api_keys_table(const std::vector<ApiKeyInfo>& keys) {
  if (keys.empty()) return "no API keys; create one with `ownchat keys create --name NAME`\n";
  static constexpr char row[] = "{:>4}  {:<20}  {:<12}  {:<16}  {}\n";
  std::string out = fmt::format(row, "id", "name", "prefix", "created (UTC)", "status");
  for (const ApiKeyInfo& k : keys)
    out += fmt::format(row, k.id, k.name, k.prefix, utc_minutes(k.created_at),
                       k.revoked_at ? "revoked " + utc_minutes(*k.revoked_at) : std::string("active"));
  return out;
}

FeedbackExport feedback_export(const FeedbackExportOptions& o) {
  const std::string db = Store::default_path(o.run_dir, o.db);
  Store store(db, Store::Open::existing);
  std::vector<PreferencePair> pairs = store.preference_pairs();
  FeedbackExport e;
  e.stats = store.feedback_stats();
  e.stats.pairs = static_cast<int64_t>(pairs.size());  // what was written, even if serve rated meanwhile
  e.out = o.out.empty() ? (std::filesystem::path(db).parent_path() / "data" / "feedback" / "pairs.jsonl").string()
                        : o.out;
  write_preference_jsonl(e.out, pairs);
  return e;
}

}  // namespace own
