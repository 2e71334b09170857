// The head of one HTTP/1.x request exactly as its bytes came (header values neither
// percent-decoded nor cut at NUL), and the framing of its body: what the server's head reader
// needs before any handler runs. Strict on purpose: CRLF line ends only, token header names, no
// control bytes in values, one Host / Authorization / Content-Length, never both Content-Length
// and Transfer-Encoding; anything else is a HeadError (status + message), never a guess.
// The body is not read here (see http_body_reader.h).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace own {

constexpr size_t kMaxRequestLineBytes = 8000;  // 414 above (under httplib's 8192 with CRLF)
constexpr size_t kMaxHeaderLineBytes = 8000;   // 431 above (likewise)
constexpr size_t kMaxHeaderCount = 100;        // 431 above

struct HeadError {
  int status = 400;
  std::string message;
};

struct RequestHead {
  std::string method, target, version;
  std::vector<std::pair<std::string, std::string>> headers;  // (name as sent, value with OWS trimmed)
  size_t size = 0;  // bytes of the head in the buffer, the empty line included

  // the first header of that name (case-insensitive), or nullptr
  const std::string* find(std::string_view name) const;
  size_t count(std::string_view name) const;
  std::string path() const;  // the target before '?'
};

enum class HeadParse { incomplete, complete, bad };

// Parses the request head at the start of buf (the caller drops leading empty lines first, see
// skip_empty_lines). incomplete: no empty line yet and buf is under max_bytes; bad: err says why
// (431 when the head would pass max_bytes).
HeadParse parse_request_head(std::string_view buf, size_t max_bytes, RequestHead& head, HeadError& err);

// bytes of CRLF pairs at the start of buf (a client may send some between keep-alive requests)
size_t skip_empty_lines(std::string_view buf);

struct BodyFraming {
  bool chunked = false;
  uint64_t length = 0;  // Content-Length (0 when absent and not chunked)
};

// The body's framing from the head; false with err for a malformed or ambiguous one.
bool body_framing(const RequestHead& head, BodyFraming& framing, HeadError& err);

bool equals_ignore_case(std::string_view a, std::string_view b);

}  // namespace own
