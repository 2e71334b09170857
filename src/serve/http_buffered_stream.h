// The httplib::Stream a worker answers one request over: reads come from the request the head
// reader already buffered (so a handler never waits on the client's upload), writes go to the
// socket, waiting at most the write timeout in all (per response) for the client to take bytes. is_writable()
// also says false once the client has gone (closed or reset), which is how a response still
// being generated learns it was abandoned and cancels its generations.
#pragma once
#include <httplib.h>

#include <chrono>
#include <string>
#include <string_view>

namespace own {

class BufferedStream : public httplib::Stream {
 public:
  BufferedStream(int fd, std::string_view request, std::chrono::milliseconds write_timeout, std::string client_ip,
                 int client_port)
      : fd_(fd), in_(request), write_timeout_(write_timeout), client_ip_(std::move(client_ip)), client_port_(client_port) {}

  bool is_readable() const override { return pos_ < in_.size(); }
  bool is_writable() const override;
  ssize_t read(char* ptr, size_t size) override;
  ssize_t write(const char* ptr, size_t size) override;
  void get_remote_ip_and_port(std::string& ip, int& port) const override;
  void get_local_ip_and_port(std::string& ip, int& port) const override;
  int socket() const override { return fd_; }

 private:
  bool wait_writable() const;  // false: timed out, or the socket failed

  int fd_;
  std::string_view in_;
  size_t pos_ = 0;
  std::chrono::milliseconds write_timeout_;
  mutable std::chrono::milliseconds waited_{0};  // time spent waiting on the client so far
  std::string client_ip_;
  int client_port_;
};

}  // namespace own
