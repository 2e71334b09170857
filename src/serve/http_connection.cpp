#include "serve/http_connection.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "serve/openai_response.h"

namespace own {

ConnectionLimits::Admit ConnectionLimits::acquire(const std::string& client) {
  std::lock_guard lk(mu_);
  if (open_ >= total_) return Admit::server_full;
  open_++;  // a refused connection still holds a descriptor while it drains: it counts in all
  size_t& n = by_client_[client];
  if (n >= per_client_) {
    if (n == 0) by_client_.erase(client);
    return Admit::client_full;
  }
  n++;
  return Admit::ok;
}

void ConnectionLimits::release(const std::string& client, bool client_slot) {
  std::lock_guard lk(mu_);
  if (client_slot) {
    auto it = by_client_.find(client);
    if (it != by_client_.end() && --it->second == 0) by_client_.erase(it);
  }
  open_--;
}

bool ConnectionLimits::reserve_body(uint64_t bytes) {
  std::lock_guard lk(mu_);
  if (body_used_ + bytes > body_budget_) return false;
  body_used_ += bytes;
  return true;
}

void ConnectionLimits::release_body(uint64_t bytes) {
  std::lock_guard lk(mu_);
  body_used_ -= bytes;
}

void Connection::end_request() {
  if (reserved) limits->release_body(reserved);
  reserved = 0;
  head.reset();
  body.reset();
  request.clear();
  request.shrink_to_fit();
  raw_authorization.clear();
}

void socket_address(int fd, bool peer, std::string& ip, int& port) {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  char buf[INET6_ADDRSTRLEN] = {};
  port = 0;
  auto* sa = reinterpret_cast<sockaddr*>(&addr);
  if ((peer ? ::getpeername(fd, sa, &len) : ::getsockname(fd, sa, &len)) == 0) {
    if (addr.ss_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(&addr);
      inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
      port = ntohs(a->sin_port);
    } else if (addr.ss_family == AF_INET6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(&addr);
      inet_ntop(AF_INET6, &a->sin6_addr, buf, sizeof buf);
      port = ntohs(a->sin6_port);
    }
  }
  ip = buf;
}

Connection::~Connection() {
  end_request();
  if (counted != Slot::none) limits->release(client, counted == Slot::client);
  if (fd >= 0) {
    ::shutdown(fd, SHUT_RDWR);
    ::close(fd);
  }
}

namespace {
const char* reason_phrase(int status) {
  switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 408: return "Request Timeout";
    case 413: return "Payload Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Error";
  }
}
}  // namespace

std::string error_response_bytes(const ApiError& e, const HeaderList& extra) {
  const std::string body = dump_json(error_json(e));
  std::string out = fmt::format("HTTP/1.1 {} {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n",
                                e.status, reason_phrase(e.status), body.size());
  if (e.status == 429 || e.status == 503) out += "Retry-After: 1\r\n";
  for (const auto& [k, v] : extra) out += fmt::format("{}: {}\r\n", k, v);
  return out + "\r\n" + body;
}

void send_now(int fd, const std::string& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    const ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n <= 0) return;
    off += static_cast<size_t>(n);
  }
}

}  // namespace own
