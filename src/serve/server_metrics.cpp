#include "serve/server_metrics.h"

#include <fmt/format.h>

namespace own {

void ServerMetrics::request(const std::string& endpoint, int status) {
  std::lock_guard lk(mu_);
  requests_[{endpoint, status}]++;
}

void ServerMetrics::tokens(int64_t prompt, int64_t completion) {
  std::lock_guard lk(mu_);
  prompt_tokens_ += prompt;
  completion_tokens_ += completion;
}

void ServerMetrics::time_to_first_token(double seconds) {
  std::lock_guard lk(mu_);
  size_t b = 0;
  while (b < kTtftBuckets.size() && seconds > kTtftBuckets[b]) b++;
  ttft_counts_[b]++;
  ttft_sum_ += seconds;
  ttft_n_++;
}

std::string ServerMetrics::prometheus(const std::vector<ModelGauges>& gauges) const {
  std::lock_guard lk(mu_);
  std::string o;
  o += "# HELP ownchat_requests_total HTTP requests by endpoint and status.\n# TYPE ownchat_requests_total counter\n";
  for (const auto& [k, n] : requests_)
    o += fmt::format("ownchat_requests_total{{endpoint=\"{}\",status=\"{}\"}} {}\n", k.first, k.second, n);
  o += "# HELP ownchat_prompt_tokens_total Prompt tokens processed.\n# TYPE ownchat_prompt_tokens_total counter\n";
  o += fmt::format("ownchat_prompt_tokens_total {}\n", prompt_tokens_);
  o += "# HELP ownchat_completion_tokens_total Tokens generated.\n# TYPE ownchat_completion_tokens_total counter\n";
  o += fmt::format("ownchat_completion_tokens_total {}\n", completion_tokens_);
  o += "# HELP ownchat_time_to_first_token_seconds From request to the first generated token.\n"
       "# TYPE ownchat_time_to_first_token_seconds histogram\n";
  int64_t cum = 0;
  for (size_t b = 0; b < kTtftBuckets.size(); b++) {
    cum += ttft_counts_[b];
    o += fmt::format("ownchat_time_to_first_token_seconds_bucket{{le=\"{}\"}} {}\n", kTtftBuckets[b], cum);
  }
  cum += ttft_counts_.back();
  o += fmt::format("ownchat_time_to_first_token_seconds_bucket{{le=\"+Inf\"}} {}\n", cum);
  o += fmt::format("ownchat_time_to_first_token_seconds_sum {}\nownchat_time_to_first_token_seconds_count {}\n", ttft_sum_,
                   ttft_n_);
  o += "# HELP ownchat_queue_depth Requests waiting for a free sequence slot.\n# TYPE ownchat_queue_depth gauge\n";
  for (const ModelGauges& g : gauges) o += fmt::format("ownchat_queue_depth{{model=\"{}\"}} {}\n", g.model, g.queued);
  o += "# HELP ownchat_active_sequences Sequences being generated.\n# TYPE ownchat_active_sequences gauge\n";
  for (const ModelGauges& g : gauges) o += fmt::format("ownchat_active_sequences{{model=\"{}\"}} {}\n", g.model, g.running);
  o += "# HELP ownchat_sequence_slots Sequence slots (KV cache regions).\n# TYPE ownchat_sequence_slots gauge\n";
  for (const ModelGauges& g : gauges) o += fmt::format("ownchat_sequence_slots{{model=\"{}\"}} {}\n", g.model, g.slots);
  return o;
}

}  // namespace own
