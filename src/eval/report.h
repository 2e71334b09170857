// `ownchat report`: the run's report card from RUN/metrics.jsonl, as RUN/report.md (tables) and a
// self-contained RUN/report.html (the same tables plus SVG line charts; inline CSS, no scripts, no
// external references, so it opens anywhere and sits in a sandboxed iframe of the web chat).
// Sections: models (RUN/ckpt/<stage>/config.json), evals (a column per model evaluated, a row per
// metric), then one per training stage: its metrics' final/min/max and its charts (a chart only
// when its series were logged). Unknown stages and names still get their table rows.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace own {

struct ReportOptions {
  std::string run_dir = "runs/default";
  std::string made_at;  // the time printed in the report; "" = now (UTC)
};

struct Report {
  std::string markdown, html;
  int64_t charts = 0;                 // <svg> elements in html
  int64_t lines = 0, skipped = 0;     // metrics.jsonl lines read / skipped as bad
  std::vector<std::string> warnings;  // path:line of skipped lines, config.json files not understood
};

// Reads RUN/metrics.jsonl (InputError naming it when missing) and renders; writes nothing.
Report report_build(const ReportOptions& o);
// report_build, then RUN/report.md and RUN/report.html, each written atomically.
Report report_write(const ReportOptions& o);

}  // namespace own
