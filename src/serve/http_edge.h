// The server's HTTP edge: an httplib::Server whose connections are not served one thread each.
// Its accept loop only counts a new socket against the per-client and total limits and hands it
// to the head reader (http_head_reader.h), which reads whole requests without holding a thread;
// a fixed pool of workers then runs httplib's routing over each buffered request
// (process_request on a BufferedStream) and gives a keep-alive socket back to the head reader.
// So idle, slow or silent clients never starve the workers, and /health answers under them.
// Over the per-client limit a connection gets 429, over the total 503 (OpenAI error objects).
// Relies on cpp-httplib 0.11's private virtual process_and_close_socket (overridden here) and its
// protected process_request.
#pragma once
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "serve/http_connection.h"
#include "serve/http_head_reader.h"

namespace own {

struct HttpEdgeOptions {
  size_t workers = 64;                // requests answered at once (serve --http-threads)
  size_t max_conns_per_client = 512;  // open connections per client address (serve --max-conns-per-client)
  size_t keep_alive_max = 1000;       // requests per connection, then Connection: close
  std::chrono::milliseconds write_timeout{30000};  // longest wait for a client to take response bytes
  HeadReaderOptions read;             // head/body/idle deadlines, head and body caps
};

// Raises the soft RLIMIT_NOFILE to the hard limit; returns the soft limit now in force.
uint64_t raise_open_file_limit();

class HttpEdge : public httplib::Server {
 public:
  HttpEdge(HttpEdgeOptions o, EdgeHooks hooks);
  ~HttpEdge() override;
  // serves until shutdown(); then closes every connection and waits for the workers' requests
  void serve();
  // ends serve(), from any thread, whether serve() is already listening or not yet (httplib's
  // stop() does nothing before its listen loop runs, which would leave serve() waiting forever)
  void shutdown();

 private:
  bool process_and_close_socket(socket_t sock) override;  // runs on the accept thread
  void work();
  void answer(std::unique_ptr<Connection> c);

  HttpEdgeOptions o_;
  EdgeHooks hooks_;
  std::unique_ptr<ConnectionLimits> limits_;
  std::unique_ptr<HeadReader> reader_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Connection>> queue_;  // complete requests waiting for a worker
  bool stopping_ = false;                          // under mu_
  std::atomic<bool> shutdown_requested_{false}, serve_done_{false};
  socket_t listen_fd_ = -1;  // set while binding
};

}  // namespace own
