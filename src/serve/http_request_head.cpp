#include "serve/http_request_head.h"

#include <fmt/format.h>

#include <cctype>
#include <limits>

namespace own {

namespace {

// RFC 9110 tchar: what a method or header name may hold
bool is_token_char(unsigned char c) {
  return std::isalnum(c) || std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!is_token_char(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string_view trim_ows(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool fail(HeadError& err, int status, std::string message) {
  err = {status, std::move(message)};
  return false;
}

bool parse_request_line(std::string_view line, RequestHead& head, HeadError& err) {
  if (line.size() > kMaxRequestLineBytes)
    return fail(err, 414, fmt::format("The request line is {} bytes; at most {} are accepted.", line.size(), kMaxRequestLineBytes));
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return fail(err, 400, "Malformed request line: expected 'METHOD TARGET HTTP/1.1'.");
  head.method = line.substr(0, sp1);
  head.target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  head.version = line.substr(sp2 + 1);
  if (!is_token(head.method)) return fail(err, 400, "Malformed request line: the method is not a token.");
  if (head.target.empty()) return fail(err, 400, "Malformed request line: empty request target.");
  for (char c : head.target)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f)
      return fail(err, 400, "Malformed request line: control bytes in the request target.");
  if (head.version != "HTTP/1.1" && head.version != "HTTP/1.0")
    return fail(err, 505, fmt::format("HTTP version '{}' is not supported; send HTTP/1.1.", head.version.substr(0, 16)));
  return true;
}

bool parse_header_line(std::string_view line, RequestHead& head, HeadError& err) {
  if (line.size() > kMaxHeaderLineBytes)
    return fail(err, 431, fmt::format("A header line is {} bytes; at most {} are accepted.", line.size(), kMaxHeaderLineBytes));
  if (line.front() == ' ' || line.front() == '\t') return fail(err, 400, "Folded header lines are not accepted.");
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
    return fail(err, 400, "Malformed header line: expected 'Name: value' with a token name.");
  const std::string_view value = trim_ows(line.substr(colon + 1));
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f)
      return fail(err, 400, fmt::format("Header '{}' holds a control byte (0x{:02x}).", line.substr(0, colon), u));
  }
  if (head.headers.size() == kMaxHeaderCount)
    return fail(err, 431, fmt::format("More than {} header lines.", kMaxHeaderCount));
  head.headers.emplace_back(std::string(line.substr(0, colon)), std::string(value));
  return true;
}

}  // namespace

bool equals_ignore_case(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); i++)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

const std::string* RequestHead::find(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (equals_ignore_case(k, name)) return &v;
  return nullptr;
}

size_t RequestHead::count(std::string_view name) const {
  size_t n = 0;
  for (const auto& [k, v] : headers) n += equals_ignore_case(k, name);
  return n;
}

std::string RequestHead::path() const { return target.substr(0, target.find('?')); }

size_t skip_empty_lines(std::string_view buf) {
  size_t n = 0;
  while (buf.substr(n, 2) == "\r\n") n += 2;
  return n;
}

HeadParse parse_request_head(std::string_view buf, size_t max_bytes, RequestHead& head, HeadError& err) {
  head = RequestHead{};
  const size_t end = buf.find("\r\n\r\n");
  if (end == std::string_view::npos || end + 4 > max_bytes) {
    if (buf.size() < max_bytes && end == std::string_view::npos) {
      // a bare LF ends nothing here: say so as soon as one shows, rather than waiting for a deadline
      const size_t lf = buf.find('\n');
      if (lf != std::string_view::npos && (lf == 0 || buf[lf - 1] != '\r'))
        return fail(err, 400, "Request lines must end with CRLF."), HeadParse::bad;
      return HeadParse::incomplete;
    }
    return fail(err, 431, fmt::format("The request head (request line and headers) passes {} KiB.", max_bytes / 1024)),
           HeadParse::bad;
  }
  const std::string_view text = buf.substr(0, end + 2);  // every line with its CRLF
  size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    const size_t eol = text.find("\r\n", pos);
    const std::string_view line = text.substr(pos, eol - pos);
    if (line.find('\n') != std::string_view::npos || line.find('\r') != std::string_view::npos)
      return fail(err, 400, "Request lines must end with CRLF (a bare CR or LF was sent)."), HeadParse::bad;
    if (!(first ? parse_request_line(line, head, err) : parse_header_line(line, head, err))) return HeadParse::bad;
    first = false;
    pos = eol + 2;
  }
  for (const char* once : {"Host", "Authorization", "Content-Length", "Transfer-Encoding", "Content-Type"})
    if (head.count(once) > 1) return fail(err, 400, fmt::format("Header '{}' was sent more than once.", once)), HeadParse::bad;
  head.size = end + 4;
  return HeadParse::complete;
}

bool body_framing(const RequestHead& head, BodyFraming& framing, HeadError& err) {
  framing = BodyFraming{};
  const std::string* te = head.find("Transfer-Encoding");
  const std::string* cl = head.find("Content-Length");
  if (te && cl) return fail(err, 400, "A request may not carry both Content-Length and Transfer-Encoding.");
  if (te) {
    if (!equals_ignore_case(*te, "chunked"))
      return fail(err, 501, fmt::format("Transfer-Encoding '{}' is not supported; send 'chunked' or a Content-Length.", te->substr(0, 64)));
    if (head.version == "HTTP/1.0") return fail(err, 400, "Transfer-Encoding is not allowed in an HTTP/1.0 request.");
    framing.chunked = true;
    return true;
  }
  if (cl) {
    if (cl->empty() || cl->size() > 18)
      return fail(err, 400, fmt::format("Invalid Content-Length '{}': expected a decimal byte count.", cl->substr(0, 32)));
    for (char c : *cl)
      if (c < '0' || c > '9')
        return fail(err, 400, fmt::format("Invalid Content-Length '{}': expected a decimal byte count.", cl->substr(0, 32)));
    framing.length = std::stoull(*cl);
  }
  return true;
}

}  // namespace own
