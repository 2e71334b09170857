#include "serve/http_util.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cctype>

#include "serve/openai_response.h"

namespace own {

using nlohmann::json;

json parse_body(const httplib::Request& req) {
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded())
    throw ApiError(400,
                   "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your "
                   "HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
                   "", "invalid_json");
  if (!body.is_object()) throw ApiError(400, "The request body must be a JSON object.", "", "invalid_json");
  return body;
}

void send_json(httplib::Response& res, int status, const json& j) {
  res.status = status;
  res.set_content(dump_json(j), "application/json");
}

void send_error(httplib::Response& res, const ApiError& e) {
  if (e.status == 429 || e.status == 503) res.set_header("Retry-After", "1");
  send_json(res, e.status, error_json(e));
}

std::string request_api_key(const httplib::Request& req) {
  // get_header_value would cut at a NUL: read the map's string itself
  auto it = req.headers.find(kRawAuthorizationHeader);
  if (it == req.headers.end()) it = req.headers.find("Authorization");  // a Request not built by the edge
  if (it == req.headers.end()) return "";
  const std::string& auth = it->second;
  constexpr std::string_view kScheme = "bearer";
  if (auth.size() <= kScheme.size() || auth[kScheme.size()] != ' ') return "";
  for (size_t i = 0; i < kScheme.size(); i++)
    if (std::tolower(static_cast<unsigned char>(auth[i])) != kScheme[i]) return "";
  const size_t key = auth.find_first_not_of(' ', kScheme.size());
  return key == std::string::npos ? "" : auth.substr(key);
}

bool api_key_equal(std::string_view a, std::string_view b) {
  unsigned char da[SHA256_DIGEST_LENGTH], db[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), da);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), db);
  return CRYPTO_memcmp(da, db, sizeof da) == 0;
}

}  // namespace own
