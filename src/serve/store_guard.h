// The guard file beside the serve database (RUN/ownchat.db.guard): a record outside SQLite of
// which database this is (its db_id, kept in the database's store_meta table) and whether it ever
// held API keys. Without it a deleted, truncated or replaced ownchat.db looks like a fresh run and
// the server would start unlocked; with it the store notices and refuses (see Store's constructor).
// JSON with a format tag and version; written atomically (temp, fsync, rename) and only by the
// store. It guards against accidents and quiet loss, not against someone who may edit both files.
#pragma once
#include <cstdint>
#include <optional>
#include <string>

namespace own {

struct StoreGuard {
  std::string db_id;      // the database it describes
  bool had_keys = false;  // once true, stays true: a keyed database must never reopen unlocked
  int64_t written_at = 0;  // unix seconds
};

// What the store found at the database path, for comparing with the guard.
struct StoreFound {
  bool exists = false;  // the file is there
  bool empty = true;    // no file, zero bytes, or a SQLite file with no tables
  std::string db_id;    // "" when the database has none (older schema, or not ownchat's)
  bool has_keys = false;
};

std::string store_guard_path(const std::string& db_path);  // db_path + ".guard"
// nullopt when there is none; InputError naming the guard when it cannot be read or parsed
std::optional<StoreGuard> read_store_guard(const std::string& db_path);
void write_store_guard(const std::string& db_path, const StoreGuard& g);  // atomically

// "" when `found` is the database `g` describes; else what became of it, as a phrase
// ("was deleted", "was emptied", "was replaced by another database", "lost its API keys")
std::string store_guard_loss(const StoreGuard& g, const StoreFound& found);

}  // namespace own
