#include "serve/http_head_reader.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>

#include "core/check.h"

namespace own {

namespace {

constexpr auto kSweepInterval = std::chrono::milliseconds(100);
constexpr size_t kReadChunk = 64 << 10;
constexpr size_t kReadsPerWake = 16;  // then the other connections get their turn

double seconds(std::chrono::milliseconds ms) { return static_cast<double>(ms.count()) / 1000.0; }

// the head as the worker's httplib parses it: the framing headers replaced by the decoded body's
// Content-Length, Expect dropped (the head reader answered it)
std::string normalized_head(const RequestHead& h, size_t body_bytes, bool has_body) {
  std::string out = h.method + " " + h.target + " " + h.version + "\r\n";
  for (const auto& [k, v] : h.headers)
    if (!equals_ignore_case(k, "Content-Length") && !equals_ignore_case(k, "Transfer-Encoding") && !equals_ignore_case(k, "Expect"))
      out += k + ": " + v + "\r\n";
  if (has_body || h.method == "POST" || h.method == "PUT" || h.method == "PATCH")
    out += fmt::format("Content-Length: {}\r\n", body_bytes);
  return out + "\r\n";
}

}  // namespace

HeadReader::HeadReader(HeadReaderOptions o, ConnectionLimits& limits, EdgeHooks hooks, Ready ready)
    : o_(o), limits_(limits), hooks_(std::move(hooks)), ready_(std::move(ready)) {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  OWN_CHECK(epoll_fd_ >= 0 && wake_fd_ >= 0, "epoll/eventfd: errno {}", errno);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_fd_;
  OWN_CHECK(epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &ev) == 0, "epoll_ctl: errno {}", errno);
}

HeadReader::~HeadReader() {
  stop();
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

void HeadReader::start() { thread_ = std::thread([this] { run(); }); }

void HeadReader::stop() {
  {
    std::lock_guard lk(inbox_mu_);
    stopped_ = true;
    inbox_.clear();
  }
  stop_ = true;
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  if (thread_.joinable()) thread_.join();
  conns_.clear();
}

void HeadReader::add(std::unique_ptr<Connection> c) {
  {
    std::lock_guard lk(inbox_mu_);
    if (stopped_) return;  // c closes here
    inbox_.push_back(std::move(c));
  }
  const uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
}

void HeadReader::run() {
  std::vector<epoll_event> events(256);
  auto last_sweep = EdgeClock::now();
  while (!stop_) {
    const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                             static_cast<int>(kSweepInterval.count()));
    for (int i = 0; i < n; i++) {
      if (events[i].data.fd == wake_fd_) {
        uint64_t v;
        (void)!::read(wake_fd_, &v, sizeof v);
      } else {
        on_readable(events[i].data.fd);
      }
    }
    std::vector<std::unique_ptr<Connection>> fresh;
    {
      std::lock_guard lk(inbox_mu_);
      fresh.swap(inbox_);
    }
    for (auto& c : fresh) adopt(std::move(c));
    for (int fd : ready_fds_) dispatch(fd);
    ready_fds_.clear();
    if (EdgeClock::now() - last_sweep >= kSweepInterval) {
      sweep();
      for (int fd : ready_fds_) dispatch(fd);
      ready_fds_.clear();
      last_sweep = EdgeClock::now();
    }
  }
}

void HeadReader::adopt(std::unique_ptr<Connection> c) {
  const int fd = c->fd;
  if (c->phase != Connection::Phase::draining) {
    c->phase = Connection::Phase::idle;
    c->deadline = EdgeClock::now() + o_.idle_timeout;
  }
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLRDHUP;
  ev.data.fd = fd;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) return;  // c closes
  Connection& conn = *c;
  conns_[fd] = std::move(c);
  if (!conn.buf.empty() && !advance(conn) && conn.phase != Connection::Phase::draining)
    ready_fds_.push_back(fd);  // a pipelined request
}

void HeadReader::on_readable(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end()) return;
  Connection& c = *it->second;
  char chunk[kReadChunk];
  for (size_t i = 0; i < kReadsPerWake; i++) {
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) {  // the client closed (or reset): nothing to answer
      conns_.erase(it);
      return;
    }
    if (c.phase == Connection::Phase::draining) continue;
    c.buf.append(chunk, static_cast<size_t>(n));
    if (!advance(c)) {
      if (c.phase != Connection::Phase::draining) ready_fds_.push_back(fd);
      return;
    }
  }
}

// moves c's request along with the bytes in its buffer; false when it is complete (to dispatch)
// or was refused (now draining)
bool HeadReader::advance(Connection& c) {
  using Phase = Connection::Phase;
  if (c.phase == Phase::draining) {
    c.buf.clear();
    return false;
  }
  if (c.phase == Phase::idle) {
    c.buf.erase(0, skip_empty_lines(c.buf));
    if (c.buf.empty()) return true;
    c.phase = Phase::head;
    c.deadline = EdgeClock::now() + o_.head_timeout;
  }
  if (c.phase == Phase::head) {
    RequestHead head;
    HeadError err;
    switch (parse_request_head(c.buf, o_.max_head_bytes, head, err)) {
      case HeadParse::incomplete: return true;
      case HeadParse::bad: return refuse(c, ApiError(err.status, err.message)), false;
      case HeadParse::complete: break;
    }
    c.buf.erase(0, head.size);
    c.head = std::move(head);
    if (!start_body(c)) return false;
  }
  // Phase::body
  const size_t used = c.body->feed(c.buf);
  c.buf.erase(0, used);
  if (used) c.deadline = EdgeClock::now() + o_.read_timeout;
  switch (c.body->status()) {
    case BodyReader::Status::bad: return refuse(c, ApiError(400, c.body->error(), "", "invalid_body")), false;
    case BodyReader::Status::too_large:
      return refuse(c, ApiError(413, fmt::format("Request body too large: the limit is {} bytes (serve --max-body, in MiB).",
                                                 o_.max_body_bytes), "", "request_too_large")),
             false;
    default: break;
  }
  // the budget counts bytes received, not bytes announced: announcing 64 bodies of --max-body and
  // then trickling must not lock every other client out
  if (const uint64_t have = c.body->body().size(); have > c.reserved) {
    if (!limits_.reserve_body(have - c.reserved))
      return refuse(c, ApiError(503, "The server is busy receiving other request bodies; retry shortly.", "", "server_busy")), false;
    c.reserved = have;
  }
  if (c.body->status() == BodyReader::Status::more) return true;
  std::string& body = c.body->body();
  c.request = normalized_head(*c.head, body.size(), true) + body;
  body.clear();
  body.shrink_to_fit();
  return false;
}

// checks a complete head and sets up its body; false when it was refused
bool HeadReader::start_body(Connection& c) {
  const RequestHead& h = *c.head;
  if (auto e = hooks_.check_head(h)) return refuse(c, *e), false;
  if (const std::string* enc = h.find("Content-Encoding"); enc && !equals_ignore_case(*enc, "identity"))
    return refuse(c, ApiError(415, fmt::format("Content-Encoding '{}' is not supported; send the body uncompressed.", enc->substr(0, 64)),
                              "", "unsupported_content_encoding")),
           false;
  BodyFraming framing;
  HeadError err;
  if (!body_framing(h, framing, err)) return refuse(c, ApiError(err.status, err.message)), false;
  c.raw_authorization = h.find("Authorization") ? *h.find("Authorization") : "";
  c.body.emplace(framing, o_.max_body_bytes);
  c.phase = Connection::Phase::body;
  c.deadline = EdgeClock::now() + o_.read_timeout;
  if (c.body->status() == BodyReader::Status::more && c.buf.empty())
    if (const std::string* expect = h.find("Expect"); expect && equals_ignore_case(*expect, "100-continue"))
      send_now(c.fd, "HTTP/1.1 100 Continue\r\n\r\n");
  return true;
}

void HeadReader::dispatch(int fd) {
  auto it = conns_.find(fd);
  if (it == conns_.end() || it->second->request.empty()) return;
  epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr);
  std::unique_ptr<Connection> c = std::move(it->second);
  conns_.erase(it);
  ready_(std::move(c));
}

void HeadReader::refuse(Connection& c, const ApiError& e) {
  const RequestHead* head = c.head ? &*c.head : nullptr;
  send_now(c.fd, error_response_bytes(e, hooks_.error_headers(head)));
  ::shutdown(c.fd, SHUT_WR);
  hooks_.refused(head, e.status);
  c.end_request();
  c.buf.clear();
  c.phase = Connection::Phase::draining;
  c.deadline = EdgeClock::now() + kDrainTime;
}

void HeadReader::sweep() {
  const auto now = EdgeClock::now();
  for (auto it = conns_.begin(); it != conns_.end();) {
    Connection& c = *it->second;
    if (c.deadline > now) {
      ++it;
      continue;
    }
    if (c.phase == Connection::Phase::head) {
      refuse(c, ApiError(408, fmt::format("The request head was not complete within {} s (serve --head-timeout).",
                                          seconds(o_.head_timeout)), "", "request_timeout"));
      ++it;
    } else if (c.phase == Connection::Phase::body) {
      refuse(c, ApiError(408, fmt::format("No byte of the request body came for {} s (serve --read-timeout).",
                                          seconds(o_.read_timeout)), "", "request_timeout"));
      ++it;
    } else {  // idle (no request begun) or done draining
      it = conns_.erase(it);
    }
  }
}

}  // namespace own
