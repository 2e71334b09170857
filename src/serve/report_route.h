// GET /api/report: the run's report card, RUN/report.html as `ownchat report` wrote it (text/html),
// else 404 with an OpenAI error object saying how to make it. The page carries no scripts; a CSP
// header keeps it that way when it is opened directly, and the web chat shows it in a sandboxed
// iframe. Behind the same API keys as every /api route (the server's gate).
#pragma once
#include <string>

#include "serve/http_util.h"

namespace own {

// report_path: the file to serve ("" = the server knows no run: every request gets the 404)
void add_report_route(const AddRoute& add, const std::string& report_path);

}  // namespace own
