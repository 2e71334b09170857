// What every route file of the server shares: the JSON body of a request, JSON responses and
// OpenAI error objects, and a way to register routes whose ApiError / InputError become those
// error responses (server.cpp provides it).
#pragma once
#include <httplib.h>

#include <functional>
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
// the API key a request presents ("Authorization: Bearer KEY"), or "" when it presents none
std::string request_api_key(const httplib::Request& req);

}  // namespace own
