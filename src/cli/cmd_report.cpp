// ownchat report
#include <cstdio>

#include "cli/commands.h"
#include "eval/report.h"

namespace own::cli {

void register_report_commands(CLI::App& app) {
  CLI::App* rep = app.add_subcommand("report", "RUN/report.md and RUN/report.html (tables and charts) from RUN/metrics.jsonl");
  auto o = std::make_shared<ReportOptions>();
  rep->add_option("--run", o->run_dir, "run directory")->capture_default_str();
  rep->callback([=] {
    const Report r = report_write(*o);
    for (const std::string& w : r.warnings) std::fprintf(stderr, "ownchat: warning: %s\n", w.c_str());
    std::printf("report: %lld metric lines (%lld skipped), %lld charts -> %s/report.md, %s/report.html\n",
                static_cast<long long>(r.lines), static_cast<long long>(r.skipped), static_cast<long long>(r.charts),
                o->run_dir.c_str(), o->run_dir.c_str());
  });
}

}  // namespace own::cli
