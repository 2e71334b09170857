// ownchat serve
#include <cstdlib>
#include <filesystem>

#include "cli/commands.h"
#include "core/check.h"
#include "serve/server.h"

namespace own::cli {

void register_serve_commands(CLI::App& app) {
  CLI::App* serve = app.add_subcommand("serve", "OpenAI-compatible HTTP API on 127.0.0.1");
  auto o = std::make_shared<ServeOptions>();
  auto models = std::make_shared<std::vector<std::string>>();
  auto weights = std::make_shared<std::string>("f32");
  auto max_body_mib = std::make_shared<double>(8.0);
  o->infer.n_slots = 8;
  serve->add_option("--model", *models, "checkpoint to serve, as DIR or NAME=DIR (repeatable; NAME defaults to the folder name)")
      ->required();
  serve->add_option("--tokenizer", o->tokenizer, "tokenizer.json (default: next to each checkpoint or in its run)");
  serve->add_option("--host", o->host, "address to bind")->capture_default_str();
  serve->add_option("--port", o->port, "port (0: any free port, printed)")->capture_default_str();
  serve->add_option("--api-key", o->api_keys, "required bearer key (repeatable; also $OWNCHAT_API_KEY)");
  auto moderate = std::make_shared<std::string>("none");
  serve->add_option("--moderate", *moderate, "refuse flagged requests (input), stop flagged answers (output), or both")
      ->capture_default_str();
  serve->add_option("--moderation", o->moderation, "moderation checkpoint (default RUN/ckpt/moderation; none: lexicon only)");
  serve->add_option("--db", o->db, "SQLite store: API keys (default RUN/ownchat.db for a model in RUN/ckpt/<stage>)");
  serve->add_option("--report", o->report, "the run report served at /api/report (default RUN/report.html for a model in RUN/ckpt/<stage>)");
  serve->add_option("--weights", *weights, "weights in memory: f32, bf16 or int8")->capture_default_str();
  serve->add_option("--slots", o->infer.n_slots, "sequences generated at once per model (KV cache regions)")
      ->capture_default_str();
  serve->add_option("--ctx", o->infer.context, "context length per sequence (default: the model's)");
  serve->add_option("--max-queue", o->max_queue, "requests waiting for a slot before new ones get 429")->capture_default_str();
  serve->add_option("--http-threads", o->http_threads, "connections served at once")->capture_default_str();
  serve->add_option("--max-body", *max_body_mib, "largest request body in MiB (413 above)")->capture_default_str();
  serve->add_flag("!--no-log", o->log_requests, "do not print a line per request");
  serve->add_option("--head-timeout", o->head_timeout_s, "seconds a request head may take from its first byte (408 after)")
      ->capture_default_str();
  serve->add_option("--read-timeout", o->read_timeout_s, "longest pause in seconds while a request body arrives (408 after)")
      ->capture_default_str();
  serve->add_option("--write-timeout", o->write_timeout_s, "longest wait in seconds for a client to take response bytes (then dropped)")
      ->capture_default_str();
  serve->add_option("--idle-timeout", o->idle_timeout_s, "seconds a connection may wait without a request (then closed)")
      ->capture_default_str();
  serve->add_option("--max-conns-per-client", o->max_conns_per_client, "open connections per client address (429 above)")
      ->capture_default_str();
  serve->add_option("--allow-host", o->allow_hosts,
                    "a Host name to answer besides localhost and --host (repeatable; * = any; others get 403, against DNS rebinding)");
  serve->add_option("--cors", o->cors_origins, "an origin whose web pages may call the API, e.g. https://app.example (repeatable; * = any)");
  auto no_web = std::make_shared<bool>(false);
  serve->add_option("--web", o->web_dir, "the web chat's built files, served at / (default: web/ beside the binary)");
  serve->add_flag("--no-web", *no_web, "serve the API only");
  add_threads_flag(serve);
  serve->callback([=] {
    o->models.clear();
    for (const std::string& m : *models) {
      const size_t eq = m.find('=');
      std::string name = eq == std::string::npos ? "" : m.substr(0, eq);
      const std::string dir = eq == std::string::npos ? m : m.substr(eq + 1);
      const std::filesystem::path d = std::filesystem::path(dir).lexically_normal();
      if (name.empty()) name = (d.filename().empty() ? d.parent_path() : d).filename().string();
      for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && std::string("-_.:/").find(c) == std::string::npos)
          input_error("--model {}: the name may hold letters, digits and - _ . : / only", m);
      for (const auto& [other, _] : o->models)
        if (other == name) input_error("--model {}: two models are named \"{}\"; name them with NAME=DIR", m, name);
      o->models.emplace_back(name, dir);
    }
    if (const char* k = std::getenv("OWNCHAT_API_KEY"); k && *k) o->api_keys.push_back(k);
    const std::filesystem::path first = std::filesystem::path(o->models[0].second).lexically_normal();
    const std::filesystem::path ckpt = (first.filename().empty() ? first.parent_path() : first).parent_path();
    if (ckpt.filename() == "ckpt") {  // RUN/ckpt/<stage>: the run's store and moderation model
      if (o->db.empty()) o->db = (ckpt.parent_path() / "ownchat.db").string();
      if (o->moderation.empty()) o->moderation = (ckpt / "moderation").string();
      if (o->report.empty()) o->report = (ckpt.parent_path() / "report.html").string();
    }
    if (*moderate != "none" && *moderate != "input" && *moderate != "output" && *moderate != "both")
      input_error("--moderate must be none, input, output or both (got \"{}\")", *moderate);
    o->moderate_input = *moderate == "input" || *moderate == "both";
    o->moderate_output = *moderate == "output" || *moderate == "both";
    if (o->infer.n_slots <= 0 || o->max_queue < 0 || o->http_threads <= 0)
      input_error("--slots and --http-threads must be positive, --max-queue non-negative");
    if (!(*max_body_mib > 0)) input_error("--max-body must be positive (MiB), got {}", *max_body_mib);
    for (const auto& [flag, v] : {std::pair{"--head-timeout", o->head_timeout_s}, {"--read-timeout", o->read_timeout_s},
                                  {"--write-timeout", o->write_timeout_s}, {"--idle-timeout", o->idle_timeout_s}})
      if (!(v >= 0.1 && v <= 86400)) input_error("{} must be between 0.1 and 86400 seconds, got {}", flag, v);
    if (o->max_conns_per_client <= 0) input_error("--max-conns-per-client must be positive, got {}", o->max_conns_per_client);
    o->max_body_bytes = static_cast<size_t>(*max_body_mib * 1024 * 1024);
    o->infer.weights = parse_weight_type(*weights);
    if (*no_web) {
      o->web_dir.clear();
    } else if (o->web_dir.empty()) {
      std::error_code ec;
      const std::filesystem::path beside = std::filesystem::read_symlink("/proc/self/exe", ec).parent_path() / "web";
      if (!ec && std::filesystem::exists(beside / "index.html"))
        o->web_dir = beside.string();
    }
    run_serve(*o);
  });
}

}  // namespace own::cli
