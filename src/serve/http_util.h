// What every route file of the server shares: the JSON body of a request, JSON responses and
// OpenAI error objects, and a way to register routes whose ApiError / InputError become those
// error responses (server.cpp provides it).
#pragma once
#include <httplib.h>

#include <functional>
#include <string>
#include <string_view>
#include <nlohmann/json.hpp>

#include "serve/api_error.h"

namespace own {

using RouteHandler = std::function<void(const httplib::Request&, httplib::Response&)>;
// method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE"; pattern: httplib's regex (captures in req.matches)
using AddRoute = std::function<void(const char* method, const char* pattern, RouteHandler handler)>;

// the body as a JSON object, else ApiError 400 (invalid_json)
nlohmann::json parse_body(const httplib::Request& req);
void send_json(httplib::Response& res, int status, const nlohmann::json& j);
void send_error(httplib::Response& res, const ApiError& e);  // + Retry-After on 429/503
// the API key a request presents ("Authorization: Bearer KEY", the scheme in any case), byte for
// byte as sent (the server's edge keeps the raw header: httplib's own copy is percent-decoded and
// cut at NUL), or "" when it presents none
std::string request_api_key(const httplib::Request& req);
// the header the edge puts the raw Authorization bytes in (any such header a client sends is replaced)
constexpr const char* kRawAuthorizationHeader = "Ownchat-Raw-Authorization";
// a == b in time independent of where they differ (compares SHA-256 digests)
bool api_key_equal(std::string_view a, std::string_view b);

}  // namespace own
