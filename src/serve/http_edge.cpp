#include "serve/http_edge.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "serve/http_buffered_stream.h"
#include "serve/http_util.h"

namespace own {

namespace {

constexpr uint64_t kReservedFds = 128;  // files, the db, the models: not for connections
// pending connections the kernel holds for the accept thread. cpp-httplib listens with 5, so a burst
// of new clients overflowed the queue: their connects stalled for seconds or were reset.
constexpr int kListenBacklog = 4096;  // the kernel caps it at net.core.somaxconn

// runs each accepted socket's task on the accept thread itself: the task only hands it on
struct InlineTaskQueue : httplib::TaskQueue {
  void enqueue(std::function<void()> fn) override { fn(); }
  void shutdown() override {}
};

}  // namespace

uint64_t raise_open_file_limit() {
  rlimit r{};
  if (getrlimit(RLIMIT_NOFILE, &r) != 0) return 1024;
  if (r.rlim_cur < r.rlim_max) {
    rlimit want = r;
    want.rlim_cur = r.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) r = want;
  }
  return r.rlim_cur == RLIM_INFINITY ? uint64_t{1} << 20 : static_cast<uint64_t>(r.rlim_cur);
}

HttpEdge::HttpEdge(HttpEdgeOptions o, EdgeHooks hooks) : o_(o), hooks_(std::move(hooks)) {
  const uint64_t fds = raise_open_file_limit();
  const size_t total = static_cast<size_t>(fds > kReservedFds + 64 ? fds - kReservedFds : 64);
  const uint64_t body_budget = static_cast<uint64_t>(std::max<size_t>(o_.workers, 8)) * o_.read.max_body_bytes;
  limits_ = std::make_unique<ConnectionLimits>(o_.max_conns_per_client, total, body_budget);
  reader_ = std::make_unique<HeadReader>(o_.read, *limits_, hooks_, [this](std::unique_ptr<Connection> c) {
    {
      std::lock_guard lk(mu_);
      if (stopping_) return;  // c closes
      queue_.push_back(std::move(c));
    }
    cv_.notify_one();
  });
  new_task_queue = [] { return new InlineTaskQueue; };
  set_socket_options([this](socket_t sock) {
    httplib::default_socket_options(sock);
    listen_fd_ = sock;  // the socket bind_to_port then listens on
  });
  set_keep_alive_max_count(o_.keep_alive_max);
  set_keep_alive_timeout(std::max<time_t>(1, static_cast<time_t>(o_.read.idle_timeout.count() / 1000)));
}

HttpEdge::~HttpEdge() {
  reader_->stop();
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : workers_)
    if (t.joinable()) t.join();
}

void HttpEdge::serve() {
  reader_->start();
  for (size_t i = 0; i < o_.workers; i++) workers_.emplace_back([this] { work(); });
  if (listen_fd_ >= 0) ::listen(listen_fd_, kListenBacklog);  // listening again only widens the queue
  if (!shutdown_requested_) listen_after_bind();
  // stopped: no new requests; the ones being answered finish (their streams see the stop)
  reader_->stop();
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
  workers_.clear();
  serve_done_ = true;
}

void HttpEdge::shutdown() {
  shutdown_requested_ = true;
  while (!serve_done_) {
    stop();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

bool HttpEdge::process_and_close_socket(socket_t sock) {
  std::string ip;
  int port = 0;
  socket_address(sock, true, ip, port);
  const int flags = fcntl(sock, F_GETFL, 0);
  fcntl(sock, F_SETFL, flags | O_NONBLOCK);
  const int one = 1;
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // tokens go out as written
  auto c = std::make_unique<Connection>(sock, ip, port, limits_.get());
  switch (limits_->acquire(ip)) {
    case ConnectionLimits::Admit::ok:
      c->counted = Connection::Slot::client;
      reader_->add(std::move(c));
      return true;
    case ConnectionLimits::Admit::server_full:  // no descriptors to spare: answer and close
      send_now(sock, error_response_bytes(ApiError(503, "The server has too many open connections; retry shortly.", "",
                                                   "too_many_connections"), hooks_.error_headers(nullptr)));
      hooks_.refused(nullptr, 503);
      return true;
    case ConnectionLimits::Admit::client_full:
      send_now(sock, error_response_bytes(
                         ApiError(429, fmt::format("Too many open connections from {} (at most {}; serve --max-conns-per-client).",
                                                   ip, o_.max_conns_per_client), "", "too_many_connections"),
                         hooks_.error_headers(nullptr)));
      ::shutdown(sock, SHUT_WR);
      hooks_.refused(nullptr, 429);
      c->counted = Connection::Slot::total;
      c->phase = Connection::Phase::draining;  // read what the client sends, then close
      c->deadline = EdgeClock::now() + kDrainTime;
      reader_->add(std::move(c));
      return true;
  }
  return true;
}

void HttpEdge::work() {
  for (;;) {
    std::unique_ptr<Connection> c;
    {
      std::unique_lock lk(mu_);
      cv_.wait(lk, [&] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      c = std::move(queue_.front());
      queue_.pop_front();
    }
    answer(std::move(c));
  }
}

void HttpEdge::answer(std::unique_ptr<Connection> c) {
  bool stopping;
  {
    std::lock_guard lk(mu_);
    stopping = stopping_;
  }
  const bool close_after = stopping || c->served + 1 >= o_.keep_alive_max;
  bool closed = false;
  bool ok;
  {
    BufferedStream strm(c->fd, c->request, o_.write_timeout, c->client, c->client_port);
    ok = process_request(strm, close_after, closed, [&](httplib::Request& req) {
      req.headers.erase(kRawAuthorizationHeader);  // only the edge sets it
      req.headers.emplace(kRawAuthorizationHeader, c->raw_authorization);
    });
  }
  c->served++;
  c->end_request();
  if (ok && !close_after && !closed && is_running()) reader_->add(std::move(c));  // keep-alive: back to waiting
}

}  // namespace own
