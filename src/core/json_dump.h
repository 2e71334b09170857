// Compact JSON text for files, HTTP bodies and metrics lines. Text that reaches us from users or
// corpora may hold invalid UTF-8; nlohmann's dump() would throw on it, so it is written as U+FFFD.
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace own {

inline std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace own
