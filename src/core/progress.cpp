#include "core/progress.h"

#include <fmt/format.h>

#include <cstdio>

#include "core/dist.h"

namespace own {

std::string format_duration(double s) {
  if (!(s >= 0) || s > 1e8) return "?";
  int64_t t = static_cast<int64_t>(s + 0.5);
  if (t >= 3600) return fmt::format("{}h{:02}m", t / 3600, (t / 60) % 60);
  if (t >= 60) return fmt::format("{}m{:02}s", t / 60, t % 60);
  return fmt::format("{}s", t);
}

Progress::Progress(std::string what, int64_t total, std::string unit, double min_interval_s)
    : what_(std::move(what)), unit_(std::move(unit)), total_(total), min_interval_s_(min_interval_s),
      start_(std::chrono::steady_clock::now()), last_(start_) {}

void Progress::update(int64_t done, const std::string& extra) {
  if (!dist::is_root()) return;  // data-parallel ranks: one progress line, rank 0's
  auto now = std::chrono::steady_clock::now();
  if (start_done_ < 0) {
    start_done_ = done;
    start_ = now;
  }
  double since_last = std::chrono::duration<double>(now - last_).count();
  if (done < total_ && since_last < min_interval_s_) return;
  last_ = now;
  double elapsed = std::chrono::duration<double>(now - start_).count();
  double rate = elapsed > 0 ? static_cast<double>(done - start_done_) / elapsed : 0.0;
  double eta = rate > 0 ? static_cast<double>(total_ - done) / rate : -1.0;
  fmt::print(stderr, "{} {}/{} ({:.1f}%) | {:.2f} {}/s | elapsed {} | eta {}{}{}\n", what_, done, total_,
             total_ > 0 ? 100.0 * static_cast<double>(done) / static_cast<double>(total_) : 100.0, rate, unit_,
             format_duration(elapsed), format_duration(eta), extra.empty() ? "" : " | ", extra);
  std::fflush(stderr);
}

}  // namespace own
