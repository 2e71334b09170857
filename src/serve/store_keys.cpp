// The api_keys table: keys are stored as their SHA-256 and a display prefix (see store.h).
#include <openssl/crypto.h>

#include "core/check.h"
#include "serve/store.h"
#include "serve/store_guard.h"
#include "serve/store_ids.h"
#include "serve/store_rows.h"
#include "serve/store_sql.h"

namespace own {

using namespace store_sql;

namespace {

bool all_digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::string Store::create_key(const std::string& name, bool admin) {
  std::string key = new_api_key();
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

}  // namespace own
