#include "serve/http_buffered_stream.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "serve/http_connection.h"

namespace own {

// The write timeout bounds the time this response waits on its client in all, not each wait: a
// client that takes a byte now and then (just inside any per-wait timeout) would otherwise hold
// a worker for as long as it liked. A client that keeps up never waits, so never spends it.
bool BufferedStream::wait_writable() const {
  pollfd p{fd_, POLLOUT, 0};
  int n;
  do {
    const auto left = write_timeout_ - waited_;
    if (left.count() <= 0) return false;
    const auto t0 = std::chrono::steady_clock::now();
    n = ::poll(&p, 1, static_cast<int>(left.count()));
    waited_ += std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0);
  } while (n < 0 && errno == EINTR);
  return n > 0 && (p.revents & POLLOUT) && !(p.revents & (POLLERR | POLLHUP | POLLNVAL));
}

bool BufferedStream::is_writable() const {
  if (!wait_writable()) return false;
  // still there? A closed client reads as EOF; pipelined bytes or nothing at all mean alive
  char c;
  const ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n > 0 || (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR));
}

ssize_t BufferedStream::read(char* ptr, size_t size) {
  const size_t n = std::min(size, in_.size() - pos_);
  std::memcpy(ptr, in_.data() + pos_, n);
  pos_ += n;
  return static_cast<ssize_t>(n);
}

ssize_t BufferedStream::write(const char* ptr, size_t size) {
  for (;;) {
    const ssize_t n = ::send(fd_, ptr, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n >= 0) return n;
    if (errno == EINTR) continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) || !wait_writable()) return -1;
  }
}

void BufferedStream::get_remote_ip_and_port(std::string& ip, int& port) const {
  ip = client_ip_;
  port = client_port_;
}

void BufferedStream::get_local_ip_and_port(std::string& ip, int& port) const { socket_address(fd_, false, ip, port); }

}  // namespace own
