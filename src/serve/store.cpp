// The SQLite store: see store.h for what it keeps and guarantees.
// SQL text is constant; every value a user supplies is a bound parameter. Statements are
// prepared per call (microseconds; the store is not a hot path). Writes that read first run in
// BEGIN IMMEDIATE so two processes (serve and `ownchat keys`) never deadlock upgrading a lock.
// Opening, checking and migrating the file: store_open.cpp; the SQL helpers: store_sql.h.
// Ownership: "visible" SQL (kVisible) names the conversation `c` and binds the scope as ?98, ?99.
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
#include "serve/store_guard.h"
#include "serve/store_sql.h"

namespace own {

using namespace store_sql;

namespace {

constexpr std::string_view kKeyStart = "sk-own-";
constexpr size_t kKeyRandomChars = 32;
constexpr size_t kKeyPrefixChars = 12;
constexpr const char* kMessageColumns =
    "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.model, m.checkpoint, m.sampling, "
    "m.prompt_tokens, m.completion_tokens, m.tokens_per_s, m.created_at";

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

constexpr const char* kKeyColumns = "id, name, prefix, created_at, revoked_at, admin";
ApiKeyInfo read_key(const Stmt& q) {  // kKeyColumns
  ApiKeyInfo k{q.int64(0), q.text(1), q.text(2), q.int64(3), std::nullopt, q.int64(5) != 0};
  if (!q.is_null(4)) k.revoked_at = q.int64(4);
  return k;
}

constexpr const char* kConversationColumns =
    "c.id, c.title, c.system_prompt, c.model, c.created_at, c.updated_at";
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
    if (m.sampling.is_discarded())  // only another writer of the file can put it there
      throw StoreError(fmt::format("{}: message {}: the stored sampling settings are not JSON", path, m.id), false);
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

// 122 random bits in the UUID v4 layout
std::string store_sql::new_id() {
  unsigned char b[16];
  random_bytes(b, sizeof(b));
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  std::string h = hex(b, sizeof(b));
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) + "-" + h.substr(20);
}

// ---- JSON ----

void to_json(nlohmann::json& j, const ApiKeyInfo& k) {
  j = {{"id", k.id},       {"name", k.name}, {"prefix", k.prefix}, {"created_at", k.created_at},
       {"revoked_at", nullptr}, {"admin", k.admin}};
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

// ---- API keys ----

std::string Store::create_key(const std::string& name, bool admin) {
  std::string key = new_key();
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "INSERT INTO api_keys(name, prefix, hash, created_at, admin) VALUES(?, ?, ?, ?, ?)");
  q.bind(1, name).bind(2, key.substr(0, kKeyPrefixChars)).bind(3, sha256_hex(key)).bind(4, now_s());
  q.bind(5, static_cast<int64_t>(admin)).run();
  // after the commit: a crash in between leaves keys and an old guard, which the next open fixes
  if (!guard_keys_) {
    write_store_guard(path_, StoreGuard{db_id_, true, now_s()});
    guard_keys_ = true;
  }
  return key;
}

std::vector<ApiKeyInfo> Store::list_keys() {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, fmt::format("SELECT {} FROM api_keys ORDER BY id", kKeyColumns).c_str());
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
         fmt::format("SELECT {} FROM api_keys WHERE revoked_at IS NULL AND {} ORDER BY id", kKeyColumns, match)
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

std::optional<ApiKeyInfo> Store::find_key(const std::string& plain) {
  std::string h = sha256_hex(plain);
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, fmt::format("SELECT {}, hash FROM api_keys WHERE hash = ? AND revoked_at IS NULL", kKeyColumns).c_str());
  q.bind(1, h);
  if (!q.step()) return std::nullopt;
  std::string found = q.text(6);
  if (found.size() != h.size() || CRYPTO_memcmp(found.data(), h.data(), h.size()) != 0) return std::nullopt;
  return read_key(q);
}

bool Store::has_keys() {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, "SELECT EXISTS(SELECT 1 FROM api_keys)");
  q.step();
  return q.int64(0) != 0;
}

// ---- conversations ----

ConversationInfo Store::create_conversation(const Scope& scope, const std::string& title,
                                            const std::string& system_prompt, const std::string& model) {
  int64_t t = now_s();
  ConversationInfo c{new_id(), title, system_prompt, model, t, t};
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         "INSERT INTO conversations(id, title, system_prompt, model, created_at, updated_at, owner_key_id) "
         "VALUES(?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, c.id).bind(2, c.title).bind(3, c.system_prompt).bind(4, c.model).bind(5, t).bind(6, t);
  q.bind_or_null(7, scope.key_id).run();
  return c;
}

bool Store::rename_conversation(const Scope& scope, const std::string& id, const std::string& title) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         fmt::format("UPDATE conversations AS c SET title = ?1, updated_at = ?2 WHERE c.id = ?3 AND {}", kVisible).c_str());
  q.bind(1, title).bind(2, now_s()).bind(3, id).bind_scope(scope).run();
  return q.changes() > 0;
}

bool Store::delete_conversation(const Scope& scope, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, fmt::format("DELETE FROM conversations AS c WHERE c.id = ?1 AND {}", kVisible).c_str());
  q.bind(1, id).bind_scope(scope).run();
  return q.changes() > 0;
}

std::vector<ConversationInfo> Store::list_conversations(const Scope& scope, const std::string& search, int64_t limit,
                                                        int64_t offset) {
  if (limit < 0 || offset < 0)
    input_error("conversations: limit and offset must be >= 0 (got {} and {})", limit, offset);
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         fmt::format("SELECT {} FROM conversations c WHERE {} AND (?1 = '' OR c.title LIKE ?2 ESCAPE '\\' OR EXISTS("
                     "  SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.content LIKE ?2 ESCAPE '\\')) "
                     "ORDER BY c.updated_at DESC, c.rowid DESC LIMIT ?3 OFFSET ?4",
                     kConversationColumns, kVisible)
             .c_str());
  q.bind(1, search).bind(2, like_contains(search)).bind(3, limit).bind(4, offset).bind_scope(scope);
  std::vector<ConversationInfo> out;
  while (q.step()) out.push_back(read_conversation(q));
  return out;
}

std::optional<ConversationInfo> Store::conversation_info_locked(const Scope& scope, const std::string& id) {
  Stmt q(db_, path_,
         fmt::format("SELECT {} FROM conversations c WHERE c.id = ?1 AND {}", kConversationColumns, kVisible).c_str());
  q.bind(1, id).bind_scope(scope);
  if (!q.step()) return std::nullopt;
  return read_conversation(q);
}

std::optional<ConversationInfo> Store::get_conversation_info(const Scope& scope, const std::string& id) {
  std::lock_guard lock(mu_);
  return conversation_info_locked(scope, id);
}

std::optional<ConversationTree> Store::get_conversation(const Scope& scope, const std::string& id) {
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, false);  // one snapshot for the three reads
  std::optional<ConversationInfo> info = conversation_info_locked(scope, id);
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

std::string Store::add_message(const Scope& scope, const Message& m) {
  if (!is_chat_role(m.role))
    input_error("message role must be \"system\", \"user\" or \"assistant\", got \"{}\"", m.role);
  if (!m.sampling.is_null() && !m.sampling.is_object())
    input_error("message sampling settings must be a JSON object or null, got {}", m.sampling.type_name());
  std::string id = new_id();
  int64_t t = now_s();
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, true);
  if (!conversation_info_locked(scope, m.conversation_id)) input_error("no conversation \"{}\"", m.conversation_id);
  if (!m.parent_id.empty()) {
    Stmt q(db_, path_, "SELECT conversation_id FROM messages WHERE id = ?");
    q.bind(1, m.parent_id);
    if (!q.step()) input_error("parent message \"{}\" does not exist", m.parent_id);
    if (q.text(0) != m.conversation_id)
      input_error("parent message \"{}\" belongs to another conversation, not \"{}\"", m.parent_id, m.conversation_id);
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

std::optional<Message> Store::get_message(const Scope& scope, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         fmt::format("SELECT {} FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.id = ?1 AND {}",
                     kMessageColumns, kVisible)
             .c_str());
  q.bind(1, id).bind_scope(scope);
  if (!q.step()) return std::nullopt;
  return read_message(q, path_);
}

std::vector<Message> Store::path_to_locked(const Scope& scope, const std::string& message_id) {
  // parents are inserted before their children and never change, so the walk cannot cycle; a
  // parent is in its child's conversation, so checking the start checks the path
  Stmt q(db_, path_,
         fmt::format("WITH RECURSIVE up(id, depth) AS ("
                     "  SELECT m.id, 0 FROM messages m JOIN conversations c ON c.id = m.conversation_id"
                     "  WHERE m.id = ?1 AND {}"
                     "  UNION ALL SELECT p.parent_id, up.depth + 1 FROM messages p JOIN up ON p.id = up.id"
                     "  WHERE p.parent_id IS NOT NULL) "
                     "SELECT {} FROM up JOIN messages m ON m.id = up.id ORDER BY up.depth DESC",
                     kVisible, kMessageColumns)
             .c_str());
  q.bind(1, message_id).bind_scope(scope);
  std::vector<Message> path;
  while (q.step()) path.push_back(read_message(q, path_));
  return path;
}

std::vector<Message> Store::path_to(const Scope& scope, const std::string& message_id) {
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, false);
  std::vector<Message> path = path_to_locked(scope, message_id);
  tx.commit();
  return path;
}

// ---- ratings ----

Rating Store::rate(const Scope& scope, const std::string& message_id, int rating, const std::string& reason,
                   const std::string& comment) {
  if (rating != 1 && rating != -1) input_error("a rating is +1 or -1, got {}", rating);
  int64_t t = now_s();
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, true);
  {
    Stmt q(db_, path_,
           fmt::format("SELECT m.role FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                       "WHERE m.id = ?1 AND {}",
                       kVisible)
               .c_str());
    q.bind(1, message_id).bind_scope(scope);
    if (!q.step()) input_error("no message \"{}\" to rate", message_id);
    if (q.text(0) != "assistant")
      input_error("message \"{}\" is a {} message; only assistant answers can be rated", message_id, q.text(0));
  }
  Stmt q(db_, path_,
         "INSERT INTO ratings(message_id, rating, reason, comment, created_at, updated_at, owner_key_id) "
         "VALUES(?, ?, ?, ?, ?, ?, ?) ON CONFLICT(message_id) DO UPDATE SET rating = excluded.rating, "
         "reason = excluded.reason, comment = excluded.comment, updated_at = excluded.updated_at, "
         "owner_key_id = excluded.owner_key_id");
  q.bind(1, message_id).bind(2, rating).bind(3, reason).bind(4, comment).bind(5, t).bind(6, t);
  q.bind_or_null(7, scope.key_id).run();
  Stmt r(db_, path_, fmt::format("SELECT {} FROM ratings r WHERE r.message_id = ?", kRatingColumns).c_str());
  r.bind(1, message_id);
  OWN_CHECK(r.step(), "rating of {} missing right after writing it", message_id);
  Rating out = read_rating(r);
  tx.commit();
  return out;
}

bool Store::clear_rating(const Scope& scope, const std::string& message_id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         fmt::format("DELETE FROM ratings WHERE message_id = (SELECT m.id FROM messages m JOIN conversations c "
                     "ON c.id = m.conversation_id WHERE m.id = ?1 AND {})",
                     kVisible)
             .c_str());
  q.bind(1, message_id).bind_scope(scope).run();
  return q.changes() > 0;
}

std::optional<Rating> Store::get_rating(const Scope& scope, const std::string& message_id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         fmt::format("SELECT {} FROM ratings r JOIN messages m ON m.id = r.message_id JOIN conversations c "
                     "ON c.id = m.conversation_id WHERE r.message_id = ?1 AND {}",
                     kRatingColumns, kVisible)
             .c_str());
  q.bind(1, message_id).bind_scope(scope);
  if (!q.step()) return std::nullopt;
  return read_rating(q);
}

FeedbackStats Store::feedback_stats(const Scope& scope) {
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, false);
  FeedbackStats s;
  {
    Stmt q(db_, path_,
           fmt::format("SELECT count(*), coalesce(sum(r.rating = 1), 0), coalesce(sum(r.rating = -1), 0) FROM ratings r "
                       "JOIN messages m ON m.id = r.message_id JOIN conversations c ON c.id = m.conversation_id "
                       "WHERE {}",
                       kVisible)
               .c_str());
    q.bind_scope(scope).step();
    s = FeedbackStats{q.int64(0), q.int64(1), q.int64(2), 0};
  }
  Stmt q(db_, path_,
         fmt::format("SELECT coalesce(sum(up * down), 0) FROM ("
                     "  SELECT sum(r.rating = 1) AS up, sum(r.rating = -1) AS down FROM ratings r"
                     "  JOIN messages m ON m.id = r.message_id JOIN conversations c ON c.id = m.conversation_id"
                     "  WHERE m.role = 'assistant' AND m.parent_id IS NOT NULL AND {} GROUP BY m.parent_id)",
                     kVisible)
             .c_str());
  q.bind_scope(scope).step();
  s.pairs = q.int64(0);
  tx.commit();
  return s;
}

std::vector<PreferencePair> Store::preference_pairs(const Scope& scope) {
  std::lock_guard lock(mu_);
  Tx tx(db_, path_, false);
  std::vector<std::string> parents;  // with at least one up and one down answer
  {
    Stmt q(db_, path_,
           fmt::format("SELECT p.id FROM ratings r JOIN messages m ON m.id = r.message_id JOIN messages p ON p.id = "
                       "m.parent_id JOIN conversations c ON c.id = p.conversation_id WHERE m.role = 'assistant' AND {} "
                       "GROUP BY p.id HAVING sum(r.rating = 1) > 0 AND sum(r.rating = -1) > 0 "
                       "ORDER BY c.created_at, c.rowid, p.created_at, p.rowid",
                       kVisible)
               .c_str());
    q.bind_scope(scope);
    while (q.step()) parents.push_back(q.text(0));
  }
  struct Answer {
    std::string id, content, model;
  };
  std::vector<PreferencePair> pairs;
  for (const std::string& parent : parents) {
    std::vector<Message> path = path_to_locked(scope, parent);
    OWN_CHECK(!path.empty(), "message {} vanished inside a read transaction", parent);
    std::optional<ConversationInfo> conv = conversation_info_locked(scope, path.back().conversation_id);
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
  static constexpr char row[] = "{:>4}  {:<20}  {:<12}  {:<16}  {:<5}  {}\n";
  std::string out = fmt::format(row, "id", "name", "prefix", "created (UTC)", "admin", "status");
  for (const ApiKeyInfo& k : keys)
    out += fmt::format(row, k.id, k.name, k.prefix, utc_minutes(k.created_at), k.admin ? "yes" : "no",
                       k.revoked_at ? "revoked " + utc_minutes(*k.revoked_at) : std::string("active"));
  return out;
}

FeedbackExport feedback_export(Store& store, const std::string& out) {
  std::vector<PreferencePair> pairs = store.preference_pairs(Scope::everyone());
  FeedbackExport e;
  e.stats = store.feedback_stats(Scope::everyone());
  e.stats.pairs = static_cast<int64_t>(pairs.size());  // what was written, even if serve rated meanwhile
  e.out = out.empty()
              ? (std::filesystem::path(store.path()).parent_path() / "data" / "feedback" / "pairs.jsonl").string()
              : out;
  write_preference_jsonl(e.out, pairs);
  return e;
}

FeedbackExport feedback_export(const FeedbackExportOptions& o) {
  Store store(Store::default_path(o.run_dir, o.db), Store::Open::existing);
  return feedback_export(store, o.out);
}

}  // namespace own
