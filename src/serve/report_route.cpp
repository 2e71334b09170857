#include "serve/report_route.h"

#include <filesystem>

#include "core/check.h"
#include "core/fileio.h"

namespace own {

void add_report_route(const AddRoute& add, const std::string& report_path) {
  add("GET", "/api/report", [report_path](const httplib::Request&, httplib::Response& res) {
    if (report_path.empty())
      throw ApiError(404,
                     "This server knows no run directory, so no report: serve a model from RUN/ckpt/<stage>, or "
                     "pass serve --report RUN/report.html (made by `ownchat report --run RUN`).",
                     "", "report_not_found");
    const std::filesystem::path path(report_path);
    const std::string run = path.has_parent_path() ? path.parent_path().string() : ".";
    std::string html;
    try {
      html = read_file(report_path);
    } catch (const InputError&) {
      throw ApiError(404, fmt::format("No report yet at {}: run `ownchat report --run {}` to make one.", report_path, run),
                     "", "report_not_found");
    }
    res.set_header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox");
    res.set_header("Cache-Control", "no-store");
    res.set_content(std::move(html), "text/html; charset=utf-8");
  });
}

}  // namespace own
