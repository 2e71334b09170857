// The store's REST routes (see store_routes.h). Each handler validates its input field by field
// (400 naming the field, size limits named below), checks that the ids in the path exist (404
// not_found), then makes one store call. Ids are checked before the write rather than read back
// from the store's InputError, so the error can name the field; a conversation deleted between
// the check and the write still fails safely (the store's InputError, a 400 without a param).
// No route takes a file path from the client: the export writes where `feedback export` does.
// Every handler first works out the request's Scope (scope_of) and passes it to each store call.
#include "serve/store_routes.h"

#include <openssl/crypto.h>

#include <charconv>
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <limits>

#include "core/check.h"
#include "serve/feedback_export.h"
#include "serve/openai_request.h"
#include "serve/openai_response.h"

namespace own {

using nlohmann::json;

namespace {

// limits at the door (the whole body is also capped by serve --max-body)
constexpr size_t kMaxTitleChars = 200;
constexpr size_t kMaxModelChars = 200;
constexpr size_t kMaxReasonChars = 100;
constexpr size_t kMaxCommentChars = 4000;
constexpr size_t kMaxCheckpointChars = 4096;
constexpr size_t kMaxContentBytes = 1 << 20;  // message content and system prompt
constexpr size_t kMaxSearchChars = 1000;
constexpr int64_t kDefaultListLimit = 100;
constexpr int64_t kMaxListLimit = 1000;

constexpr const char* kId = "([^/]+)";  // a path segment; ids are UUIDs but any unknown one is a 404

enum class Length { chars, bytes };

size_t utf8_chars(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void check_length(const std::string& s, const std::string& param, size_t max, Length unit) {
  const size_t n = unit == Length::bytes ? s.size() : utf8_chars(s);
  if (n > max)
    bad_request(param, "string_above_max_length",
                "Invalid '{}': string too long. Expected a string with maximum length {}{}, but got a string with "
                "length {} instead.",
                param, max, unit == Length::bytes ? " bytes" : "", n);
}

// an optional string field of at most `max` characters (or bytes)
std::optional<std::string> get_text(const json& body, const std::string& key, size_t max, Length unit = Length::chars) {
  std::optional<std::string> s = get_string(body, key);
  if (s) check_length(*s, key, max, unit);
  return s;
}

std::string require_text(const json& body, const std::string& key, size_t max, Length unit = Length::chars) {
  std::optional<std::string> s = get_text(body, key, max, unit);
  if (!s) bad_request(key, "missing_required_parameter", "Missing required parameter: '{}'.", key);
  return *s;
}

// ?name=N, with get_int's range errors; `fallback` when absent or empty
int64_t query_int(const httplib::Request& req, const std::string& name, int64_t lo, int64_t hi, int64_t fallback) {
  const std::string v = req.get_param_value(name.c_str());
  if (v.empty()) return fallback;
  int64_t x = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || end != v.data() + v.size())
    bad_request(name, "invalid_type", "Invalid '{}': expected an integer, but got '{}' instead.", name, v);
  return *get_int(json{{name, x}}, name, lo, hi);
}

[[noreturn]] void not_found(const char* what, const std::string& id) {
  throw ApiError(404, fmt::format("No {} found with id '{}'.", what, id), "", "not_found");
}

ConversationInfo find_conversation(Store& store, const Scope& scope, const std::string& id) {
  std::optional<ConversationInfo> c = store.get_conversation_info(scope, id);
  if (!c) not_found("conversation", id);
  return *c;
}

Message find_message(Store& store, const Scope& scope, const std::string& id) {
  std::optional<Message> m = store.get_message(scope, id);
  if (!m) not_found("message", id);
  return *m;
}

// Whom the request acts for. The server's gate has already let it in; a key it could not match
// here (revoked in between) is a 401 like the gate's.
Scope scope_of(const httplib::Request& req, Store& store, const std::vector<std::string>& operator_keys) {
  if (operator_keys.empty() && !store.has_keys()) return Scope::everyone();  // single-user mode
  const std::string key = request_api_key(req);
  if (!key.empty())
    for (const std::string& k : operator_keys)
      if (api_key_equal(key, k)) return Scope::everyone();
  std::optional<ApiKeyInfo> k = key.empty() ? std::nullopt : store.find_key(key);
  if (!k) throw ApiError(401, "Incorrect API key provided.", "", "invalid_api_key");
  return Scope::of_key(*k);
}

// An assistant message's `citations`, as the chat completion gave them: at most 20 objects, each
// with an integer `index` (the [n] the answer cites) and string `title`, `text` and `source`.
json parse_citations(const json& body, const std::string& role) {
  auto it = body.find("citations");
  if (it == body.end() || it->is_null()) return nullptr;
  if (role != "assistant")
    bad_request("citations", "invalid_value", "Invalid 'citations': only an assistant message has citations, not a {} "
                "message.", role);
  if (!it->is_array())
    bad_request("citations", "invalid_type", "Invalid type for 'citations': expected an array, but got {} instead.",
                it->type_name());
  constexpr size_t kMaxCitations = 20;
  if (it->size() > kMaxCitations)
    bad_request("citations", "array_above_max_length",
                "Invalid 'citations': expected an array with maximum length {}, but got an array with length {} instead.",
                kMaxCitations, it->size());
  for (size_t i = 0; i < it->size(); i++) {
    const json& c = (*it)[i];
    const std::string where = fmt::format("citations[{}]", i);
    if (!c.is_object())
      bad_request(where, "invalid_type", "Invalid type for '{}': expected an object, but got {} instead.", where,
                  c.type_name());
    auto index = c.find("index");
    if (index == c.end() || !index->is_number_integer())
      bad_request(where + ".index", "invalid_type", "Invalid '{}.index': expected an integer.", where);
    for (const char* field : {"title", "text", "source"}) {
      auto f = c.find(field);
      if (f == c.end() || !f->is_string())
        bad_request(fmt::format("{}.{}", where, field), "invalid_type", "Invalid '{}.{}': expected a string.", where,
                    field);
    }
  }
  if (it->dump().size() > kMaxContentBytes)
    bad_request("citations", "string_above_max_length", "Invalid 'citations': longer than {} bytes.", kMaxContentBytes);
  return *it;
}

// POST /api/conversations/{id}/messages: the body as a Message of conversation `conversation_id`
Message parse_message(Store& store, const Scope& scope, const json& body, const std::string& conversation_id) {
  Message m;
  m.conversation_id = conversation_id;
  m.role = require_text(body, "role", 16);
  if (!is_chat_role(m.role))
    bad_request("role", "invalid_value", "Invalid value: '{}'. Supported values are: 'system', 'user' and 'assistant'.",
                m.role);
  m.content = require_text(body, "content", kMaxContentBytes, Length::bytes);
  m.parent_id = get_text(body, "parent_id", 64).value_or("");
  if (!m.parent_id.empty()) {
    std::optional<Message> parent = store.get_message(scope, m.parent_id);
    if (!parent)
      bad_request("parent_id", "invalid_value", "Invalid 'parent_id': no message found with id '{}'.", m.parent_id);
    if (parent->conversation_id != conversation_id)
      bad_request("parent_id", "invalid_value",
                  "Invalid 'parent_id': message '{}' belongs to another conversation, not '{}'.", m.parent_id,
                  conversation_id);
  }
  m.model = get_text(body, "model", kMaxModelChars).value_or("");
  m.checkpoint = get_text(body, "checkpoint", kMaxCheckpointChars).value_or("");
  if (auto it = body.find("sampling"); it != body.end() && !it->is_null()) {
    if (!it->is_object())
      bad_request("sampling", "invalid_type", "Invalid type for 'sampling': expected an object, but got {} instead.",
                  it->type_name());
    m.sampling = *it;
  }
  m.citations = parse_citations(body, m.role);
  constexpr int64_t kMaxTokens = std::numeric_limits<int64_t>::max();
  m.prompt_tokens = get_int(body, "prompt_tokens", 0, kMaxTokens).value_or(0);
  m.completion_tokens = get_int(body, "completion_tokens", 0, kMaxTokens).value_or(0);
  m.tokens_per_s = get_number(body, "tokens_per_s", 0, 1e12).value_or(0);
  return m;
}

using ScopedHandler = std::function<void(const httplib::Request&, httplib::Response&, const Scope&)>;
using AddScopedRoute = std::function<void(const char* method, const std::string& pattern, ScopedHandler h)>;

void add_conversation_routes(const AddScopedRoute& add, Store* s) {
  const std::string conv = std::string("/api/conversations/") + kId;
  add("GET", "/api/conversations", [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    const std::string search = req.get_param_value("search");
    check_length(search, "search", kMaxSearchChars, Length::chars);
    const int64_t limit = query_int(req, "limit", 1, kMaxListLimit, kDefaultListLimit);
    const int64_t offset = query_int(req, "offset", 0, std::numeric_limits<int64_t>::max(), 0);
    send_json(res, 200, {{"data", s->list_conversations(scope, search, limit, offset)}});
  });

  add("POST", "/api/conversations", [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    const json body = parse_body(req);
    const std::string title = get_text(body, "title", kMaxTitleChars).value_or("");
    const std::string system = get_text(body, "system_prompt", kMaxContentBytes, Length::bytes).value_or("");
    const std::string model = get_text(body, "model", kMaxModelChars).value_or("");
    send_json(res, 201, s->create_conversation(scope, title, system, model));
  });

  add("GET", conv, [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    const std::string id = req.matches[1];
    std::optional<ConversationTree> t = s->get_conversation(scope, id);
    if (!t) not_found("conversation", id);
    send_json(res, 200, *t);
  });

  add("PATCH", conv, [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    const json body = parse_body(req);
    const std::string id = req.matches[1];
    const std::string title = require_text(body, "title", kMaxTitleChars);
    if (!s->rename_conversation(scope, id, title)) not_found("conversation", id);
    send_json(res, 200, find_conversation(*s, scope, id));
  });

  add("DELETE", conv, [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    const std::string id = req.matches[1];
    if (!s->delete_conversation(scope, id)) not_found("conversation", id);
    send_json(res, 200, {{"id", id}, {"deleted", true}});
  });

  add("POST", conv + "/messages", [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    const json body = parse_body(req);
    const std::string id = find_conversation(*s, scope, req.matches[1]).id;
    Message m = parse_message(*s, scope, body, id);
    m.id = s->add_message(scope, m);
    send_json(res, 201, find_message(*s, scope, m.id));  // as stored: created_at filled
  });

}

void add_rating_routes(const AddScopedRoute& add, Store* s) {
  const std::string rating = std::string("/api/messages/") + kId + "/rating";
  add("PUT", rating, [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    const json body = parse_body(req);
    const std::optional<int64_t> r = get_int(body, "rating", -1, 1);
    if (!r) bad_request("rating", "missing_required_parameter", "Missing required parameter: 'rating'.");
    if (*r == 0) bad_request("rating", "invalid_value", "Invalid 'rating': expected 1 or -1, but got 0 instead.");
    const std::string reason = get_text(body, "reason", kMaxReasonChars).value_or("");
    const std::string comment = get_text(body, "comment", kMaxCommentChars).value_or("");
    const Message m = find_message(*s, scope, req.matches[1]);
    if (m.role != "assistant")
      throw ApiError(400, fmt::format("Message '{}' is a {} message; only assistant answers can be rated.", m.id, m.role),
                     "", "invalid_value");
    send_json(res, 200, s->rate(scope, m.id, static_cast<int>(*r), reason, comment));
  });

  add("DELETE", rating, [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    const std::string id = find_message(*s, scope, req.matches[1]).id;
    send_json(res, 200, {{"message_id", id}, {"deleted", s->clear_rating(scope, id)}});
  });

}

void add_feedback_routes(const AddScopedRoute& add, Store* s) {
  add("GET", "/api/feedback", [s](const httplib::Request&, httplib::Response& res, const Scope& scope) {
    send_json(res, 200, s->feedback_stats(scope));
  });

  // the same file as `ownchat feedback export` (every conversation's), so only for those who see
  // them all; an empty body counts as {}
  add("POST", "/api/feedback/export", [s](const httplib::Request& req, httplib::Response& res, const Scope& scope) {
    if (!req.body.empty()) parse_body(req);
    if (!scope.admin)
      throw ApiError(403,
                     "Writing the server's export file needs an admin key (`ownchat keys create --admin`); download "
                     "your own pairs from GET /api/feedback/pairs.jsonl instead.",
                     "", "admin_required", "permission_error");
    FeedbackExport e;
    try {
      e = feedback_export(*s, "");
    } catch (const InputError& err) {  // the server's own file could not be written: its fault
      throw StoreError(err.what(), false);
    }
    std::error_code ec;
    const std::filesystem::path out = std::filesystem::absolute(e.out, ec);
    send_json(res, 200,
              {{"path", ec ? e.out : out.string()},
               {"ratings", e.stats.ratings},
               {"up", e.stats.up},
               {"down", e.stats.down},
               {"pairs", e.stats.pairs}});
  });

  add("GET", R"(/api/feedback/pairs\.jsonl)", [s](const httplib::Request&, httplib::Response& res, const Scope& scope) {
    std::string out;
    for (const PreferencePair& p : s->preference_pairs(scope)) out += dump_json(json(p)) + "\n";
    res.set_header("Content-Disposition", "attachment; filename=\"pairs.jsonl\"");
    res.set_content(out, "application/x-ndjson");
  });
}

}  // namespace

void add_store_routes(const AddRoute& add_route, Store& store, const std::vector<std::string>& operator_keys) {
  Store* s = &store;
  // each handler gets its scope; a database failure becomes a 5xx here, logged with the file
  const AddScopedRoute add = [&add_route, s, operator_keys](const char* method, const std::string& pattern, ScopedHandler h) {
    add_route(method, pattern.c_str(), [s, operator_keys, h](const httplib::Request& req, httplib::Response& res) {
      try {
        h(req, res, scope_of(req, *s, operator_keys));
      } catch (const StoreError& e) {
        fmt::print(stderr, "ownchat: store error on {} {}: {}\n", req.method, req.path, e.what());
        if (e.busy)
          throw ApiError(503, "The server's database is busy; retry shortly.", "", "store_busy", "server_error");
        throw ApiError(500, "The server's database failed; its log has the details.", "", "store_error", "server_error");
      }
    });
  };
  add_conversation_routes(add, s);
  add_rating_routes(add, s);
  add_feedback_routes(add, s);
}

}  // namespace own
