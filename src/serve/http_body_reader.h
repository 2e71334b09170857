// A request body read incrementally as bytes arrive, by Content-Length or chunked framing,
// into one buffer of its decoded bytes. The size cap counts decoded bytes for both framings and
// refuses as early as it can: a Content-Length or a chunk size that would pass it is refused
// before any of its data is read, so a too-large body never sits in memory. Chunk extensions and
// trailers are accepted and dropped (the handler sees a plain body of known length).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "serve/http_request_head.h"

namespace own {

class BodyReader {
 public:
  enum class Status { more, done, bad, too_large };

  BodyReader(const BodyFraming& framing, size_t max_bytes);
  // Consumes what it can from in (returns how many bytes; the rest belongs to a next request)
  // and says where the body stands; on bad, error() says what was wrong.
  size_t feed(std::string_view in);
  Status status() const { return status_; }
  const std::string& error() const { return error_; }
  std::string& body() { return body_; }

 private:
  enum class State { length, size_line, data, data_end, trailer };
  size_t feed_chunked(std::string_view in);
  void fail(std::string message);

  size_t max_bytes_;
  State state_;
  Status status_ = Status::more;
  uint64_t remaining_ = 0;
  size_t trailer_bytes_ = 0;  // of the body (length) or of the current chunk (data)
  std::string line_;        // a chunk-size or trailer line being read
  std::string body_;
  std::string error_;
};

}  // namespace own
