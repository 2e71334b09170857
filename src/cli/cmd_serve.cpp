// ownchat serve
#include <cctype>
#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "core/check.h"
#include "core/gguf.h"
#include "core/run_dir.h"
#include "serve/server.h"

namespace own::cli {

namespace {

// the flags converted or checked before they become ServeOptions
struct ServeFlags {
  std::vector<std::string> models, indexes;
  std::string weights = "f32";
  double max_body_mib = 8.0;
  std::string moderate = "none";
  bool no_web = false;
};

// what is served and how: models, keys, moderation, the store, weights and slots
void add_model_flags(CLI::App* serve, ServeOptions& o, ServeFlags& f) {
  serve->add_option("--model", f.models, "checkpoint to serve, as DIR, FILE.gguf or NAME=DIR (repeatable; NAME defaults to the folder or file name)")
      ->required();
  serve->add_option("--tokenizer", o.tokenizer, "tokenizer.json (default: next to each checkpoint or in its run)");
  serve->add_option("--host", o.host, "address to bind")->capture_default_str();
  serve->add_option("--port", o.port, "port (0: any free port, printed)")->capture_default_str();
  serve->add_option("--api-key", o.api_keys, "required bearer key (repeatable; also $OWNCHAT_API_KEY)");
  serve->add_option("--moderate", f.moderate, "refuse flagged requests (input), stop flagged answers (output), or both")
      ->capture_default_str();
  serve->add_option("--moderation", o.moderation, "moderation checkpoint (default RUN/ckpt/moderation; none: lexicon only)");
  serve->add_option("--db", o.db, "SQLite store: API keys (default RUN/ownchat.db for a model in RUN/ckpt/<stage>)");
  serve->add_option("--report", o.report, "the run report served at /api/report (default RUN/report.html for a model in RUN/ckpt/<stage>)");
  serve->add_option("--weights", f.weights, "weights in memory: f32, bf16 or int8")->capture_default_str();
  serve->add_option("--slots", o.infer.n_slots, "sequences generated at once per model (KV cache regions)")
      ->capture_default_str();
  serve->add_option("--ctx", o.infer.context, "context length per sequence (default: the model's)");
  serve->add_option("--index", f.indexes,
                    "retrieval: answer chats from this index (RUN/index.db), as PATH (every model) or NAME=PATH (repeatable)");
  serve->add_option("--retrieval-k", o.retrieval_k, "passages per answer with --index (a request may ask 1-20)")
      ->capture_default_str()
      ->check(CLI::Range(1, 20));
}

// the HTTP side: queue, threads, limits, timeouts, hosts, CORS, the web chat
void add_http_flags(CLI::App* serve, ServeOptions& o, ServeFlags& f) {
  serve->add_option("--max-queue", o.max_queue, "requests waiting for a slot before new ones get 429")->capture_default_str();
  serve->add_option("--http-threads", o.http_threads, "connections served at once")->capture_default_str();
  serve->add_option("--max-body", f.max_body_mib, "largest request body in MiB (413 above)")->capture_default_str();
  serve->add_flag("!--no-log", o.log_requests, "do not print a line per request");
  serve->add_option("--head-timeout", o.head_timeout_s, "seconds a request head may take from its first byte (408 after)")
      ->capture_default_str();
  serve->add_option("--read-timeout", o.read_timeout_s, "longest pause in seconds while a request body arrives (408 after)")
      ->capture_default_str();
  serve->add_option("--write-timeout", o.write_timeout_s, "longest wait in seconds for a client to take response bytes (then dropped)")
      ->capture_default_str();
  serve->add_option("--idle-timeout", o.idle_timeout_s, "seconds a connection may wait without a request (then closed)")
      ->capture_default_str();
  serve->add_option("--max-conns-per-client", o.max_conns_per_client, "open connections per client address (429 above)")
      ->capture_default_str();
  serve->add_option("--allow-host", o.allow_hosts,
                    "a Host name to answer besides localhost and --host (repeatable; * = any; others get 403, against DNS rebinding)");
  serve->add_option("--cors", o.cors_origins, "an origin whose web pages may call the API, e.g. https://app.example (repeatable; * = any)");
  serve->add_option("--web", o.web_dir, "the web chat's built files, served at / (default: web/ beside the binary)");
  serve->add_flag("--no-web", f.no_web, "serve the API only");
}

// --model DIR or NAME=DIR, each name once
std::vector<std::pair<std::string, std::string>> named_models(const std::vector<std::string>& flags) {
  std::vector<std::pair<std::string, std::string>> models;
  for (const std::string& m : flags) {
    const size_t eq = m.find('=');
    std::string name = eq == std::string::npos ? "" : m.substr(0, eq);
    const std::string dir = eq == std::string::npos ? m : m.substr(eq + 1);
    const std::filesystem::path d = std::filesystem::path(dir).lexically_normal();
    const std::filesystem::path leaf = (d.filename().empty() ? d.parent_path() : d).filename();
    if (name.empty()) name = (is_gguf_path(dir) ? leaf.stem() : leaf).string();
    for (char c : name)
      if (!std::isalnum(static_cast<unsigned char>(c)) && std::string("-_.:/").find(c) == std::string::npos)
        input_error("--model {}: the name may hold letters, digits and - _ . : / only", m);
    for (const auto& [other, _] : models)
      if (other == name) input_error("--model {}: two models are named \"{}\"; name them with NAME=DIR", m, name);
    models.emplace_back(name, dir);
  }
  return models;
}

// --index PATH or NAME=PATH, NAME one of the served models
std::vector<std::pair<std::string, std::string>> named_indexes(const std::vector<std::string>& flags,
                                                               const std::vector<std::pair<std::string, std::string>>& models) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const std::string& x : flags) {
    const size_t eq = x.find('=');
    std::string name = eq == std::string::npos ? "" : x.substr(0, eq);
    std::string path = eq == std::string::npos ? x : x.substr(eq + 1);
    if (!name.empty() && !std::filesystem::exists(x)) {
      bool known = false;
      for (const auto& [m, _] : models) known = known || m == name;
      if (!known) input_error("--index {}: no served model is named \"{}\"", x, name);
    } else {
      name.clear(), path = x;  // a path that holds '='
    }
    out.emplace_back(name, path);
  }
  return out;
}

// a first model in RUN/ckpt/<stage>: the run's store, moderation model and report
void apply_run_defaults(ServeOptions& o) {
  const std::filesystem::path first = std::filesystem::path(o.models[0].second).lexically_normal();
  if (!RunDir::is_checkpoint(first)) return;
  const RunDir run(RunDir::of_checkpoint(first));
  if (o.db.empty()) o.db = run.store().string();
  if (o.moderation.empty()) o.moderation = run.ckpt("moderation").string();
  if (o.report.empty()) o.report = run.report_html().string();
}

void check_serve_flags(ServeOptions& o, const ServeFlags& f) {
  if (f.moderate != "none" && f.moderate != "input" && f.moderate != "output" && f.moderate != "both")
    input_error("--moderate must be none, input, output or both (got \"{}\")", f.moderate);
  o.moderate_input = f.moderate == "input" || f.moderate == "both";
  o.moderate_output = f.moderate == "output" || f.moderate == "both";
  if (o.infer.n_slots <= 0 || o.max_queue < 0 || o.http_threads <= 0)
    input_error("--slots and --http-threads must be positive, --max-queue non-negative");
  if (!(f.max_body_mib > 0)) input_error("--max-body must be positive (MiB), got {}", f.max_body_mib);
  for (const auto& [flag, v] : {std::pair{"--head-timeout", o.head_timeout_s}, {"--read-timeout", o.read_timeout_s},
                                {"--write-timeout", o.write_timeout_s}, {"--idle-timeout", o.idle_timeout_s}})
    if (!(v >= 0.1 && v <= 86400)) input_error("{} must be between 0.1 and 86400 seconds, got {}", flag, v);
  if (o.max_conns_per_client <= 0) input_error("--max-conns-per-client must be positive, got {}", o.max_conns_per_client);
  o.max_body_bytes = static_cast<size_t>(f.max_body_mib * 1024 * 1024);
  o.infer.weights = parse_weight_type(f.weights);
}

// --web, else web/ beside the binary when it holds an index.html; none with --no-web
void choose_web_dir(ServeOptions& o, bool no_web) {
  if (no_web) {
    o.web_dir.clear();
  } else if (o.web_dir.empty()) {
    std::error_code ec;
    const std::filesystem::path beside = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "web";
    if (!ec && std::filesystem::exists(beside / "index.html")) o.web_dir = beside.string();
  }
}

}  // namespace

void register_serve_commands(CLI::App& app) {
  CLI::App* serve = app.add_subcommand("serve", "OpenAI-compatible HTTP API on 127.0.0.1");
  auto o = std::make_shared<ServeOptions>();
  auto f = std::make_shared<ServeFlags>();
  o->infer.n_slots = 8;
  add_model_flags(serve, *o, *f);
  add_http_flags(serve, *o, *f);
  add_threads_flag(serve);
  serve->callback([o, f] {
    o->models = named_models(f->models);
    o->indexes = named_indexes(f->indexes, o->models);
    if (const char* k = std::getenv("OWNCHAT_API_KEY"); k && *k) o->api_keys.push_back(k);
    apply_run_defaults(*o);
    check_serve_flags(*o, *f);
    choose_web_dir(*o, f->no_web);
    run_serve(*o);
  });
}

}  // namespace own::cli
