// The HTTP side of a running completion: the engine's events, through serve's output filter, into
// the response writer, out through httplib's chunked sink. Streamed, each poll sends what arrived;
// whole, nothing is sent until every choice is done. A client that goes away cancels the
// request's sequences. Records time to first token and token counts in the server's metrics.
#pragma once
#include <httplib.h>

#include <chrono>
#include <memory>

#include "serve/in_flight.h"
#include "serve/moderation_filter.h"
#include "serve/response_writer.h"
#include "serve/server_metrics.h"

namespace own {

// start: when the request arrived (time to first token counts from there)
void respond_completion(httplib::Response& res, std::shared_ptr<InFlight> fl, CompletionWriter writer, OutputFilter filter,
                        ServerMetrics& metrics, std::chrono::steady_clock::time_point start);

}  // namespace own
