#include "serve/http_body_reader.h"

#include <fmt/format.h>

#include <algorithm>

namespace own {

namespace {
constexpr size_t kMaxChunkLineBytes = 1024;    // "SIZE;extensions" or one trailer line
constexpr size_t kMaxTrailerBytes = 16 << 10;  // all trailer lines together
}  // namespace

BodyReader::BodyReader(const BodyFraming& framing, size_t max_bytes)
    : max_bytes_(max_bytes), state_(framing.chunked ? State::size_line : State::length) {
  if (framing.chunked) return;
  remaining_ = framing.length;
  if (framing.length > max_bytes_) status_ = Status::too_large;
  else if (framing.length == 0) status_ = Status::done;
  else body_.reserve(static_cast<size_t>(std::min<uint64_t>(framing.length, 1 << 20)));  // grows as bytes arrive
}

void BodyReader::fail(std::string message) {
  status_ = Status::bad;
  error_ = std::move(message);
}

size_t BodyReader::feed(std::string_view in) {
  if (status_ != Status::more) return 0;
  if (state_ != State::length) return feed_chunked(in);
  const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size()));
  body_.append(in.data(), n);
  remaining_ -= n;
  if (remaining_ == 0) status_ = Status::done;
  return n;
}

size_t BodyReader::feed_chunked(std::string_view in) {
  size_t pos = 0;
  while (pos < in.size() && status_ == Status::more) {
    if (state_ == State::data) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, in.size() - pos));
      body_.append(in.data() + pos, n);
      pos += n;
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::data_end;
      continue;
    }
    // a line: chunk size, the CRLF after a chunk's data, or a trailer line
    const size_t eol = in.find('\n', pos);
    const size_t take = (eol == std::string_view::npos ? in.size() : eol + 1) - pos;
    line_.append(in.data() + pos, take);
    pos += take;
    if (line_.size() > kMaxChunkLineBytes) return fail("Chunked body: a chunk-size or trailer line is too long."), pos;
    if (line_.back() != '\n') continue;
    if (line_.size() < 2 || line_[line_.size() - 2] != '\r') return fail("Chunked body: lines must end with CRLF."), pos;
    const std::string line = line_.substr(0, line_.size() - 2);
    line_.clear();
    if (state_ == State::data_end) {
      if (!line.empty()) return fail("Chunked body: a chunk's data is longer than its size says."), pos;
      state_ = State::size_line;
    } else if (state_ == State::size_line) {
      const std::string hex = line.substr(0, line.find(';'));
      if (hex.empty() || hex.size() > 15 || hex.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        return fail(fmt::format("Chunked body: invalid chunk size '{}'.", hex.substr(0, 32))), pos;
      remaining_ = std::stoull(hex, nullptr, 16);
      if (remaining_ > max_bytes_ - body_.size()) return status_ = Status::too_large, pos;
      state_ = remaining_ == 0 ? State::trailer : State::data;
    } else {  // trailer: dropped; the empty line ends the body
      trailer_bytes_ += line.size() + 2;
      if (trailer_bytes_ > kMaxTrailerBytes) return fail("Chunked body: the trailer is too long."), pos;
      if (line.empty()) status_ = Status::done;
    }
  }
  return pos;
}

}  // namespace own
