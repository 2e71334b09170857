// An error the HTTP API answers with: its status and OpenAI's error object
//   {"error": {"message": ..., "type": ..., "param": ... | null, "code": ... | null}}
// Thrown anywhere below a route handler; the server turns it into the response.
#pragma once
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>

namespace own {

struct ApiError : std::runtime_error {
  int status;
  std::string type, param, code;  // param/code "" -> null
  ApiError(int status_, const std::string& message, std::string param_ = "", std::string code_ = "",
           std::string type_ = "")
      : std::runtime_error(message),
        status(status_),
        type(type_.empty() ? default_type(status_) : std::move(type_)),
        param(std::move(param_)),
        code(std::move(code_)) {}
  static std::string default_type(int status);
};

nlohmann::json error_json(const ApiError& e);

// 400 invalid_request_error naming the offending field
template <typename... Args>
[[noreturn]] void bad_request(const std::string& param, const std::string& code, fmt::format_string<Args...> f,
                              Args&&... args) {
  throw ApiError(400, fmt::format(f, std::forward<Args>(args)...), param, code);
}

}  // namespace own
