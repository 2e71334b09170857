// A one-line progress report for long work: done/total, rate, ETA, plus free text.
// Prints to stderr at most every `min_interval_s` seconds (and always on the last item).
#pragma once
#include <chrono>
#include <cstdint>
#include <string>

namespace own {

class Progress {
 public:
  Progress(std::string what, int64_t total, std::string unit, double min_interval_s = 2.0);
  // `done` items finished so far (absolute); `extra` is appended, e.g. "loss 3.21"
  void update(int64_t done, const std::string& extra = "");

 private:
  std::string what_, unit_;
  int64_t total_, start_done_ = -1;
  double min_interval_s_;
  std::chrono::steady_clock::time_point start_, last_;
};

std::string format_duration(double seconds);

}  // namespace own
