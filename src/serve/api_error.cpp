#include "serve/api_error.h"

namespace own {

std::string ApiError::default_type(int status) {
  switch (status) {
    case 401: return "invalid_request_error";  // OpenAI: code "invalid_api_key"
    case 404: return "invalid_request_error";
    case 429: return "rate_limit_error";
    case 500: return "server_error";
    case 503: return "server_error";
    default: return "invalid_request_error";
  }
}

nlohmann::json error_json(const ApiError& e) {
  using nlohmann::json;
  return json{{"error",
               {{"message", e.what()},
                {"type", e.type},
                {"param", e.param.empty() ? json(nullptr) : json(e.param)},
                {"code", e.code.empty() ? json(nullptr) : json(e.code)}}}};
}

}  // namespace own
