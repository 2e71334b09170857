#include "serve/http_policy.h"

#include <arpa/inet.h>
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "serve/http_request_head.h"

namespace own {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "[::1]" -> "::1"; names lower-cased
std::string normal_host(std::string_view h) {
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return lower(h);
}

bool is_ip_literal(const std::string& h) {
  unsigned char buf[16];
  return inet_pton(AF_INET, h.c_str(), buf) == 1 || inet_pton(AF_INET6, h.c_str(), buf) == 1;
}

// the host part of a Host header value ("name", "name:port", "[v6]", "[v6]:port"); nullopt if malformed
std::optional<std::string> host_name(std::string_view v) {
  std::string_view name = v, port;
  if (!v.empty() && v.front() == '[') {
    const size_t close = v.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    name = v.substr(1, close - 1);
    const std::string_view rest = v.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') return std::nullopt;
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const size_t colon = v.find(':');
    if (colon != std::string_view::npos) {
      if (v.find(':', colon + 1) != std::string_view::npos) return std::nullopt;  // a bare IPv6 address
      name = v.substr(0, colon);
      port = v.substr(colon + 1);
    }
  }
  if (name.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return lower(name);
}

}  // namespace

HttpPolicy::HttpPolicy(HttpPolicyOptions o) : o_(std::move(o)) {
  o_.bind_host = normal_host(o_.bind_host);
  for (std::string& h : o_.allow_hosts) h = normal_host(h);
  for (std::string& origin : o_.cors_origins)
    while (origin.size() > 1 && origin.back() == '/') origin.pop_back();
}

std::optional<ApiError> HttpPolicy::check_host(const std::string* host) const {
  if (!host || host->empty()) return std::nullopt;  // HTTP/1.0 tools; a browser always sends one
  const std::optional<std::string> name = host_name(*host);
  if (name) {
    const bool wildcard_bind = o_.bind_host.empty() || o_.bind_host == "0.0.0.0" || o_.bind_host == "::";
    if (*name == "localhost" || *name == "127.0.0.1" || *name == "::1" || *name == o_.bind_host) return std::nullopt;
    if (wildcard_bind && is_ip_literal(*name)) return std::nullopt;
    for (const std::string& allowed : o_.allow_hosts)
      if (allowed == "*" || allowed == *name) return std::nullopt;
  }
  return ApiError(403,
                  fmt::format("Host '{}' is not allowed: this server answers to localhost, 127.0.0.1, [::1]{}{}. "
                              "Start it with --allow-host NAME to admit another name (this check stops DNS rebinding).",
                              host->substr(0, 256), o_.bind_host == "127.0.0.1" ? "" : " and ",
                              o_.bind_host == "127.0.0.1" ? "" : o_.bind_host),
                  "", "host_not_allowed");
}

std::optional<ApiError> HttpPolicy::check_content_type(std::string_view method, const std::string* content_type) {
  if (method != "POST" && method != "PUT" && method != "PATCH") return std::nullopt;
  if (content_type) {
    std::string_view media = std::string_view(*content_type).substr(0, content_type->find(';'));
    while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.remove_suffix(1);
    if (equals_ignore_case(media, "application/json")) return std::nullopt;
  }
  return ApiError(415,
                  fmt::format("Unsupported Content-Type {}: a {} request must send Content-Type: application/json "
                              "(an empty body may be sent as {{}}).",
                              content_type ? fmt::format("'{}'", content_type->substr(0, 128)) : std::string("(none)"), method),
                  "", "unsupported_content_type");
}

bool HttpPolicy::origin_allowed(std::string_view origin) const {
  for (const std::string& o : o_.cors_origins)
    if (o == "*" || o == origin) return true;
  return false;
}

std::vector<std::pair<std::string, std::string>> HttpPolicy::cors_headers(const std::string* origin, bool preflight) const {
  std::vector<std::pair<std::string, std::string>> h;
  if (!cors_enabled()) return h;
  h.emplace_back("Vary", "Origin");
  if (!origin || !origin_allowed(*origin)) return h;
  h.emplace_back("Access-Control-Allow-Origin", *origin);
  if (!preflight) {
    h.emplace_back("Access-Control-Expose-Headers", "Retry-After");
    return h;
  }
  h.emplace_back("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
  h.emplace_back("Access-Control-Allow-Headers", "Authorization, Content-Type");
  h.emplace_back("Access-Control-Max-Age", "600");
  return h;
}

}  // namespace own
