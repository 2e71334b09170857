// The serve database's defences (src/serve/store.h, store_guard.h): a key sees only its own
// conversations and ratings (admin and the operator see all); a database that was deleted,
// emptied, replaced or lost its keys is refused at open when its guard file says it held keys,
// with the file unchanged; a corrupt file is refused naming it and the recovery; a v1 database is
// migrated (its rows become admin-only); a failure of the database while in use is a StoreError.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/fileio.h"
#include "serve/store.h"
#include "serve/store_guard.h"
#include "test_util.h"

using namespace own;
using namespace own::test;
namespace fs = std::filesystem;

namespace {

const Scope kAll = Scope::everyone();

Message msg(const std::string& conv, const std::string& parent, const std::string& role, const std::string& content) {
  Message m;
  m.conversation_id = conv;
  m.parent_id = parent;
  m.role = role;
  m.content = content;
  return m;
}

void sqlite_exec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

int64_t sqlite_int(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  EXPECT_EQ(sqlite3_step(st), SQLITE_ROW) << sqlite3_errmsg(db);
  int64_t v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

// overwrites `n` bytes at `offset` in place (no temp file: this is the damage under test)
void scribble(const std::string& path, size_t offset, size_t n) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.good()) << path;
  f.seekp(static_cast<std::streamoff>(offset));
  std::string junk;
  while (junk.size() < n) junk += "garbage!";
  f.write(junk.data(), static_cast<std::streamsize>(n));
}

// a database with keys and a few pages of conversations, closed (its WAL checkpointed away)
void fill(const std::string& db, bool keys) {
  Store s(db);
  if (keys) s.create_key("laptop");
  for (int i = 0; i < 40; i++) {
    ConversationInfo c = s.create_conversation(kAll, "t", "", "m");
    s.add_message(kAll, msg(c.id, "", "user", std::string(500, static_cast<char>('a' + i % 26))));
  }
}

}  // namespace

TEST(StoreOwners, KeySeesOnlyItsOwn) {
  ScratchDir dir;
  Store s(dir.file("ownchat.db"));
  const Scope a = Scope::of_key(*s.find_key(s.create_key("alice")));
  const Scope b = Scope::of_key(*s.find_key(s.create_key("bob")));
  const std::string admin_key = s.create_key("root", true);
  const Scope admin = Scope::of_key(*s.find_key(admin_key));
  EXPECT_FALSE(a.admin);
  EXPECT_TRUE(admin.admin);
  EXPECT_TRUE(s.list_keys()[2].admin);
  EXPECT_FALSE(s.find_key("sk-own-nope").has_value());

  ConversationInfo c = s.create_conversation(a, "alice's", "", "m");
  std::string u = s.add_message(a, msg(c.id, "", "user", "secret question"));
  std::string up = s.add_message(a, msg(c.id, u, "assistant", "good"));
  std::string down = s.add_message(a, msg(c.id, u, "assistant", "bad"));
  s.rate(a, up, 1, "", "");
  s.rate(a, down, -1, "", "");
  ConversationInfo op = s.create_conversation(kAll, "operator's", "", "m");  // owner NULL: admin-only

  // bob: nothing of alice's, not even by id; every write to it fails as for an unknown id
  EXPECT_TRUE(s.list_conversations(b).empty());
  EXPECT_TRUE(s.list_conversations(b, "secret").empty());
  EXPECT_FALSE(s.get_conversation(b, c.id).has_value());
  EXPECT_FALSE(s.get_conversation_info(b, c.id).has_value());
  EXPECT_FALSE(s.get_message(b, u).has_value());
  EXPECT_TRUE(s.path_to(b, up).empty());
  EXPECT_FALSE(s.get_rating(b, up).has_value());
  EXPECT_FALSE(s.rename_conversation(b, c.id, "mine now"));
  EXPECT_FALSE(s.delete_conversation(b, c.id));
  EXPECT_FALSE(s.clear_rating(b, up));
  EXPECT_CONTAINS(error_of([&] { s.add_message(b, msg(c.id, u, "user", "x")); }), "no conversation");
  EXPECT_CONTAINS(error_of([&] { s.rate(b, up, -1, "", ""); }), "no message");
  EXPECT_EQ(s.feedback_stats(b).ratings, 0);
  EXPECT_TRUE(s.preference_pairs(b).empty());
  // bob's own conversation cannot take alice's message as a parent
  ConversationInfo bc = s.create_conversation(b, "bob's", "", "m");
  EXPECT_CONTAINS(error_of([&] { s.add_message(b, msg(bc.id, u, "user", "x")); }), "belongs to another");

  // alice: her own, not bob's nor the operator's
  std::vector<ConversationInfo> mine = s.list_conversations(a);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].id, c.id);
  EXPECT_EQ(s.get_conversation(a, c.id)->ratings.size(), 2u);
  EXPECT_FALSE(s.get_conversation(a, op.id).has_value());
  EXPECT_EQ(s.feedback_stats(a).pairs, 1);
  EXPECT_EQ(s.preference_pairs(a).size(), 1u);

  // admin and the operator: everything
  for (const Scope& all : {admin, kAll}) {
    EXPECT_EQ(s.list_conversations(all).size(), 3u);
    EXPECT_TRUE(s.get_conversation(all, c.id).has_value());
    EXPECT_EQ(s.feedback_stats(all).ratings, 2);
    EXPECT_EQ(s.preference_pairs(all).size(), 1u);
  }
  EXPECT_TRUE(s.rename_conversation(admin, c.id, "seen by admin"));
  EXPECT_TRUE(s.delete_conversation(a, c.id));
  EXPECT_EQ(s.feedback_stats(kAll).ratings, 0);
  // a revoked key is no longer found
  EXPECT_TRUE(s.revoke_key(admin_key));
  EXPECT_FALSE(s.find_key(admin_key).has_value());
}

// A database of the first schema: its rows get no owner (admin-only), its keys stay non-admin, the
// guard is written for it, and its messages get no citations.
TEST(StoreOwners, MigratesSchemaV1) {
  ScratchDir dir;
  const std::string db = dir.file("ownchat.db");
  sqlite_exec(db, R"sql(
CREATE TABLE api_keys(id INTEGER PRIMARY KEY, name TEXT NOT NULL, prefix TEXT NOT NULL, hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL, revoked_at INTEGER NULL);
CREATE TABLE conversations(id TEXT PRIMARY KEY, title TEXT NOT NULL, system_prompt TEXT NOT NULL, model TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
CREATE TABLE messages(id TEXT PRIMARY KEY,
  conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  parent_id TEXT NULL REFERENCES messages(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK(role IN ('system', 'user', 'assistant')), content TEXT NOT NULL, model TEXT NOT NULL,
  checkpoint TEXT NOT NULL, sampling TEXT NULL, prompt_tokens INTEGER NOT NULL, completion_tokens INTEGER NOT NULL,
  tokens_per_s REAL NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX messages_by_conversation ON messages(conversation_id, created_at);
CREATE INDEX messages_by_parent ON messages(parent_id);
CREATE TABLE ratings(message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
  rating INTEGER NOT NULL CHECK(rating IN (-1, 1)), reason TEXT NOT NULL, comment TEXT NOT NULL,
  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
INSERT INTO api_keys VALUES(1, 'old', 'sk-own-abcde', 'h', 1, NULL);
INSERT INTO conversations VALUES('c1', 'before owners', '', 'm', 1, 1);
INSERT INTO messages VALUES('m1', 'c1', NULL, 'assistant', 'an old answer', 'm', 'ck', NULL, 1, 2, 3.0, 1);
PRAGMA user_version = 1;
)sql");
  Store s(db, Store::Open::existing);
  EXPECT_EQ(sqlite_int(db, "PRAGMA user_version"), 3);
  std::optional<Message> old = s.get_message(kAll, "m1");
  ASSERT_TRUE(old.has_value());
  EXPECT_EQ(old->content, "an old answer");
  EXPECT_TRUE(old->citations.is_null()) << "answers from before v3 have no citations";
  ASSERT_EQ(s.list_keys().size(), 1u);
  EXPECT_FALSE(s.list_keys()[0].admin);
  ASSERT_EQ(s.list_conversations(kAll).size(), 1u);
  EXPECT_TRUE(s.list_conversations(Scope{1, false}).empty());
  std::optional<StoreGuard> g = read_store_guard(db);
  ASSERT_TRUE(g.has_value());
  EXPECT_TRUE(g->had_keys);
  EXPECT_EQ(g->db_id.size(), 36u);
}

TEST(StoreGuard, RefusesAKeyedDatabaseThatWasDeletedEmptiedOrReplaced) {
  ScratchDir dir;
  const std::string db = dir.file("run/ownchat.db");
  fill(db, true);
  ASSERT_TRUE(read_store_guard(db)->had_keys);
  const std::string saved = read_file(db);
  ASSERT_FALSE(fs::exists(db + "-wal"));

  // emptied: truncated to zero bytes; refused, and left at zero bytes
  write_file_atomic(db, std::string());
  std::string e = error_of([&] { Store s(db); });
  EXPECT_CONTAINS(e, db);
  EXPECT_CONTAINS(e, "was emptied");
  EXPECT_CONTAINS(e, "held API keys");
  EXPECT_CONTAINS(e, "ownchat db accept-loss --db " + db);
  EXPECT_EQ(fs::file_size(db), 0u);
  EXPECT_CONTAINS(error_of([&] { Store s(db, Store::Open::existing); }), "was emptied");

  // deleted: refused, and not created
  fs::remove(db);
  EXPECT_CONTAINS(error_of([&] { Store s(db); }), "was deleted");
  EXPECT_FALSE(fs::exists(db));
  EXPECT_CONTAINS(error_of([&] { Store s(db, Store::Open::existing); }), "accept-loss");

  // replaced by another ownchat database, with keys or without
  const std::string other = dir.file("other/ownchat.db");
  fill(other, true);
  fs::copy_file(other, db);
  EXPECT_CONTAINS(error_of([&] { Store s(db); }), "was replaced by another database");
  EXPECT_EQ(read_file(db), read_file(other));

  // the keys deleted behind its back
  write_file_atomic(db, saved);
  { Store ok(db, Store::Open::existing); }
  sqlite_exec(db, "DELETE FROM api_keys");
  const std::string keyless = read_file(db);
  EXPECT_CONTAINS(error_of([&] { Store s(db); }), "lost its API keys");
  EXPECT_EQ(read_file(db), keyless);

  // the operator accepts the loss explicitly: then it opens, keyless, and stays open
  {
    Store s(db, Store::Open::create, true);
    EXPECT_EQ(s.loss_at_open(), "lost its API keys");
    EXPECT_FALSE(s.has_keys());
  }
  EXPECT_FALSE(read_store_guard(db)->had_keys);
  { Store s(db, Store::Open::existing); }
  fs::remove(db);
  { Store s(db, Store::Open::create, true); }  // a new, empty one
  EXPECT_EQ(Store(db).list_conversations(kAll).size(), 0u);
}

TEST(StoreGuard, KeylessLossWarnsAndGoesOn) {
  ScratchDir dir;
  const std::string db = dir.file("ownchat.db");
  fill(db, false);
  const std::string id = read_store_guard(db)->db_id;
  EXPECT_FALSE(read_store_guard(db)->had_keys);
  fs::remove(db);
  Store s(db);  // a fresh start without keys is legitimate; stderr says what was lost
  EXPECT_EQ(s.loss_at_open(), "was deleted");
  EXPECT_NE(read_store_guard(db)->db_id, id);
}

TEST(StoreGuard, FreshRunAndBadGuardFile) {
  ScratchDir dir;
  const std::string db = dir.file("ownchat.db");
  { Store s(db); }  // no guard, no db: a fresh run
  EXPECT_FALSE(read_store_guard(db)->had_keys);
  write_file_atomic(store_guard_path(db), "{\"format\": \"something else\"}");
  std::string e = error_of([&] { Store s(db); });
  EXPECT_CONTAINS(e, store_guard_path(db));
  EXPECT_CONTAINS(e, "accept-loss");
  { Store s(db, Store::Open::create, true); }
  { Store s(db); }
}

TEST(StoreGuard, LeftoverWalOfALostDatabase) {
  ScratchDir dir;
  const std::string db = dir.file("ownchat.db");
  write_file_atomic(db + "-wal", std::string(4096, 'w'));
  std::string e = error_of([&] { Store s(db); });
  EXPECT_CONTAINS(e, db + "-wal");
  EXPECT_FALSE(fs::exists(db));
}

TEST(StoreIntegrity, CorruptFileRefusedNamingItAndUnchanged) {
  ScratchDir dir;
  const std::string db = dir.file("ownchat.db");
  fill(db, true);
  const size_t pages = fs::file_size(db) / 4096;
  ASSERT_GE(pages, 6u);
  scribble(db, 4096 * (pages / 2), 4096);  // one whole page in the middle
  const std::string damaged = read_file(db);
  std::string e = error_of([&] { Store s(db); });
  EXPECT_CONTAINS(e, db);
  EXPECT_CONTAINS(e, "corrupt");
  EXPECT_CONTAINS(e, ".recover");
  EXPECT_EQ(read_file(db), damaged);
  EXPECT_CONTAINS(error_of([&] { Store s(db, Store::Open::create, true); }), "corrupt");  // accepting is no repair

  // truncated to half its pages
  const std::string half = dir.file("half.db");
  fill(half, false);
  fs::resize_file(half, 4096 * (fs::file_size(half) / 4096 / 2));
  const std::string cut = read_file(half);
  EXPECT_CONTAINS(error_of([&] { Store s(half); }), "corrupt");
  EXPECT_EQ(read_file(half), cut);
}

// While in use: a page damaged under the running store, or a row another writer broke, fails the
// call with a StoreError (a server fault), never an InputError (a bad request).
TEST(StoreIntegrity, FailuresInUseAreStoreErrors) {
  ScratchDir dir;
  const std::string db = dir.file("ownchat.db");
  Store s(db);
  ConversationInfo c = s.create_conversation(kAll, "t", "", "m");
  std::string u;
  for (int i = 0; i < 40; i++) u = s.add_message(kAll, msg(c.id, "", "user", std::string(500, 'x')));
  EXPECT_EQ(s.integrity_check(), "ok");

  sqlite_exec(db, "UPDATE messages SET sampling = '{not json' WHERE id = '" + u + "'");
  EXPECT_THROW(s.get_conversation(kAll, c.id), StoreError);
  EXPECT_THROW(s.get_message(kAll, u), StoreError);
  sqlite_exec(db, "UPDATE messages SET sampling = NULL");

  // move every page into the main file, damage the messages table's root, then commit elsewhere
  // so the store's page cache is dropped
  sqlite_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)");
  const int64_t root = sqlite_int(db, "SELECT rootpage FROM sqlite_master WHERE name = 'messages'");
  scribble(db, static_cast<size_t>(4096 * (root - 1)), 4096);
  sqlite_exec(db, "UPDATE store_meta SET value = value");
  EXPECT_THROW(s.get_conversation(kAll, c.id), StoreError);
  EXPECT_THROW(s.add_message(kAll, msg(c.id, "", "user", "more")), StoreError);
  try {
    EXPECT_NE(s.integrity_check(), "ok");
  } catch (const StoreError&) {  // or SQLite gives up on the page: a failure either way
  }
}

// ---- the commands, through the real binary ----

TEST(StoreCli, AdminKeysDbCheckAndAcceptLoss) {
  ScratchDir dir;
  const std::string run = dir.file("run");
  const std::string db = run + "/ownchat.db";
  CmdResult r = run_binary("keys create --admin --name root --run " + run);
  ASSERT_EQ(r.status, 0) << r.output;
  const std::string key = r.output.substr(0, r.output.find('\n'));
  EXPECT_TRUE(Store(db).find_key(key)->admin);
  r = run_binary("keys list --run " + run);
  EXPECT_CONTAINS(r.output, "admin");
  EXPECT_CONTAINS(r.output, "yes");

  r = run_binary("db check --run " + run);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, db + ": ok");
  r = run_binary("db accept-loss --run " + run);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "nothing to accept");

  fs::remove(db);
  r = run_binary("keys list --run " + run);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "accept-loss");
  r = run_binary("keys create --run " + run);  // would start a keyless db behind the operator's back
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "was deleted");
  EXPECT_FALSE(fs::exists(db));
  r = run_binary("db check --run " + run);
  EXPECT_EQ(r.status, 1) << r.output;
  r = run_binary("db accept-loss --run " + run);
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "loss accepted (the database was deleted)");
  r = run_binary("db check --run " + run);
  EXPECT_EQ(r.status, 0) << r.output;

  r = run_binary("db check --run " + dir.file("nothing"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "no such database");
  EXPECT_FALSE(fs::exists(dir.file("nothing")));
}
