#include "serve/server.h"

#include <fmt/format.h>
#include <httplib.h>
#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "core/check.h"
#include "moderation/moderator.h"
#include "serve/api_error.h"
#include "serve/completion_stream.h"
#include "serve/completion_task.h"
#include "retrieval/grounding.h"
#include "serve/http_edge.h"
#include "serve/http_policy.h"
#include "serve/http_util.h"
#include "serve/openai_request.h"
#include "serve/openai_response.h"
#include "serve/report_route.h"
#include "serve/served_model.h"
#include "serve/store.h"
#include "serve/store_routes.h"
#include "serve/server_metrics.h"

namespace own {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string new_id(const char* prefix) {
  static std::atomic<uint64_t> counter{0};
  static const uint64_t boot = static_cast<uint64_t>(Clock::now().time_since_epoch().count());
  const uint64_t n = counter.fetch_add(1);
  uint64_t x = (boot ^ (n * 0x9E3779B97F4A7C15ull)) * 0xBF58476D1CE4E5B9ull;
  return fmt::format("{}{:016x}{:08x}", prefix, x, n);
}

// metrics label for a path (bounded set: never echo arbitrary paths into labels)
std::string endpoint_label(const std::string& path) {
  for (const char* p : {"/v1/chat/completions", "/v1/completions", "/v1/embeddings", "/v1/models", "/tokenize",
                        "/detokenize", "/health", "/metrics"})
    if (path == p) return p;
  if (path == "/v1/moderations") return path;
  if (path.rfind("/v1/models/", 0) == 0) return "/v1/models/{id}";
  if (path.rfind("/api/", 0) == 0) return "/api";
  return "other";
}

std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
}

HttpEdgeOptions edge_options(const ServeOptions& o) {
  HttpEdgeOptions e;
  e.workers = static_cast<size_t>(o.http_threads);
  e.max_conns_per_client = static_cast<size_t>(o.max_conns_per_client);
  e.write_timeout = millis(o.write_timeout_s);
  e.read.max_body_bytes = o.max_body_bytes;
  e.read.head_timeout = millis(o.head_timeout_s);
  e.read.read_timeout = millis(o.read_timeout_s);
  e.read.idle_timeout = millis(o.idle_timeout_s);
  return e;
}

class ApiServer {
 public:
  explicit ApiServer(const ServeOptions& o)
      : o_(o), policy_(HttpPolicyOptions{o.host, o.allow_hosts, o.cors_origins}), http_(edge_options(o), edge_hooks()) {
    if (!o_.db.empty()) store_ = std::make_unique<Store>(o_.db);
    http_.set_payload_max_length(o_.max_body_bytes);
    http_.set_tcp_nodelay(true);  // tokens go out as written, not after Nagle's 40 ms
    // CORS headers on every response httplib writes (the edge adds them to its own errors)
    http_.set_post_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      const auto origin = req.headers.find("Origin");
      for (const auto& [k, v] : policy_.cors_headers(origin == req.headers.end() ? nullptr : &origin->second, false))
        if (!res.has_header(k.c_str())) res.set_header(k, v);
    });
    http_.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) { return gate(req, res); });
    http_.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // already an error object
      std::string msg = fmt::format("HTTP {} for {} {}", res.status, req.method, req.path);
      if (res.status == 404) msg = fmt::format("Invalid URL ({} {})", req.method, req.path);
      if (res.status == 413) msg = "Request body too large: the limit is set by serve --max-body (MiB).";
      send_json(res, res.status, error_json(ApiError(res.status, msg, "", res.status == 404 ? "unknown_url" : "")));
      return httplib::Server::HandlerResponse::Handled;
    }));
    http_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
      std::string what = "unknown error";
      try {
        std::rethrow_exception(ep);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      send_json(res, 500, error_json(ApiError(500, "The server had an error processing your request: " + what)));
    });
    http_.set_logger([this](const httplib::Request& req, const httplib::Response& res) {
      metrics_.request(endpoint_label(req.path), res.status);
      if (o_.log_requests) fmt::print(stderr, "ownchat: {} {} {}\n", req.method, req.path, res.status);
    });
    route("POST", "/v1/chat/completions", [this](const auto& q, auto& s) { completions(q, s, true); });
    route("POST", "/v1/completions", [this](const auto& q, auto& s) { completions(q, s, false); });
    route("GET", "/v1/models", [this](const auto&, auto& s) {
      json data = json::array();
      for (const auto& m : models_) data.push_back(m->describe());
      send_json(s, 200, {{"object", "list"}, {"data", data}});
    });
    route("GET", R"(/v1/models/(.+))", [this](const auto& q, auto& s) { send_json(s, 200, find_model(q.matches[1]).describe()); });
    route("POST", "/v1/embeddings", [this](const auto& q, auto& s) { embeddings(q, s); });
    route("POST", "/v1/moderations", [this](const auto& q, auto& s) { moderations(q, s); });
    route("POST", "/tokenize", [this](const auto& q, auto& s) { tokenize(q, s); });
    route("POST", "/detokenize", [this](const auto& q, auto& s) { detokenize(q, s); });
    http_.Get("/health", [this](const httplib::Request&, httplib::Response& res) {
      if (ready_) return send_json(res, 200, {{"status", "ok"}});
      res.set_header("Retry-After", "1");
      send_json(res, 503, error_json(ApiError(503, "Loading model", "", "model_loading")));
    });
    if (!o_.web_dir.empty()) {
      web_ = http_.set_mount_point("/", o_.web_dir);
      if (!web_) input_error("serve: --web {} is not a directory", o_.web_dir);
    }
    if (store_) add_store_routes([this](const char* m, const char* p, RouteHandler h) { route(m, p, std::move(h)); }, *store_, o_.api_keys);
    add_report_route([this](const char* m, const char* p, RouteHandler h) { route(m, p, std::move(h)); }, o_.report);
    route("GET", "/metrics", [this](const auto&, auto& s) {
      std::vector<ModelGauges> g;
      for (const auto& m : models_) g.push_back({m->name, m->engine->queued(), m->engine->running(), m->model->n_slots()});
      s.set_content(metrics_.prometheus(g), "text/plain; version=0.0.4");
    });
  }

  int bind() {
    const int port = o_.port == 0 ? http_.bind_to_any_port(o_.host) : (http_.bind_to_port(o_.host, o_.port) ? o_.port : -1);
    if (port < 0) input_error("serve: cannot listen on {}:{} (in use, or not an address of this machine?)", o_.host, o_.port);
    return port;
  }
  void listen() { http_.serve(); }
  bool keys_required() const { return !o_.api_keys.empty() || (store_ && store_->has_keys()); }
  void stop() { http_.shutdown(); }

  void load_models() {
    moderator_ = std::make_unique<Moderator>(Moderator::load(o_.moderation));
    fmt::print(stderr, "ownchat: moderation: {}\n", moderator_->trained() ? o_.moderation : "lexicon only (no trained model)");
    for (const auto& [name, dir] : o_.models) {
      fmt::print(stderr, "ownchat: loading {} from {}\n", name, dir);
      models_.push_back(std::make_unique<ServedModel>(name, dir, o_.tokenizer, o_.infer));
    }
    open_indexes();
    ready_ = true;
  }
  // each index file opened once, shared by the models it serves
  void open_indexes() {
    std::map<std::string, std::shared_ptr<const IndexDb>> opened;
    for (const auto& [model_name, path] : o_.indexes) {
      auto& db = opened[path];
      if (!db) {
        db = std::make_shared<const IndexDb>(path, IndexDb::Open::existing);
        fmt::print(stderr, "ownchat: retrieval index {} ({} passages)\n", path, db->stats().passages);
      }
      for (auto& m : models_)
        if (model_name.empty() || m->name == model_name) m->index = db, m->retrieval_k = o_.retrieval_k;
    }
  }
  void unload_models() {
    ready_ = false;
    models_.clear();
  }

 private:
  ServeOptions o_;
  HttpPolicy policy_;
  ServerMetrics metrics_;
  HttpEdge http_;  // after what its hooks use
  std::vector<std::unique_ptr<ServedModel>> models_;  // fixed once ready_
  std::atomic<bool> ready_{false};
  std::unique_ptr<Store> store_;
  std::unique_ptr<Moderator> moderator_;  // set before ready_
  bool web_ = false;  // the web chat is served at /

  // a route whose errors become OpenAI error objects
  void route(const char* method, const char* pattern, RouteHandler h) {
    auto wrapped = [h = std::move(h)](const httplib::Request& req, httplib::Response& res) {
      try {
        h(req, res);
      } catch (const ApiError& e) {
        send_error(res, e);
      } catch (const InputError& e) {
        send_error(res, ApiError(400, e.what()));
      }
    };
    const std::string m = method;
    if (m == "GET") http_.Get(pattern, wrapped);
    else if (m == "POST") http_.Post(pattern, wrapped);
    else if (m == "PUT") http_.Put(pattern, wrapped);
    else if (m == "PATCH") http_.Patch(pattern, wrapped);
    else if (m == "DELETE") http_.Delete(pattern, wrapped);
    else OWN_CHECK(false, "unknown method {}", m);
  }

  // what the edge checks before reading a body, and what it does with a request it refuses
  EdgeHooks edge_hooks() {
    EdgeHooks h;
    h.check_head = [this](const RequestHead& head) -> std::optional<ApiError> {
      if (auto e = policy_.check_host(head.find("Host"))) return e;
      return HttpPolicy::check_content_type(head.method, head.find("Content-Type"));
    };
    h.error_headers = [this](const RequestHead* head) { return policy_.cors_headers(head ? head->find("Origin") : nullptr, false); };
    h.refused = [this](const RequestHead* head, int status) {
      const std::string path = head ? head->path() : "";
      metrics_.request(endpoint_label(path), status);
      if (o_.log_requests)
        fmt::print(stderr, "ownchat: {} {} {}\n", head ? head->method : "-", head ? path : "-", status);
    };
    return h;
  }

  // a CORS preflight: answered without a key; 403 for an origin not given to --cors
  void preflight(const httplib::Request& req, httplib::Response& res) {
    const auto origin = req.headers.find("Origin");
    const std::string* o = origin == req.headers.end() ? nullptr : &origin->second;
    if (o && !policy_.origin_allowed(*o)) {
      send_error(res, ApiError(403, fmt::format("Origin '{}' is not allowed to call this API (serve --cors ORIGIN allows one).",
                                                o->substr(0, 256)), "", "origin_not_allowed"));
      return;
    }
    res.status = 204;
    res.set_header("Allow", "GET, POST, PUT, PATCH, DELETE, OPTIONS");
    for (const auto& [k, v] : policy_.cors_headers(o, true)) res.set_header(k, v);
  }

  // CORS preflights, auth and readiness, before routing
  httplib::Server::HandlerResponse gate(const httplib::Request& req, httplib::Response& res) {
    using R = httplib::Server::HandlerResponse;
    if (req.method == "OPTIONS") return preflight(req, res), R::Handled;
    if (req.path == "/health") return R::Unhandled;
    // the web page's static files are public (the page itself asks for a key when one is needed)
    if (web_ && req.method == "GET" && req.path.rfind("/api/", 0) != 0 && req.path.rfind("/v1/", 0) != 0 &&
        req.path != "/metrics")
      return R::Unhandled;
    if (keys_required()) {
      const std::string key = request_api_key(req);
      bool ok = false;
      for (const std::string& k : o_.api_keys) ok |= !key.empty() && api_key_equal(key, k);
      if (!ok && !key.empty() && store_) ok = store_->check_key(key);
      if (!ok) {
        send_error(res, ApiError(401,
                                 key.empty() ? "You didn't provide an API key. Provide it in the Authorization header "
                                               "(Authorization: Bearer YOUR_KEY)."
                                             : "Incorrect API key provided.",
                                 "", "invalid_api_key"));
        return R::Handled;
      }
    }
    if (!ready_) {
      send_error(res, ApiError(503, "The server is loading its models; retry shortly.", "", "model_loading"));
      return R::Handled;
    }
    return R::Unhandled;
  }

  ServedModel& find_model(const std::string& name) {
    if (name.empty()) {
      if (models_.size() == 1) return *models_[0];
      throw ApiError(400, "You must provide a model parameter.", "model", "missing_required_parameter");
    }
    for (auto& m : models_)
      if (m->name == name) return *m;
    throw ApiError(404, fmt::format("The model '{}' does not exist or you do not have access to it.", name), "model",
                   "model_not_found");
  }

  // A chat request to a model with an index (unless it says "retrieval": false): the passages for
  // its last user message go into a context turn, as many as leave room for the answer (its
  // max_tokens, at least a quarter of the context, at most half). Returns the passages given.
  std::vector<SearchHit> retrieve(const ServedModel& m, ApiRequest& r) {
    if (!r.chat) return {};
    if (!m.index) {
      if (r.retrieval_asked)
        throw ApiError(400, fmt::format("Model '{}' has no retrieval index; start the server with --index.", m.name),
                       "retrieval", "retrieval_unavailable");
      return {};
    }
    const int64_t k = r.retrieval_k.value_or(m.retrieval_k);
    if (k <= 0) return {};
    const int64_t ctx = m.model->context();
    const int64_t room = std::clamp<int64_t>(r.max_tokens.value_or(0), ctx / 4, ctx / 2);
    Grounded g = ground(*m.index, static_cast<int>(k), m.tok, r.messages, ctx, room);
    r.messages = std::move(g.messages);
    return std::move(g.hits);
  }

  // 429 when `choices` more sequences would overfill the model's queue
  void reject_if_overloaded(const ServedModel& m, int64_t choices) const {
    if (m.engine->queued() + choices > o_.max_queue)
      throw ApiError(429, fmt::format("The server is overloaded: {} requests are waiting. Retry shortly.", m.engine->queued()),
                     "", "queue_full");
  }

  // parse -> validate -> submit -> write
  void completions(const httplib::Request& req, httplib::Response& res, bool chat) {
    const auto start = Clock::now();
    ApiRequest r = chat ? parse_chat_request(parse_body(req)) : parse_completion_request(parse_body(req));
    ServedModel& m = find_model(r.model);
    if (chat) reject_if_overloaded(m, r.n);  // before the search, so an overloaded server does no work
    const std::vector<SearchHit> passages = retrieve(m, r);
    CompletionTask task = completion_task(m, r);
    CompletionWriter writer({new_id(chat ? "chatcmpl-" : "cmpl-"), m.name, static_cast<int64_t>(std::time(nullptr))}, r,
                            m.tok, task.n_choices, task.prompt_tokens, std::move(task.echo));
    writer.set_citations(citations_json(passages));
    if (o_.moderate_input && input_flagged(*moderator_, r)) return send_refusal(res, writer);
    reject_if_overloaded(m, static_cast<int64_t>(task.n_choices));
    auto fl = std::make_shared<InFlight>();
    submit_completion(m, r, task, fl);
    OutputFilter filter(o_.moderate_output ? moderator_.get() : nullptr, task.n_choices);
    respond_completion(res, fl, std::move(writer), std::move(filter), metrics_, start);
  }

  // OpenAI's embeddings: the mean of the final-norm hidden states over the input's tokens, unit
  // length; as float arrays or, as the SDKs ask by default, base64 of little-endian float32
  void embeddings(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req);
    ServedModel& m = find_model(get_string(body, "model").value_or(""));
    const EmbeddingRequest e = parse_embedding_request(body);
    const int64_t C = m.model->config().hidden_size;
    if (e.dimensions && *e.dimensions != C)
      throw ApiError(400, fmt::format("Model '{}' makes {}-dimensional embeddings; 'dimensions' {} is not supported.", m.name, C, *e.dimensions),
                     "dimensions", "unsupported_value");
    std::vector<std::vector<int32_t>> inputs;
    for (const EmbeddingInput& x : e.inputs) inputs.push_back(x.is_text ? m.document_ids(x.text) : x.ids);
    int64_t prompt_tokens = 0;
    for (size_t i = 0; i < inputs.size(); i++) {
      const int64_t n = static_cast<int64_t>(inputs[i].size());
      if (n > m.model->context())
        throw ApiError(400, fmt::format("This model's maximum context length is {} tokens, however input {} has {} tokens.",
                                        m.model->context(), i, n), "input", "context_length_exceeded");
      prompt_tokens += n;
    }
    auto fl = std::make_shared<InFlight>();
    fl->engine = m.engine.get();
    try {
      for (size_t i = 0; i < inputs.size(); i++) {
        GenerationRequest g;
        g.prompt = std::move(inputs[i]);
        g.embed = true;
        g.on_event = [fl, i](const GenerationEvent& ev) { if (ev.done) fl->push(i, ev); };
        fl->ids.push_back(m.engine->submit(std::move(g)));
      }
    } catch (const InputError& e) {
      fl->cancel();
      throw ApiError(400, e.what(), "input");
    }
    std::vector<std::vector<float>> vecs(inputs.size());
    for (size_t got = 0; got < inputs.size();) {
      std::unique_lock lk(fl->mu);
      fl->cv.wait(lk, [&] { return !fl->events.empty(); });
      for (auto& [i, ev] : fl->events) vecs[i] = std::move(ev.embedding), got++;
      fl->events.clear();
    }
    metrics_.tokens(prompt_tokens, 0);
    send_json(res, 200, embeddings_json(vecs, e.encoding_format == "base64", m.name, prompt_tokens));
  }

  // OpenAI's moderations: input as a string, strings, or text parts; one result per input
  void moderations(const httplib::Request& req, httplib::Response& res) {
    const std::vector<std::string> texts = parse_moderation_input(parse_body(req));
    json results = json::array();
    for (const std::string& t : texts) results.push_back(moderation_result_json(moderator_->classify(t)));
    send_json(res, 200, {{"id", new_id("modr-")},
                         {"model", moderator_->trained() ? "ownchat-moderation" : "ownchat-moderation-lexicon"},
                         {"results", results}});
  }

  void tokenize(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req);
    ServedModel& m = find_model(get_string(body, "model").value_or(""));
    const TokenizeRequest t = parse_tokenize_request(body);
    const std::vector<int32_t> ids = t.add_special ? m.document_ids(t.content) : m.tok.encode(t.content);
    json toks = json::array();
    if (t.with_pieces) {
      for (int32_t id : ids) toks.push_back({{"id", id}, {"piece", std::string(m.tok.token_bytes(id))}});
    } else {
      toks = ids;
    }
    send_json(res, 200, {{"tokens", toks}});
  }

  void detokenize(const httplib::Request& req, httplib::Response& res) {
    const json body = parse_body(req);
    ServedModel& m = find_model(get_string(body, "model").value_or(""));
    const std::vector<int32_t> ids = parse_detokenize_request(body);
    for (size_t i = 0; i < ids.size(); i++)
      if (!m.tok.is_valid(ids[i]))
        throw ApiError(400, fmt::format("Invalid 'tokens[{}]': {} is not a token of model '{}'.", i, ids[i], m.name), "tokens",
                       "invalid_value");
    send_json(res, 200, {{"content", m.tok.decode(ids)}});
  }
};

}  // namespace

void run_serve(const ServeOptions& o) {
  if (o.models.empty()) input_error("serve: no model given; pass --model DIR or --model NAME=DIR");
  // SIGINT/SIGTERM go to one waiting thread (blocked everywhere else, before any thread starts);
  // writes to a closed socket must fail with EPIPE, not kill the process
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  ApiServer server(o);
  const int port = server.bind();
  if (!server.keys_required())
    fmt::print(stderr,
               "ownchat: WARNING: no API key: anyone who can reach http://{}:{} can use this server, its "
               "conversations and feedback; give --api-key KEY (or $OWNCHAT_API_KEY) or create one with `ownchat keys create`\n",
               o.host, port);
  fmt::print(stderr, "ownchat: listening on http://{}:{}\n", o.host, port);
  std::fflush(stderr);
  std::thread http([&] { server.listen(); });
  std::thread waiter([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    fmt::print(stderr, "ownchat: {}, shutting down\n", sig == SIGINT ? "SIGINT" : "SIGTERM");
    server.stop();
  });
  try {
    server.load_models();
    fmt::print(stderr, "ownchat: ready\n");
  } catch (...) {
    pthread_kill(waiter.native_handle(), SIGTERM);
    waiter.join();
    http.join();
    throw;
  }
  http.join();
  waiter.join();
  server.unload_models();
}

}  // namespace own
