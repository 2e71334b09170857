// The ratings table, the feedback counts, and the rated turns preference pairs are made from
// (data/feedback_pairs.h).
#include "core/check.h"
#include "data/feedback_pairs.h"
#include "serve/store.h"
#include "serve/store_rows.h"
#include "serve/store_sql.h"

namespace own {

using namespace store_sql;
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
    bind_scope(q.bind(1, message_id), scope);
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
  bind_scope(q.bind(1, message_id), scope).run();
  return q.changes() > 0;
}

std::optional<Rating> Store::get_rating(const Scope& scope, const std::string& message_id) {
  std::lock_guard lock(mu_);
  Stmt q(db_, path_,
         fmt::format("SELECT {} FROM ratings r JOIN messages m ON m.id = r.message_id JOIN conversations c "
                     "ON c.id = m.conversation_id WHERE r.message_id = ?1 AND {}",
                     kRatingColumns, kVisible)
             .c_str());
  bind_scope(q.bind(1, message_id), scope);
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
    bind_scope(q, scope).step();
    s = FeedbackStats{q.int64(0), q.int64(1), q.int64(2), 0};
  }
  Stmt q(db_, path_,
         fmt::format("SELECT coalesce(sum(up * down), 0) FROM ("
                     "  SELECT sum(r.rating = 1) AS up, sum(r.rating = -1) AS down FROM ratings r"
                     "  JOIN messages m ON m.id = r.message_id JOIN conversations c ON c.id = m.conversation_id"
                     "  WHERE m.role = 'assistant' AND m.parent_id IS NOT NULL AND {} GROUP BY m.parent_id)",
                     kVisible)
             .c_str());
  bind_scope(q, scope).step();
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
    bind_scope(q, scope);
    while (q.step()) parents.push_back(q.text(0));
  }
  std::vector<RatedTurn> turns;
  for (const std::string& parent : parents) {
    std::vector<Message> path = path_to_locked(scope, parent);
    OWN_CHECK(!path.empty(), "message {} vanished inside a read transaction", parent);
    std::optional<ConversationInfo> conv = conversation_info_locked(scope, path.back().conversation_id);
    OWN_CHECK(conv.has_value(), "conversation {} of message {} missing", path.back().conversation_id, parent);
    RatedTurn& t = turns.emplace_back();
    t.conversation_id = conv->id;
    if (!conv->system_prompt.empty()) t.prompt.push_back({"system", conv->system_prompt});
    for (const Message& m : path) t.prompt.push_back({m.role, m.content});
    Stmt q(db_, path_,
           "SELECT m.id, m.content, m.model, r.rating FROM messages m JOIN ratings r ON r.message_id = m.id "
           "WHERE m.parent_id = ? AND m.role = 'assistant' ORDER BY m.created_at, m.rowid");
    q.bind(1, parent);
    while (q.step()) t.answers.push_back(RatedAnswer{q.text(0), q.text(1), q.text(2), static_cast<int>(q.int64(3))});
  }
  tx.commit();
  return feedback_pairs(turns);
}

}  // namespace own
