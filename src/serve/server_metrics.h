// Counters behind GET /metrics, in Prometheus' text exposition format:
//   ownchat_requests_total{endpoint,status}, ownchat_prompt_tokens_total,
//   ownchat_completion_tokens_total, ownchat_time_to_first_token_seconds (histogram),
//   ownchat_queue_depth{model}, ownchat_active_sequences{model} (gauges read at scrape time).
// Thread-safe; recording is a mutex and a few adds (nothing on the token path).
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace own {

struct ModelGauges {
  std::string model;
  int64_t queued = 0, running = 0, slots = 0;
};

class ServerMetrics {
 public:
  void request(const std::string& endpoint, int status);
  void tokens(int64_t prompt, int64_t completion);
  void time_to_first_token(double seconds);
  std::string prometheus(const std::vector<ModelGauges>& gauges) const;

 private:
  static constexpr std::array<double, 10> kTtftBuckets = {0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, int64_t> requests_;
  int64_t prompt_tokens_ = 0, completion_tokens_ = 0;
  std::array<int64_t, kTtftBuckets.size() + 1> ttft_counts_{};  // last: +Inf
  double ttft_sum_ = 0;
  int64_t ttft_n_ = 0;
};

}  // namespace own
