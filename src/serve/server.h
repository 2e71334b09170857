// `ownchat serve`: the OpenAI-compatible HTTP server, a thin layer over one Engine per model.
//   POST /v1/chat/completions, /v1/completions   (stream: SSE chunks, then "data: [DONE]")
//   GET  /v1/models, /v1/models/{id}
//   POST /v1/embeddings, /v1/moderations
//   POST /tokenize, /detokenize                   (llama.cpp's shapes)
//   GET  /health (503 while loading), /metrics (Prometheus)
//   GET  /api/report                              (RUN/report.html; see report_route.h)
// Every error is an OpenAI error object with its 4xx/5xx status; nothing a client sends can
// crash or hang the server. The HTTP edge (http_edge.h) reads each request whole before a worker
// answers it, so slow or idle clients hold no worker: a request head must be complete within
// --head-timeout (else 408), a body may pause at most --read-timeout (408), a body (Content-Length
// or chunked) over --max-body gets 413 before it is read, an idle keep-alive connection closes
// after --idle-timeout, a client takes response bytes within --write-timeout or is dropped, and
// one address holds at most --max-conns-per-client connections (429). Against other web pages:
// a Host other than the bound address / localhost / --allow-host gets 403 (DNS rebinding), a
// POST/PUT/PATCH not sent as application/json gets 415, and CORS headers go only to --cors origins. A client that goes away cancels its generations; when more than
// max_queue requests wait for a slot, new ones get 429 with Retry-After. Keys: when any are given
// (--api-key, $OWNCHAT_API_KEY) or were ever created in the db (`ownchat keys create`), every
// route but /health needs "Authorization: Bearer KEY" with a given or active key, else 401.
// --moderate input: a flagged request gets a polite refusal (finish_reason "content_filter")
// instead of an answer; output: an answer that turns flagged is stopped there, likewise.
// The layers of a completion: the route (server.cpp) -> openai_request (the body) -> completion_task
// (checked against the model, submitted to its engine) -> completion_stream (the engine's events
// through moderation_filter) -> response_writer (SSE chunks or the whole response, refusals).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "infer/model.h"

namespace own {

struct ServeOptions {
  std::vector<std::pair<std::string, std::string>> models;  // name, checkpoint dir
  std::string tokenizer;                                    // "" = next to each checkpoint
  std::string host = "127.0.0.1";
  int port = 8080;                                          // 0 = any free port (printed)
  std::vector<std::string> api_keys;                        // required keys (with the db's active ones)
  std::string db;  // SQLite store (keys, later conversations); "" = RUN/ownchat.db when the first
                   // model is RUN/ckpt/<stage>, else none
  InferOptions infer;                                       // weights, slots, context
  int64_t max_queue = 64;                                   // waiting requests before 429
  int64_t http_threads = 64;                                // requests answered at once (workers)
  size_t max_body_bytes = 8u << 20;                         // 413 above
  double head_timeout_s = 10;   // a request head (from its first byte) must be complete within this, else 408
  double read_timeout_s = 30;   // longest pause while a request body arrives, else 408
  double write_timeout_s = 30;  // longest wait for a client to take response bytes, else it is dropped
  double idle_timeout_s = 60;   // a connection without a request begun closes after this
  int64_t max_conns_per_client = 512;  // open connections per client address, 429 above
  std::vector<std::string> allow_hosts;   // Host names admitted besides the bound address ("*": any)
  std::vector<std::string> cors_origins;  // origins answered with CORS headers ("*": any); none = no CORS
  bool log_requests = true;                                 // one line per request on stderr
  std::string moderation;  // a `train moderation` checkpoint ("" = RUN/ckpt/moderation when the first
                           // model is RUN/ckpt/<stage>; missing = the lexicon alone)
  bool moderate_input = false, moderate_output = false;  // --moderate input|output|both
  std::string report;  // what GET /api/report serves ("" = RUN/report.html when the first model is
                       // RUN/ckpt/<stage>, else none)
  std::vector<std::pair<std::string, std::string>> indexes;  // retrieval: model name ("" = every model), index.db
  int64_t retrieval_k = 3;  // passages per answer by default
  std::string web_dir;  // the web chat's built files, served at / ("" = WEB beside the binary:
                        // build/web, made by scripts/setup.sh; none there = no page)
};

// Binds, prints "ownchat: listening on http://HOST:PORT", loads the models (/health answers
// 503 meanwhile), then serves until SIGINT or SIGTERM.
void run_serve(const ServeOptions& o);

}  // namespace own
