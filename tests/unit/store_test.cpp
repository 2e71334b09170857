// The serve database (src/serve/store.h): API keys (never stored in plain), conversation trees,
// ratings, preference pairs from rated regenerations, the `keys` and `feedback export` commands
// through the real binary, bad database files, concurrent threads, and ratings that survive
// kill -9 of the writer.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/fileio.h"
#include "serve/store.h"
#include "test_util.h"

using namespace own;
using namespace own::test;
namespace fs = std::filesystem;

namespace {

const Scope kAll = Scope::everyone();  // the operator: single-user mode, the CLI

Message msg(const std::string& conv, const std::string& parent, const std::string& role, const std::string& content,
            const std::string& model = "") {
  Message m;
  m.conversation_id = conv;
  m.parent_id = parent;
  m.role = role;
  m.content = content;
  m.model = model;
  return m;
}

// every byte of the database, its WAL and anything else beside it
std::string all_bytes(const fs::path& dir) {
  std::string bytes;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file()) bytes += read_file(e.path().string());
  return bytes;
}

std::vector<std::string> ids_of(const std::vector<Message>& ms) {
  std::vector<std::string> ids;
  for (const auto& m : ms) ids.push_back(m.id);
  return ids;
}

std::vector<nlohmann::json> read_jsonl(const std::string& path) {
  std::vector<nlohmann::json> out;
  std::istringstream in(read_file(path));
  for (std::string line; std::getline(in, line);) out.push_back(nlohmann::json::parse(line));
  return out;
}

// a sqlite file of someone else's, or ours with a future schema
void sqlite_exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

}  // namespace

TEST(Keys, CreateCheckListRevoke) {
  ScratchDir dir;
  std::string a, b;
  {
    Store s(dir.file("ownchat.db"));
    EXPECT_FALSE(s.has_keys());
    a = s.create_key("laptop");
    b = s.create_key("phone");
    ASSERT_EQ(a.size(), 39u);
    EXPECT_TRUE(a.starts_with("sk-own-"));
    EXPECT_NE(a, b);
    for (char c : a.substr(7)) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << a;
    EXPECT_TRUE(s.has_keys());
    EXPECT_TRUE(s.check_key(a));
    EXPECT_TRUE(s.check_key(b));
    EXPECT_FALSE(s.check_key(a.substr(0, 38)));
    EXPECT_FALSE(s.check_key(""));
    EXPECT_FALSE(s.check_key(a + "x"));

    std::vector<ApiKeyInfo> keys = s.list_keys();
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].name, "laptop");
    EXPECT_EQ(keys[0].prefix, a.substr(0, 12));
    EXPECT_FALSE(keys[0].revoked_at.has_value());
    nlohmann::json j = keys[0];
    EXPECT_TRUE(j["revoked_at"].is_null());
    EXPECT_FALSE(j.contains("hash"));

    // "sk-own-" is a prefix of both keys: ambiguous, names both ids
    EXPECT_CONTAINS(error_of([&] { s.revoke_key("sk-own-"); }), "matches 2 active keys");
    EXPECT_CONTAINS(error_of([&] { s.revoke_key(""); }), "give a key id or prefix");
    EXPECT_FALSE(s.revoke_key("sk-own-nope"));
    EXPECT_FALSE(s.revoke_key("999"));

    EXPECT_TRUE(s.revoke_key(a.substr(0, 12)));  // by display prefix
    EXPECT_FALSE(s.check_key(a));
    EXPECT_TRUE(s.check_key(b));
    EXPECT_FALSE(s.revoke_key(a.substr(0, 12)));  // already revoked
    EXPECT_TRUE(s.list_keys()[0].revoked_at.has_value());
    EXPECT_TRUE(s.has_keys());
    EXPECT_TRUE(s.revoke_key(std::to_string(s.list_keys()[1].id)));  // by id
    EXPECT_TRUE(s.has_keys()) << "revoking the last key must not unlock the server";

    std::string c = s.create_key("server");
    EXPECT_TRUE(s.revoke_key(c));  // by the whole key
    EXPECT_FALSE(s.check_key(c));
  }
  // the plain keys are nowhere in the files; a reopened store still knows their hashes
  std::string bytes = all_bytes(dir.path);
  EXPECT_EQ(bytes.find(a), std::string::npos);
  EXPECT_EQ(bytes.find(b), std::string::npos);
  EXPECT_EQ(bytes.find(a.substr(7)), std::string::npos);
  Store s(dir.file("ownchat.db"), Store::Open::existing);
  EXPECT_EQ(s.list_keys().size(), 3u);
  std::string d = s.create_key("again");
  EXPECT_TRUE(s.check_key(d));
}

TEST(Store, ConversationTreeAndPath) {
  ScratchDir dir;
  Store s(dir.file("run/ownchat.db"));  // creates run/
  ConversationInfo c = s.create_conversation(kAll, "Whales", "Be brief.", "d6");
  EXPECT_EQ(c.id.size(), 36u);
  EXPECT_EQ(c.id[14], '4');
  std::string u1 = s.add_message(kAll, msg(c.id, "", "user", "What is a whale?"));
  Message a = msg(c.id, u1, "assistant", "A large sea mammal.", "d6");
  a.checkpoint = "runs/d6/ckpt/sft";
  a.sampling = {{"temperature", 0.7}, {"top_p", 0.9}};
  a.prompt_tokens = 12;
  a.completion_tokens = 6;
  a.tokens_per_s = 123.5;
  std::string a1 = s.add_message(kAll, a);
  std::string a2 = s.add_message(kAll, msg(c.id, u1, "assistant", "A fish.", "d6"));          // regenerate
  std::string u1b = s.add_message(kAll, msg(c.id, "", "user", "What is a whale, really?"));  // edit of the root
  std::string u2 = s.add_message(kAll, msg(c.id, a1, "user", "How big?"));
  std::string a3 = s.add_message(kAll, msg(c.id, u2, "assistant", "Up to 30 m."));

  EXPECT_EQ(ids_of(s.path_to(kAll, a3)), (std::vector<std::string>{u1, a1, u2, a3}));
  EXPECT_EQ(ids_of(s.path_to(kAll, a2)), (std::vector<std::string>{u1, a2}));
  EXPECT_EQ(ids_of(s.path_to(kAll, u1b)), (std::vector<std::string>{u1b}));
  EXPECT_TRUE(s.path_to(kAll, "no-such-id").empty());

  std::optional<ConversationTree> t = s.get_conversation(kAll, c.id);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->info.title, "Whales");
  EXPECT_EQ(t->info.system_prompt, "Be brief.");
  EXPECT_EQ(ids_of(t->messages), (std::vector<std::string>{u1, a1, a2, u1b, u2, a3}));  // creation order
  const Message& m = t->messages[1];
  EXPECT_EQ(m.parent_id, u1);
  EXPECT_EQ(m.checkpoint, "runs/d6/ckpt/sft");
  EXPECT_EQ(m.sampling["temperature"], 0.7);
  EXPECT_EQ(m.prompt_tokens, 12);
  EXPECT_EQ(m.completion_tokens, 6);
  EXPECT_DOUBLE_EQ(m.tokens_per_s, 123.5);
  EXPECT_TRUE(t->messages[0].sampling.is_null());
  nlohmann::json j = *t;
  EXPECT_EQ(j["id"], c.id);
  EXPECT_TRUE(j["messages"][0]["parent_id"].is_null());
  EXPECT_EQ(j["messages"][1]["parent_id"], u1);
  EXPECT_EQ(j["messages"][1]["sampling"]["top_p"], 0.9);
  EXPECT_FALSE(s.get_conversation(kAll, "nope").has_value());
  EXPECT_EQ(s.get_message(kAll, a2)->content, "A fish.");

  // a parent from another conversation, an unknown parent or conversation, a bad role
  ConversationInfo other = s.create_conversation(kAll, "Other", "", "d6");
  EXPECT_CONTAINS(error_of([&] { s.add_message(kAll, msg(other.id, u1, "user", "x")); }), "belongs to another conversation");
  EXPECT_CONTAINS(error_of([&] { s.add_message(kAll, msg(c.id, "nope", "user", "x")); }), "does not exist");
  EXPECT_CONTAINS(error_of([&] { s.add_message(kAll, msg("nope", "", "user", "x")); }), "no conversation");
  EXPECT_CONTAINS(error_of([&] { s.add_message(kAll, msg(c.id, "", "tool", "x")); }), "got \"tool\"");
  Message bad = msg(c.id, "", "user", "x");
  bad.sampling = nlohmann::json::array({1, 2});
  EXPECT_CONTAINS(error_of([&] { s.add_message(kAll, bad); }), "JSON object");
  EXPECT_EQ(s.get_conversation(kAll, c.id)->messages.size(), 6u);
}

TEST(Store, RenameDeleteCascade) {
  ScratchDir dir;
  Store s(dir.file("ownchat.db"));
  ConversationInfo c = s.create_conversation(kAll, "old", "", "m");
  std::string u = s.add_message(kAll, msg(c.id, "", "user", "hi"));
  std::string a = s.add_message(kAll, msg(c.id, u, "assistant", "hello"));
  s.rate(kAll, a, 1, "", "");
  EXPECT_TRUE(s.rename_conversation(kAll, c.id, "new"));
  EXPECT_EQ(s.get_conversation_info(kAll, c.id)->title, "new");
  EXPECT_FALSE(s.rename_conversation(kAll, "nope", "x"));

  ConversationInfo keep = s.create_conversation(kAll, "keep", "", "m");
  std::string ku = s.add_message(kAll, msg(keep.id, "", "user", "hi"));
  EXPECT_TRUE(s.delete_conversation(kAll, c.id));
  EXPECT_FALSE(s.delete_conversation(kAll, c.id));
  EXPECT_FALSE(s.get_conversation(kAll, c.id).has_value());
  EXPECT_FALSE(s.get_message(kAll, u).has_value());
  EXPECT_FALSE(s.get_message(kAll, a).has_value());
  EXPECT_FALSE(s.get_rating(kAll, a).has_value());
  EXPECT_EQ(s.feedback_stats(kAll).ratings, 0);
  EXPECT_TRUE(s.get_message(kAll, ku).has_value());
  EXPECT_EQ(s.list_conversations(kAll).size(), 1u);
}

TEST(Store, ListAndSearch) {
  ScratchDir dir;
  Store s(dir.file("ownchat.db"));
  ConversationInfo a = s.create_conversation(kAll, "Whale facts", "", "m");
  ConversationInfo b = s.create_conversation(kAll, "Cooking", "", "m");
  ConversationInfo c = s.create_conversation(kAll, "100% sure", "", "m");
  s.add_message(kAll, msg(b.id, "", "user", "How long to boil an egg? Ask a WHALE."));
  // most recent activity first; a had none since it was created first
  std::vector<ConversationInfo> all = s.list_conversations(kAll);
  ASSERT_EQ(all.size(), 3u);
  std::set<std::string> ids;
  for (const auto& x : all) ids.insert(x.id);
  EXPECT_EQ(ids, (std::set<std::string>{a.id, b.id, c.id}));
  EXPECT_EQ(all.back().id, a.id);

  auto found = [&](const std::string& q) {
    std::set<std::string> out;
    for (const auto& x : s.list_conversations(kAll, q)) out.insert(x.title);
    return out;
  };
  EXPECT_EQ(found("whale"), (std::set<std::string>{"Whale facts", "Cooking"}));  // title, content; any case
  EXPECT_EQ(found("boil"), (std::set<std::string>{"Cooking"}));
  EXPECT_EQ(found("0%"), (std::set<std::string>{"100% sure"}));  // % is literal
  EXPECT_TRUE(found("_").empty());                               // _ is literal
  EXPECT_TRUE(found("\\").empty());
  EXPECT_TRUE(found("'; DROP TABLE conversations; --").empty());
  EXPECT_EQ(s.list_conversations(kAll, "", 2).size(), 2u);
  EXPECT_EQ(s.list_conversations(kAll, "", 2, 2).size(), 1u);
  EXPECT_CONTAINS(error_of([&] { s.list_conversations(kAll, "", -1); }), "limit and offset");
}

TEST(Store, RatingsUpsertChangeClear) {
  ScratchDir dir;
  Store s(dir.file("ownchat.db"));
  ConversationInfo c = s.create_conversation(kAll, "t", "", "m");
  std::string u = s.add_message(kAll, msg(c.id, "", "user", "hi"));
  std::string a = s.add_message(kAll, msg(c.id, u, "assistant", "hello"));
  EXPECT_FALSE(s.get_rating(kAll, a).has_value());

  Rating r = s.rate(kAll, a, 1, "helpful", "nice");
  EXPECT_EQ(r.rating, 1);
  EXPECT_EQ(r.reason, "helpful");
  r = s.rate(kAll, a, -1, "wrong", "");  // change of mind: one row, new values
  EXPECT_EQ(r.rating, -1);
  std::optional<Rating> g = s.get_rating(kAll, a);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->rating, -1);
  EXPECT_EQ(g->reason, "wrong");
  EXPECT_EQ(g->comment, "");
  EXPECT_LE(g->created_at, g->updated_at);
  FeedbackStats st = s.feedback_stats(kAll);
  EXPECT_EQ(st.ratings, 1);
  EXPECT_EQ(st.up, 0);
  EXPECT_EQ(st.down, 1);
  EXPECT_EQ(s.get_conversation(kAll, c.id)->ratings.size(), 1u);
  nlohmann::json j = *g;
  EXPECT_EQ(j["rating"], -1);
  EXPECT_EQ(j["message_id"], a);

  EXPECT_CONTAINS(error_of([&] { s.rate(kAll, u, 1, "", ""); }), "only assistant answers can be rated");
  EXPECT_CONTAINS(error_of([&] { s.rate(kAll, "nope", 1, "", ""); }), "no message \"nope\"");
  EXPECT_CONTAINS(error_of([&] { s.rate(kAll, a, 0, "", ""); }), "+1 or -1");
  EXPECT_CONTAINS(error_of([&] { s.rate(kAll, a, 2, "", ""); }), "+1 or -1");
  EXPECT_EQ(s.get_rating(kAll, a)->rating, -1);

  EXPECT_TRUE(s.clear_rating(kAll, a));
  EXPECT_FALSE(s.clear_rating(kAll, a));
  EXPECT_FALSE(s.get_rating(kAll, a).has_value());
  EXPECT_EQ(s.feedback_stats(kAll).ratings, 0);
}

TEST(Feedback, PreferencePairsFromRegenerations) {
  ScratchDir dir;
  Store s(dir.file("ownchat.db"));
  ConversationInfo c = s.create_conversation(kAll, "t", "You are terse.", "m");
  std::string u1 = s.add_message(kAll, msg(c.id, "", "user", "2+2?"));
  std::string good = s.add_message(kAll, msg(c.id, u1, "assistant", "4", "sft"));
  std::string bad = s.add_message(kAll, msg(c.id, u1, "assistant", "5", "base"));
  std::string unrated = s.add_message(kAll, msg(c.id, u1, "assistant", "four"));
  s.rate(kAll, good, 1, "", "");
  s.rate(kAll, bad, -1, "wrong", "");
  std::vector<PreferencePair> pairs = s.preference_pairs(kAll);
  ASSERT_EQ(pairs.size(), 1u);
  nlohmann::json j = pairs[0];
  EXPECT_EQ(j["prompt"], nlohmann::json::parse(R"([{"role":"system","content":"You are terse."},
                                                   {"role":"user","content":"2+2?"}])"));
  EXPECT_EQ(j["chosen"], nlohmann::json::parse(R"([{"role":"assistant","content":"4"}])"));
  EXPECT_EQ(j["rejected"], nlohmann::json::parse(R"([{"role":"assistant","content":"5"}])"));
  EXPECT_EQ(j["chosen_model"], "sft");
  EXPECT_EQ(j["rejected_model"], "base");
  EXPECT_EQ(j["conversation_id"], c.id);

  // two ups and one down at a deeper turn: 2 more pairs, whose prompt is the whole path
  std::string u2 = s.add_message(kAll, msg(c.id, good, "user", "and 3+3?"));
  std::string x = s.add_message(kAll, msg(c.id, u2, "assistant", "6"));
  std::string y = s.add_message(kAll, msg(c.id, u2, "assistant", "six"));
  std::string z = s.add_message(kAll, msg(c.id, u2, "assistant", "7"));
  s.rate(kAll, x, 1, "", "");
  s.rate(kAll, y, 1, "", "");
  s.rate(kAll, z, -1, "", "");
  // same-sign siblings make nothing, in a conversation without a system prompt
  ConversationInfo c2 = s.create_conversation(kAll, "t2", "", "m");
  std::string v = s.add_message(kAll, msg(c2.id, "", "user", "hi"));
  s.rate(kAll, s.add_message(kAll, msg(c2.id, v, "assistant", "hello")), 1, "", "");
  s.rate(kAll, s.add_message(kAll, msg(c2.id, v, "assistant", "hey")), 1, "", "");
  std::string w = s.add_message(kAll, msg(c2.id, "", "user", "bye"));
  s.rate(kAll, s.add_message(kAll, msg(c2.id, w, "assistant", "ciao")), -1, "", "");
  s.rate(kAll, s.add_message(kAll, msg(c2.id, w, "assistant", "later")), -1, "", "");

  pairs = s.preference_pairs(kAll);
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[1].prompt.size(), 4u);  // system, user, assistant "4", user
  EXPECT_EQ(pairs[1].prompt[2].content, "4");
  EXPECT_EQ(pairs[1].prompt[3].content, "and 3+3?");
  EXPECT_EQ(pairs[1].chosen, "6");
  EXPECT_EQ(pairs[2].chosen, "six");
  EXPECT_EQ(pairs[1].rejected, "7");
  EXPECT_EQ(pairs[2].rejected, "7");
  FeedbackStats st = s.feedback_stats(kAll);
  EXPECT_EQ(st.ratings, 9);
  EXPECT_EQ(st.up, 5);
  EXPECT_EQ(st.down, 4);
  EXPECT_EQ(st.pairs, 3);
  (void)unrated;

  std::string out = dir.file("feedback/pairs.jsonl");
  write_preference_jsonl(out, pairs);
  std::vector<nlohmann::json> lines = read_jsonl(out);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], j);
  EXPECT_EQ(lines[2]["chosen"][0]["content"], "six");
}

TEST(Store, BadDatabaseFiles) {
  ScratchDir dir;
  std::string junk = dir.file("junk.db");
  write_file_atomic(junk, std::string(4096, 'x'));
  std::string e = error_of([&] { Store s(junk); });
  EXPECT_CONTAINS(e, junk);
  EXPECT_CONTAINS(e, "not a database");

  std::string foreign = dir.file("foreign.db");
  sqlite_exec(foreign, "CREATE TABLE t(x)");
  EXPECT_CONTAINS(error_of([&] { Store s(foreign); }), "not ownchat's");

  std::string future = dir.file("future.db");
  { Store s(future); }
  sqlite_exec(future, "PRAGMA user_version = 99");
  EXPECT_CONTAINS(error_of([&] { Store s(future); }), "schema version 99 is newer");

  EXPECT_CONTAINS(error_of([&] { Store s(dir.file("missing.db"), Store::Open::existing); }), "no such database");
  EXPECT_FALSE(fs::exists(dir.file("missing.db")));
  EXPECT_CONTAINS(error_of([&] { Store s(dir.path.string()); }), "cannot open database");
  EXPECT_TRUE(Store(dir.file("empty.db")).list_keys().empty());  // a new file gets the schema
  { Store again(dir.file("empty.db"), Store::Open::existing); }
}

TEST(Store, ManyThreads) {
  ScratchDir dir;
  Store s(dir.file("ownchat.db"));
  ConversationInfo c = s.create_conversation(kAll, "t", "", "m");
  std::string u = s.add_message(kAll, msg(c.id, "", "user", "hi"));
  std::string key = s.create_key("k");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; t++)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; i++) {
        std::string a = s.add_message(kAll, msg(c.id, u, "assistant", fmt::format("{} {}", t, i)));
        s.rate(kAll, a, i % 2 ? 1 : -1, "", "");
        EXPECT_TRUE(s.check_key(key));
      }
    });
  for (auto& th : threads) th.join();
  EXPECT_EQ(s.get_conversation(kAll, c.id)->messages.size(), 41u);
  FeedbackStats st = s.feedback_stats(kAll);
  EXPECT_EQ(st.ratings, 40);
  EXPECT_EQ(st.pairs, 400);
}

// A writer killed with SIGKILL loses nothing it acknowledged: the child writes a message id to
// the pipe only after rate() returned; the parent kills it mid-loop and reopens the file.
TEST(Store, RatingsSurviveKill9) {
  ScratchDir dir;
  const std::string db = dir.file("ownchat.db");
  std::string conv, user;
  {
    Store s(db);
    conv = s.create_conversation(kAll, "t", "", "m").id;
    user = s.add_message(kAll, msg(conv, "", "user", "hi"));
  }  // no connection crosses the fork
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::close(fds[0]);
    try {
      Store s(db, Store::Open::existing);
      for (int i = 0; i < 100000; i++) {
        std::string a = s.add_message(kAll, msg(conv, user, "assistant", std::to_string(i)));
        int rating = i % 3 ? 1 : -1;
        s.rate(kAll, a, rating, fmt::format("r{}", i), "");
        std::string line = fmt::format("{} {}\n", a, rating);
        if (::write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(3);
      }
    } catch (...) {
      ::_exit(2);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string got;
  char buf[4096];
  size_t lines = 0;
  while (lines < 25) {
    ssize_t n = ::read(fds[0], buf, sizeof(buf));
    if (n <= 0) break;
    got.append(buf, static_cast<size_t>(n));
    lines = static_cast<size_t>(std::count(got.begin(), got.end(), '\n'));
  }
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(fds[0]);
  ASSERT_GE(lines, 25u) << "the writer stopped early; exit status " << status;
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);

  Store s(db, Store::Open::existing);
  std::istringstream in(got.substr(0, got.rfind('\n') + 1));
  std::string id;
  int rating = 0;
  size_t checked = 0;
  while (in >> id >> rating) {
    std::optional<Rating> r = s.get_rating(kAll, id);
    ASSERT_TRUE(r.has_value()) << "acknowledged rating of " << id << " lost";
    EXPECT_EQ(r->rating, rating);
    checked++;
  }
  EXPECT_EQ(checked, lines);
  EXPECT_GE(s.feedback_stats(kAll).ratings, static_cast<int64_t>(lines));
}

// ---- the commands, through the real binary ----

TEST(Keys, CliCreateListRevoke) {
  ScratchDir dir;
  const std::string run = dir.file("run");
  CmdResult r = run_binary("keys create --name laptop --run " + run);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "cannot be shown again");
  std::string key = r.output.substr(0, r.output.find('\n'));
  ASSERT_TRUE(key.starts_with("sk-own-")) << r.output;
  ASSERT_EQ(key.size(), 39u);
  EXPECT_EQ(all_bytes(run).find(key), std::string::npos);
  EXPECT_TRUE(Store(run + "/ownchat.db").check_key(key));

  r = run_binary("keys list --run " + run);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "laptop");
  EXPECT_CONTAINS(r.output, key.substr(0, 12));
  EXPECT_CONTAINS(r.output, "active");
  EXPECT_EQ(r.output.find(key), std::string::npos);

  r = run_binary("keys revoke " + key.substr(0, 12) + " --db " + run + "/ownchat.db");
  EXPECT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "revoked");
  r = run_binary("keys list --run " + run);
  EXPECT_CONTAINS(r.output, "revoked");
  r = run_binary("keys revoke " + key.substr(0, 12) + " --run " + run);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "no active key matches");
  EXPECT_FALSE(Store(run + "/ownchat.db").check_key(key));
}

TEST(Keys, CliBadInput) {
  ScratchDir dir;
  std::string junk = dir.file("notes.txt");
  write_file_atomic(junk, "these are my notes, not a database\n" + std::string(2000, '.'));
  CmdResult r = run_binary("keys list --db " + junk);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, junk);
  EXPECT_CONTAINS(r.output, "not a database");
  r = run_binary("keys create --db " + junk);
  EXPECT_EQ(r.status, 1) << r.output;
  r = run_binary("feedback export --db " + junk);
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "not a database");
  EXPECT_EQ(read_file(junk).substr(0, 10), "these are ");  // untouched

  r = run_binary("keys list --run " + dir.file("nothing"));
  EXPECT_EQ(r.status, 1) << r.output;
  EXPECT_CONTAINS(r.output, "no such database");
  EXPECT_FALSE(fs::exists(dir.file("nothing")));
  r = run_binary("keys list --run " + dir.file("a") + " --db " + dir.file("b"));
  EXPECT_NE(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "excludes");
}

TEST(Feedback, CliExport) {
  ScratchDir dir;
  const std::string run = dir.file("run");
  {
    Store s(run + "/ownchat.db");
    ConversationInfo c = s.create_conversation(kAll, "t", "", "m");
    std::string u = s.add_message(kAll, msg(c.id, "", "user", "hi"));
    s.rate(kAll, s.add_message(kAll, msg(c.id, u, "assistant", "hello")), 1, "", "");
    s.rate(kAll, s.add_message(kAll, msg(c.id, u, "assistant", "go away")), -1, "rude", "");
  }
  CmdResult r = run_binary("feedback export --run " + run);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_CONTAINS(r.output, "2 ratings (1 up, 1 down) -> 1 preference pairs");
  std::vector<nlohmann::json> lines = read_jsonl(run + "/data/feedback/pairs.jsonl");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0]["chosen"][0]["content"], "hello");
  EXPECT_EQ(lines[0]["rejected"][0]["content"], "go away");
  EXPECT_EQ(lines[0]["prompt"][0]["content"], "hi");

  const std::string out = dir.file("elsewhere/p.jsonl");
  r = run_binary("feedback export --db " + run + "/ownchat.db --out " + out);
  ASSERT_EQ(r.status, 0) << r.output;
  EXPECT_EQ(read_jsonl(out).size(), 1u);
}
