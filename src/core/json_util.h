// JSON helpers for what comes from outside: text that may hold invalid UTF-8, and objects whose
// fields may have any type (nlohmann's value() throws a type_error on a field of another type).
#pragma once
#include <nlohmann/json.hpp>

#include <string>

namespace own {

// Compact JSON text for files, HTTP bodies and metrics lines; invalid UTF-8 is written as U+FFFD
// (nlohmann's dump() would throw on it).
inline std::string dump_json(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// obj[key] when obj is an object holding a string there, else `fallback` (missing, null, another
// type, or obj not an object)
inline std::string string_or(const nlohmann::json& obj, const char* key, const std::string& fallback) {
  if (!obj.is_object()) return fallback;
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : fallback;
}

}  // namespace own
