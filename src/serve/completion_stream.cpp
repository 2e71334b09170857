#include "serve/completion_stream.h"

#include <utility>

namespace own {

namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(100);  // how often a waiting response checks its client

struct CompletionResponse {
  std::shared_ptr<InFlight> fl;
  CompletionWriter writer;
  OutputFilter filter;
  ServerMetrics* metrics;
  Clock::time_point start;
  bool began = false, first_token_seen = false;

  // one call of httplib's content provider; false ends the response
  bool pump(httplib::DataSink& sink) {
    if (writer.streaming() && !began) {  // the first chunk of each choice, at once
      began = true;
      return write(sink, writer.begin());
    }
    InFlight::Events evs = fl->take(kPollInterval);
    // the client went away: a stream learns it from a failed write, a whole response (nothing
    // written until the end) by asking each time
    if ((evs.empty() || !writer.streaming()) && !sink.is_writable()) return fl->cancel(), false;
    if (evs.empty()) return true;
    std::string out;
    for (auto& [i, ev] : evs) {
      bool stop = false;
      std::optional<ChoiceDelta> d = filter.filter(i, ev, stop);
      if (stop) fl->engine->cancel(fl->ids[i]);
      if (!d) continue;
      if (!first_token_seen && !d->tokens.empty()) {
        first_token_seen = true;
        metrics->time_to_first_token(std::chrono::duration<double>(Clock::now() - start).count());
      }
      out += writer.add(i, std::move(*d));
    }
    if (writer.done()) {
      const Usage u = writer.usage();
      metrics->tokens(u.prompt_tokens, u.completion_tokens);
      out += writer.end();
    }
    if (!write(sink, out)) return false;
    if (writer.done()) sink.done();
    return true;
  }

  bool write(httplib::DataSink& sink, const std::string& out) {
    if (!out.empty() && !sink.write(out.data(), out.size())) return fl->cancel(), false;
    return true;
  }
};

}  // namespace

void respond_completion(httplib::Response& res, std::shared_ptr<InFlight> fl, CompletionWriter writer, OutputFilter filter,
                        ServerMetrics& metrics, Clock::time_point start) {
  const char* type = writer.content_type();
  auto r = std::make_shared<CompletionResponse>(CompletionResponse{fl, std::move(writer), std::move(filter), &metrics, start});
  res.set_header("Cache-Control", "no-cache");
  res.set_chunked_content_provider(type, [r](size_t, httplib::DataSink& sink) { return r->pump(sink); },
                                   [fl](bool) { fl->cancel(); });  // finished ids are ignored
}

}  // namespace own
