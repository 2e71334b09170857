// The guard file: see store_guard.h.
#include "serve/store_guard.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/check.h"
#include "core/fileio.h"
#include "core/json_util.h"

namespace own {

namespace {
constexpr const char* kFormat = "ownchat-db-guard";
constexpr int kVersion = 1;
}  // namespace

std::string store_guard_path(const std::string& db_path) { return db_path + ".guard"; }

std::optional<StoreGuard> read_store_guard(const std::string& db_path) {
  const std::string path = store_guard_path(db_path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (ec) input_error("{}: cannot check the guard file: {}", path, ec.message());
    return std::nullopt;
  }
  const auto broken = [&](const std::string& why) {
    input_error("{}: the guard file of {} is unreadable ({}); if {} is the right database, `ownchat db accept-loss "
                "--db {}` rewrites the guard",
                path, db_path, why, db_path, db_path);
  };
  const nlohmann::json j = nlohmann::json::parse(read_file(path), nullptr, false);
  if (j.is_discarded() || !j.is_object()) broken("not a JSON object");
  if (string_or(j, "format", "") != kFormat) broken(fmt::format("\"format\" is not \"{}\"", kFormat));
  if (!j.contains("version") || !j["version"].is_number_integer() || j["version"].get<int64_t>() != kVersion)
    broken(fmt::format("\"version\" is not {}; written by another ownchat?", kVersion));
  if (!j.contains("db_id") || !j["db_id"].is_string() || j["db_id"].get<std::string>().empty())
    broken("\"db_id\" is missing");
  if (!j.contains("had_keys") || !j["had_keys"].is_boolean()) broken("\"had_keys\" is missing");
  StoreGuard g;
  g.db_id = j["db_id"].get<std::string>();
  g.had_keys = j["had_keys"].get<bool>();
  if (j.contains("written_at") && j["written_at"].is_number_integer()) g.written_at = j["written_at"].get<int64_t>();
  return g;
}

void write_store_guard(const std::string& db_path, const StoreGuard& g) {
  const nlohmann::json j = {{"format", kFormat},
                            {"version", kVersion},
                            {"db", std::filesystem::path(db_path).filename().string()},
                            {"db_id", g.db_id},
                            {"had_keys", g.had_keys},
                            {"written_at", g.written_at},
                            {"note", "Written by ownchat: the database beside it is checked against this at "
                                     "start-up. Do not edit; `ownchat db accept-loss` rewrites it."}};
  write_file_atomic(store_guard_path(db_path), j.dump(2) + "\n");
}

std::string store_guard_loss(const StoreGuard& g, const StoreFound& found) {
  if (!found.exists) return "was deleted";
  if (found.empty) return "was emptied";
  if (found.db_id != g.db_id) return "was replaced by another database";
  if (g.had_keys && !found.has_keys) return "lost its API keys";
  return "";
}

}  // namespace own
