// The persistence of `ownchat serve`: one SQLite file (RUN/ownchat.db) with API keys,
// conversations as message trees, ratings, and the preference pairs the ratings make.
// Invariants: a key is stored only as its SHA-256 and a 12-character display prefix; a message's
// parent is in its own conversation; only assistant messages carry ratings; a committed write
// survives kill -9 (WAL, synchronous=FULL); a conversation belongs to the key that made it and a
// Scope sees only what it owns (admin: everything). Opening checks the file (quick_check) and its
// guard (store_guard.h) and refuses a corrupt, emptied or replaced database, changing nothing.
// A bad file at open is an InputError; a database failure afterwards is a StoreError (a server
// fault). One connection behind a mutex: safe from any number of threads, not built for throughput.
// It knows nothing of HTTP or the engine; the server maps these structs to JSON with to_json.
// Files: store_open.cpp (opening, checks, schema), store_keys / store_conversations / store_ratings
// (the tables), store_views.cpp (JSON, the keys table), feedback_export.h (pairs to JSONL).
#pragma once
#include <cstdint>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/feedback_pairs.h"
#include "serve/store_error.h"
#include "tokenizer/chat_template.h"

struct sqlite3;

namespace own {

struct ApiKeyInfo {
  int64_t id = 0;
  std::string name;
  std::string prefix;                 // the key's first 12 characters, e.g. "sk-own-a1B2c"
  int64_t created_at = 0;             // unix seconds, as every *_at here
  std::optional<int64_t> revoked_at;  // none while the key is active
  bool admin = false;                 // sees every key's conversations
};

// Whom a store call acts for. What a scope may not see reads as unknown (nullopt / false), so a key
// cannot tell another key's conversation from a missing one.
struct Scope {
  std::optional<int64_t> key_id;  // the asking key: it owns what it creates. none: the operator
                                  // (serve --api-key, the CLI) or single-user mode; owner NULL
  bool admin = true;              // sees every row, whoever owns it
  static Scope everyone() { return {}; }
  static Scope of_key(const ApiKeyInfo& k) { return {k.id, k.admin}; }
};

struct ConversationInfo {
  std::string id;  // random UUID (v4 format)
  std::string title;
  std::string system_prompt;  // empty: none
  std::string model;          // the model the conversation was started with
  int64_t created_at = 0;
  int64_t updated_at = 0;  // bumped by add_message and rename
};

// One node of a conversation tree. A regenerated answer is another assistant child of the same
// user message; an edited question is another user child of the same parent.
struct Message {
  std::string id;  // filled by add_message
  std::string conversation_id;
  std::string parent_id;  // empty: a root
  std::string role;       // "system" | "user" | "assistant"
  std::string content;
  std::string model;           // assistant messages: the model id that wrote it
  std::string checkpoint;      // and the checkpoint it was loaded from
  nlohmann::json sampling;     // the sampling settings used (an object), or null
  nlohmann::json citations;    // assistant messages: the passages the answer was given (an array), or null
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
  double tokens_per_s = 0;
  int64_t created_at = 0;  // filled by add_message
};

struct Rating {
  std::string message_id;
  int rating = 0;  // +1 or -1
  std::string reason;
  std::string comment;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

// A conversation with every message, flat (parent ids give the tree), ordered by creation, and
// the ratings of any of them.
struct ConversationTree {
  ConversationInfo info;
  std::vector<Message> messages;
  std::vector<Rating> ratings;
};

struct FeedbackStats {
  int64_t ratings = 0;
  int64_t up = 0;
  int64_t down = 0;
  int64_t pairs = 0;  // what preference_pairs() would return
};

void to_json(nlohmann::json& j, const ApiKeyInfo& k);
void to_json(nlohmann::json& j, const ConversationInfo& c);
void to_json(nlohmann::json& j, const Message& m);
void to_json(nlohmann::json& j, const Rating& r);
void to_json(nlohmann::json& j, const ConversationTree& t);  // info fields + "messages" + "ratings"
void to_json(nlohmann::json& j, const FeedbackStats& s);

class Store {
 public:
  enum class Open { create, existing };  // existing: a missing file is an InputError

  // RUN/ownchat.db unless `db` is given
  static std::string default_path(const std::string& run_dir, const std::string& db = "");

  // Opens (or creates, with its parent directories) the database and its schema. InputError, with
  // the file unchanged, when it is not an ownchat database, was written by a newer schema, fails
  // SQLite's quick_check, or is not the database its guard file describes (deleted, emptied or
  // replaced) while that one held API keys. `accept_loss`: the operator accepts that loss (`ownchat
  // db accept-loss`); the guard is rewritten for the database found (or a new one).
  explicit Store(const std::string& path, Open mode = Open::create, bool accept_loss = false);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  const std::string& path() const { return path_; }
  // what the guard file said was lost at open ("was deleted", ...; see store_guard.h), or ""
  const std::string& loss_at_open() const { return loss_at_open_; }

  // PRAGMA integrity_check: "ok", or SQLite's list of problems, one a line
  std::string integrity_check();

  // API keys: "sk-own-" + 32 base62 characters. The first key marks the guard file `had_keys`.
  std::string create_key(const std::string& name, bool admin = false);  // the plain key; not stored
  std::vector<ApiKeyInfo> list_keys();              // oldest first, revoked ones included
  // By numeric id, by the whole key, or by a prefix of the display prefix; only active keys
  // match. False when none does; InputError when a prefix matches several.
  bool revoke_key(const std::string& id_or_prefix);
  bool check_key(const std::string& plain);  // active and known
  std::optional<ApiKeyInfo> find_key(const std::string& plain);  // the active key, if known
  // Any key ever created, revoked ones included: once a server has keys it stays locked, even
  // after the last one is revoked (revoking must never open it to everyone).
  bool has_keys();

  // Conversations, each owned by scope.key_id of the scope that created it. Unknown ids, or ids
  // the scope may not see: false / nullopt.
  ConversationInfo create_conversation(const Scope& scope, const std::string& title, const std::string& system_prompt,
                                       const std::string& model);
  bool rename_conversation(const Scope& scope, const std::string& id, const std::string& title);
  bool delete_conversation(const Scope& scope, const std::string& id);  // with its messages and their ratings
  // Most recently updated first. `search` (case-insensitive for ASCII) matches the title or any
  // message's content; empty: all.
  std::vector<ConversationInfo> list_conversations(const Scope& scope, const std::string& search = "",
                                                   int64_t limit = 100, int64_t offset = 0);
  std::optional<ConversationInfo> get_conversation_info(const Scope& scope, const std::string& id);
  std::optional<ConversationTree> get_conversation(const Scope& scope, const std::string& id);

  // Messages (visible when their conversation is). add_message ignores m.id and m.created_at and
  // returns the new id; InputError for an unknown conversation, a bad role, or a parent that is
  // not in the same conversation.
  std::string add_message(const Scope& scope, const Message& m);
  std::optional<Message> get_message(const Scope& scope, const std::string& id);
  std::vector<Message> path_to(const Scope& scope, const std::string& message_id);  // root..message; empty if unknown

  // Ratings (visible when their conversation is; each records the key that rated). rate inserts
  // or replaces; InputError for a rating other than +1/-1, an unknown message, or a message that
  // is not the assistant's.
  Rating rate(const Scope& scope, const std::string& message_id, int rating, const std::string& reason,
              const std::string& comment);
  bool clear_rating(const Scope& scope, const std::string& message_id);
  std::optional<Rating> get_rating(const Scope& scope, const std::string& message_id);
  FeedbackStats feedback_stats(const Scope& scope);

  // Every (up, down) pair of assistant answers to the same parent message, in conversation and
  // creation order, of the conversations the scope sees (data/feedback_pairs.h makes them).
  std::vector<PreferencePair> preference_pairs(const Scope& scope);

 private:
  void open_checked(Open mode, bool accept_loss);
  void quick_check(bool guarded);
  void migrate();
  std::optional<ConversationInfo> conversation_info_locked(const Scope& scope, const std::string& id);
  std::vector<Message> path_to_locked(const Scope& scope, const std::string& message_id);

  std::string path_;
  sqlite3* db_ = nullptr;
  std::mutex mu_;
  std::string db_id_;       // store_meta's db_id: what the guard file names
  bool guard_keys_ = false;  // the guard file already says the database held keys
  std::string loss_at_open_;
};

// `ownchat keys list`: id, name, prefix, created, status (admin marked), one key a line
std::string api_keys_table(const std::vector<ApiKeyInfo>& keys);

}  // namespace own
