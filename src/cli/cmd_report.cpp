// ownchat report
#include <fmt/format.h>

#include "cli/commands.h"
#include "core/run_dir.h"
#include "eval/report.h"

namespace own::cli {

void register_report_commands(CLI::App& app) {
  CLI::App* rep = app.add_subcommand("report", "RUN/report.md and RUN/report.html (tables and charts) from RUN/metrics.jsonl");
  auto o = std::make_shared<ReportOptions>();
  rep->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  rep->callback([=] {
    const Report r = report_write(*o);
    for (const std::string& w : r.warnings) fmt::print(stderr, "ownchat: warning: {}\n", w);
    const RunDir run(o->run_dir);
    fmt::print("report: {} metric lines ({} skipped), {} charts -> {}, {}\n", r.lines, r.skipped, r.charts,
               run.report_md().string(), run.report_html().string());
  });
}

}  // namespace own::cli
