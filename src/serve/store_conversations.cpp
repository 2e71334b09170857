// The conversations and messages tables: conversations as message trees, each visible to the
// scope that owns it (kVisible).
#include "core/check.h"
#include "serve/store.h"
#include "serve/store_ids.h"
#include "serve/store_rows.h"
#include "serve/store_sql.h"

namespace own {

using namespace store_sql;

namespace {

// for LIKE ... ESCAPE '\': the text matches literally anywhere
std::string like_contains(std::string_view s) {
  std::string p = "%";
  for (char c : s) {
    if (c == '%' || c == '_' || c == '\\') p += '\\';
    p += c;
  }
  return p + "%";
}

}  // namespace

ConversationInfo Store::create_conversation(const Scope& scope, const std::string& title,
                                            const std::string& system_prompt, const std::string& model) {
  int64_t t = now_s();
  ConversationInfo c{random_uuid(), title, system_prompt, model, t, t};
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
  bind_scope(q.bind(1, title).bind(2, now_s()).bind(3, id), scope).run();
  return q.changes() > 0;
}

bool Store::delete_conversation(const Scope& scope, const std::string& id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_, fmt::format("DELETE FROM conversations AS c WHERE c.id = ?1 AND {}", kVisible).c_str());
  bind_scope(q.bind(1, id), scope).run();
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
  bind_scope(q.bind(1, search).bind(2, like_contains(search)).bind(3, limit).bind(4, offset), scope);
  std::vector<ConversationInfo> out;
  while (q.step()) out.push_back(read_conversation(q));
  return out;
}

std::optional<ConversationInfo> Store::conversation_info_locked(const Scope& scope, const std::string& id) {
  Stmt q(db_, path_,
         fmt::format("SELECT {} FROM conversations c WHERE c.id = ?1 AND {}", kConversationColumns, kVisible).c_str());
  bind_scope(q.bind(1, id), scope);
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
  if (!m.citations.is_null() && !m.citations.is_array())
    input_error("message citations must be a JSON array or null, got {}", m.citations.type_name());
  std::string id = random_uuid();
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
         "prompt_tokens, completion_tokens, tokens_per_s, created_at, citations) "
         "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  q.bind(1, id).bind(2, m.conversation_id).bind_or_null(3, m.parent_id).bind(4, m.role).bind(5, m.content);
  q.bind(6, m.model).bind(7, m.checkpoint);
  if (m.sampling.is_null())
    q.bind_null(8);
  else
    q.bind(8, dump_json(m.sampling));
  q.bind(9, m.prompt_tokens).bind(10, m.completion_tokens).bind(11, m.tokens_per_s).bind(12, t);
  if (m.citations.is_null())
    q.bind_null(13);
  else
    q.bind(13, dump_json(m.citations));
  q.run();
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
  bind_scope(q.bind(1, id), scope);
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
  bind_scope(q.bind(1, message_id), scope);
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

}  // namespace own
