// One client connection of the server's HTTP edge, as it moves between the head reader (which
// owns it while bytes are awaited) and a worker (which owns it while a complete request is
// answered); and the counts that bound connections per client address and in all, plus the
// memory the buffered request bodies may take together. A Connection closes its socket and
// gives back its counts when destroyed, whoever holds it then.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "serve/api_error.h"
#include "serve/http_body_reader.h"
#include "serve/http_request_head.h"

namespace own {

using EdgeClock = std::chrono::steady_clock;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// the address of a socket's peer (peer = true) or of its own end: "" and 0 when unknown
void socket_address(int fd, bool peer, std::string& ip, int& port);

class ConnectionLimits {
 public:
  enum class Admit { ok, client_full, server_full };
  ConnectionLimits(size_t per_client, size_t total, uint64_t body_budget)
      : per_client_(per_client), total_(total), body_budget_(body_budget) {}
  // ok: a slot of the client's and one in all; client_full: one in all only; server_full: none
  Admit acquire(const std::string& client);
  void release(const std::string& client, bool client_slot);
  bool reserve_body(uint64_t bytes);  // false when the buffered bodies would pass the budget
  void release_body(uint64_t bytes);

 private:
  std::mutex mu_;
  size_t per_client_, total_, open_ = 0;
  uint64_t body_budget_, body_used_ = 0;
  std::map<std::string, size_t> by_client_;
};

struct Connection {
  enum class Phase { idle, head, body, draining };

  Connection(int fd_, std::string client_, int client_port_, ConnectionLimits* limits_)
      : fd(fd_), client(std::move(client_)), client_port(client_port_), limits(limits_) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // the request in progress is over: its body's memory goes back to the budget
  void end_request();

  int fd;
  std::string client;  // the peer's address (what the per-client limit counts)
  int client_port;
  ConnectionLimits* limits;
  enum class Slot { none, total, client };  // what it holds of limits (released on destruction)
  Slot counted = Slot::none;

  Phase phase = Phase::idle;
  EdgeClock::time_point deadline;
  std::string buf;  // bytes received and not yet consumed (may hold a next, pipelined request)
  std::optional<RequestHead> head;
  std::optional<BodyReader> body;
  uint64_t reserved = 0;  // body bytes counted against the limits' budget
  std::string request;    // the complete request for the worker: its head (normalized) and body
  std::string raw_authorization;  // the Authorization header's bytes exactly as sent ("" when none)
  size_t served = 0;  // requests answered on this connection
};

// "HTTP/1.1 STATUS ..." with the error object as a JSON body, Connection: close, Retry-After on
// 429/503, and the extra headers (CORS)
std::string error_response_bytes(const ApiError& e, const HeaderList& extra);

// best-effort send on a non-blocking socket (a client too slow to take a small error loses it)
void send_now(int fd, const std::string& bytes);

}  // namespace own
