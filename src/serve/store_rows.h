// The store's columns and row readers, shared by the files of its tables (store_keys.cpp,
// store_conversations.cpp, store_ratings.cpp); not for use outside the store. Each reader takes a
// statement whose columns are the matching k*Columns list. See store.h for what the store keeps.
// SQL text is constant; every value a user supplies is a bound parameter. Statements are
// prepared per call (microseconds; the store is not a hot path). Writes that read first run in
// BEGIN IMMEDIATE so two processes (serve and `ownchat keys`) never deadlock upgrading a lock.
// Opening, checking and migrating the file: store_open.cpp; the SQL helpers: store_sql.h.
// Ownership: "visible" SQL (kVisible) names the conversation `c` and binds the scope as ?98, ?99.
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "core/json_util.h"
#include "serve/store.h"
#include "serve/store_sql.h"

namespace own::store_sql {

// the conversation `c` is one the bound scope may see. Fixed numbers, so a statement's own
// parameters (?1, ?2, ...) keep theirs wherever this sits in it.
constexpr int kScopeAllParam = 98, kScopeKeyParam = 99;
constexpr const char* kVisible = "(?98 OR c.owner_key_id = ?99)";

// binds the parameters of kVisible, which must be in the statement
inline Stmt& bind_scope(Stmt& q, const Scope& s) {
  OWN_CHECK(sqlite3_bind_parameter_count(q.handle()) == kScopeKeyParam, "statement without kVisible: {}",
            sqlite3_sql(q.handle()));
  q.bind(kScopeAllParam, static_cast<int64_t>(s.admin));
  return q.bind_or_null(kScopeKeyParam, s.key_id);
}

constexpr const char* kMessageColumns =
    "m.id, m.conversation_id, m.parent_id, m.role, m.content, m.model, m.checkpoint, m.sampling, "
    "m.prompt_tokens, m.completion_tokens, m.tokens_per_s, m.created_at, m.citations";

constexpr const char* kKeyColumns = "id, name, prefix, created_at, revoked_at, admin";
inline ApiKeyInfo read_key(const Stmt& q) {  // kKeyColumns
  ApiKeyInfo k{q.int64(0), q.text(1), q.text(2), q.int64(3), std::nullopt, q.int64(5) != 0};
  if (!q.is_null(4)) k.revoked_at = q.int64(4);
  return k;
}

constexpr const char* kConversationColumns =
    "c.id, c.title, c.system_prompt, c.model, c.created_at, c.updated_at";
inline ConversationInfo read_conversation(const Stmt& q) {
  return ConversationInfo{q.text(0), q.text(1), q.text(2), q.text(3), q.int64(4), q.int64(5)};
}

inline Message read_message(const Stmt& q, const std::string& path) {  // kMessageColumns
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
  if (!q.is_null(12)) {
    m.citations = nlohmann::json::parse(q.text(12), nullptr, false);
    if (m.citations.is_discarded())
      throw StoreError(fmt::format("{}: message {}: the stored citations are not JSON", path, m.id), false);
  }
  return m;
}

constexpr const char* kRatingColumns = "r.message_id, r.rating, r.reason, r.comment, r.created_at, r.updated_at";
inline Rating read_rating(const Stmt& q) {
  return Rating{q.text(0), static_cast<int>(q.int64(1)), q.text(2), q.text(3), q.int64(4), q.int64(5)};
}


}  // namespace own::store_sql
