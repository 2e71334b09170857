// The server's head reader: one epoll thread that owns every connection while its bytes are
// awaited (a fresh or keep-alive connection before its first byte, a request head, a request
// body) and hands a connection to a worker only once a whole request sits in its buffer. A slow,
// idle or silent client therefore holds a socket and a few KiB here, never a worker.
// Deadlines (checked every 100 ms): idle (no byte of a next request yet): closed silently; head
// (from its first byte, total): 408; body (longest pause between bytes): 408. Heads past their
// cap: 431; bodies past --max-body (either framing, before their data is read): 413; a head the
// policy refuses (Host, Content-Type): its status. Every refusal is an OpenAI error object on a
// Connection: close response, reported through Hooks::refused; the socket is then drained for a
// second so the client reads the answer rather than a reset.
#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "serve/http_connection.h"

namespace own {

struct HeadReaderOptions {
  size_t max_head_bytes = 16 << 10;
  size_t max_body_bytes = 8 << 20;
  std::chrono::milliseconds head_timeout{10000}, read_timeout{30000}, idle_timeout{60000};
};

struct EdgeHooks {
  // a complete head: nullopt to go on, else the error to answer (Host, Content-Type, ...)
  std::function<std::optional<ApiError>(const RequestHead&)> check_head;
  // headers every edge-made error carries (CORS), for the head when one was read
  std::function<HeaderList(const RequestHead*)> error_headers;
  // a request the edge answered itself (head: nullptr when none was read): metrics, the log
  std::function<void(const RequestHead*, int status)> refused;
};

constexpr auto kDrainTime = std::chrono::seconds(1);  // after a refusal, unread bytes are discarded this long

class HeadReader {
 public:
  using Ready = std::function<void(std::unique_ptr<Connection>)>;
  HeadReader(HeadReaderOptions o, ConnectionLimits& limits, EdgeHooks hooks, Ready ready);
  ~HeadReader();
  void start();
  void stop();  // joins; the connections it holds are closed
  // takes a connection (any thread): fresh, back from a worker (keep-alive), or refused and draining
  void add(std::unique_ptr<Connection> c);

 private:
  void run();
  void adopt(std::unique_ptr<Connection> c);
  void on_readable(int fd);
  bool advance(Connection& c);  // false: c was handed on or refused
  bool start_body(Connection& c);
  void dispatch(int fd);
  void refuse(Connection& c, const ApiError& e);
  void sweep();

  HeadReaderOptions o_;
  ConnectionLimits& limits_;
  EdgeHooks hooks_;
  Ready ready_;
  int epoll_fd_ = -1, wake_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex inbox_mu_;
  bool stopped_ = false;  // under inbox_mu_: add() closes what comes after
  std::vector<std::unique_ptr<Connection>> inbox_;
  std::map<int, std::unique_ptr<Connection>> conns_;  // owned by the thread
  std::vector<int> ready_fds_;                        // complete requests found during one pass
};

}  // namespace own
