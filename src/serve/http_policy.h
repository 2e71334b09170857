// Who may talk to the server from a browser: the Host a request names (against DNS rebinding),
// the content type of request bodies (a cross-site form or a "simple" text/plain fetch cannot send
// application/json without a CORS preflight), and the CORS origins that may call the API.
// Pure checks on header values as sent; the server decides where they apply.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "serve/api_error.h"

namespace own {

struct HttpPolicyOptions {
  std::string bind_host = "127.0.0.1";    // serve --host
  std::vector<std::string> allow_hosts;   // serve --allow-host (names; "*" = any Host)
  std::vector<std::string> cors_origins;  // serve --cors ("*" = any origin); none = no CORS headers
};

class HttpPolicy {
 public:
  explicit HttpPolicy(HttpPolicyOptions o);

  // nullopt when a request naming this Host may be served (host: the header's value, nullptr when
  // absent); else the 403 to answer
  std::optional<ApiError> check_host(const std::string* host) const;
  // nullopt when a request with this method and Content-Type (nullptr when absent) is acceptable:
  // POST, PUT and PATCH must say application/json (parameters such as charset allowed), even
  // with an empty body; else the 415 to answer
  static std::optional<ApiError> check_content_type(std::string_view method, const std::string* content_type);

  bool cors_enabled() const { return !o_.cors_origins.empty(); }
  bool origin_allowed(std::string_view origin) const;
  // the CORS response headers for a request from this Origin (nullptr: none sent): none at all
  // without --cors; Vary: Origin always with it; the Allow-* headers for an allowed origin
  std::vector<std::pair<std::string, std::string>> cors_headers(const std::string* origin, bool preflight) const;

 private:
  HttpPolicyOptions o_;
};

}  // namespace own
