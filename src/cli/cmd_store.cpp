// ownchat keys create|list|revoke, ownchat feedback export, ownchat db check|accept-loss: the serve
// database from the shell
#include <fmt/format.h>

#include <cstdio>

#include "cli/commands.h"
#include "core/check.h"
#include "serve/feedback_export.h"
#include "serve/store.h"

namespace own::cli {

namespace {

struct DbFlags {
  std::string run_dir = "runs/default";
  std::string db;
  void add(CLI::App* app) {
    CLI::Option* run = app->add_option("--run", run_dir, "run directory (its ownchat.db)")->capture_default_str();
    app->add_option("--db", db, "database file (default RUN/ownchat.db)")->excludes(run);
  }
  std::string path() const { return Store::default_path(run_dir, db); }
};

}  // namespace

void register_store_commands(CLI::App& app) {
  CLI::App* keys =
      app.add_subcommand("keys", "API keys for `ownchat serve` (stored as SHA-256 hashes in RUN/ownchat.db)");
  keys->require_subcommand(1);

  CLI::App* create = keys->add_subcommand("create", "create a key and print it (once)");
  auto cf = std::make_shared<DbFlags>();
  auto name = std::make_shared<std::string>("default");
  auto admin = std::make_shared<bool>(false);
  cf->add(create);
  create->add_option("--name", *name, "a label for the key, shown by `keys list`")->capture_default_str();
  create->add_flag("--admin", *admin, "the key sees every key's conversations and ratings (else only its own)");
  create->callback([=] {
    Store store(cf->path(), Store::Open::create);
    fmt::print("{}\n", store.create_key(*name, *admin));
    std::fflush(stdout);
    fmt::print(stderr,
               "Keep this key now: it cannot be shown again ({} stores only its hash). Clients send it as "
               "`Authorization: Bearer KEY`.\n",
               store.path());
  });

  CLI::App* list = keys->add_subcommand("list", "list keys: id, name, display prefix, created, revoked");
  auto lf = std::make_shared<DbFlags>();
  lf->add(list);
  list->callback([=] {
    Store store(lf->path(), Store::Open::existing);
    fmt::print("{}", api_keys_table(store.list_keys()));
  });

  CLI::App* revoke = keys->add_subcommand("revoke", "revoke a key by id, display prefix or the whole key");
  auto rf = std::make_shared<DbFlags>();
  auto which = std::make_shared<std::string>();
  rf->add(revoke);
  revoke->add_option("key", *which, "ID_OR_PREFIX, as `keys list` shows")->required();
  revoke->callback([=] {
    Store store(rf->path(), Store::Open::existing);
    if (!store.revoke_key(*which)) input_error("no active key matches \"{}\" (see `ownchat keys list`)", *which);
    fmt::print("revoked {}\n", *which);
  });

  CLI::App* db = app.add_subcommand("db", "the serve database itself: check it, or accept that it was lost");
  db->require_subcommand(1);
  CLI::App* check = db->add_subcommand("check", "SQLite's integrity_check of RUN/ownchat.db; exit 1 unless it says ok");
  auto kf = std::make_shared<DbFlags>();
  kf->add(check);
  check->callback([=] {
    Store store(kf->path(), Store::Open::existing);  // opening runs quick_check and the guard check
    const std::string result = store.integrity_check();
    if (result != "ok") input_error("{}: integrity_check failed:\n{}", store.path(), result);
    fmt::print("{}: ok\n", store.path());
  });
  CLI::App* accept = db->add_subcommand(
      "accept-loss", "accept that the database its guard file names is gone (deleted, emptied, replaced, lost its "
                     "keys): start with the one at the path, or a new one, and rewrite the guard");
  auto af = std::make_shared<DbFlags>();
  af->add(accept);
  accept->callback([=] {
    Store store(af->path(), Store::Open::create, true);
    if (store.loss_at_open().empty())
      fmt::print("{}: nothing to accept: it is the database its guard file names\n", store.path());
    else
      fmt::print("{}: loss accepted (the database {}); `ownchat serve` starts with the database now there\n",
                 store.path(), store.loss_at_open());
  });

  CLI::App* feedback = app.add_subcommand("feedback", "ratings collected by `ownchat serve`");
  feedback->require_subcommand(1);
  CLI::App* exp = feedback->add_subcommand(
      "export", "preference pairs (answers to one prompt rated +1 and -1) as TRL JSONL for `train rm|dpo`");
  auto ef = std::make_shared<DbFlags>();
  auto out = std::make_shared<std::string>();
  ef->add(exp);
  exp->add_option("--out", *out, "JSONL to write (default: data/feedback/pairs.jsonl beside the database)");
  exp->callback([=] {
    FeedbackExport e = feedback_export(FeedbackExportOptions{ef->run_dir, ef->db, *out});
    fmt::print("{} ratings ({} up, {} down) -> {} preference pairs in {}\n", e.stats.ratings, e.stats.up,
               e.stats.down, e.stats.pairs, e.out);
  });
}

}  // namespace own::cli
