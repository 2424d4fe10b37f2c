// cpp-httplib's Server with the connection handling veto-server needs, which 0.11.4 does
// not have: a deadline for the request head (slow-header clients), a size cap on it (the
// library counts neither header lines nor their total), a deadline for the body, a fair
// keep-alive (an idle connection gives its thread up when another connection waits for
// one), and a graceful drain. The library still parses requests, routes and writes
// responses; this class owns the socket loop around Server::process_request.
#ifndef VETO_SERVER_HTTP_SERVER_H
#define VETO_SERVER_HTTP_SERVER_H

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace veto_server {

struct connection_limits {
  std::chrono::milliseconds header_timeout{10000};  // request line + headers, from the first byte
  std::chrono::milliseconds read_timeout{5000};     // longest silence while reading or writing
  std::chrono::milliseconds body_timeout{60000};    // the whole body
  std::chrono::milliseconds keep_alive_timeout{5000};
  std::size_t max_head_bytes = 64 * 1024;
  std::size_t keep_alive_max_requests = 100000;
};

// What the server knows about the request being handled on this thread. Handlers set
// `close_connection` when they answer without reading a body the client announced (its
// bytes would otherwise be read as the next request).
struct request_context {
  bool head_complete = false;     // the library parsed the request line and headers
  bool close_connection = false;  // a handler asks to end the connection after this response
  bool body_unread = false;       // ... because the client may still be sending a body
  bool closing = false;           // the response says `Connection: close`
  bool timed_out = false;         // a read hit a deadline or the read timeout
  bool head_too_large = false;
  std::string accept_encoding;       // taken away from the library, which would compress by itself
  std::function<void()> start_body;  // moves the stream to the body's deadline
};

// The context of the request on the calling thread (one connection per thread at a time).
request_context& current_request();

// A thread pool that can tell whether connections are waiting for a thread.
class connection_pool final : public httplib::TaskQueue {
 public:
  explicit connection_pool(std::size_t threads);
  ~connection_pool() override;
  void enqueue(std::function<void()> job) override;
  void shutdown() override;  // runs every queued job, then joins
  std::size_t waiting() const noexcept { return waiting_.load(std::memory_order_relaxed); }

 private:
  void work();
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::function<void()>> jobs_;
  std::atomic<std::size_t> waiting_{0};
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

class http_server final : public httplib::Server {
 public:
  http_server(connection_limits limits, std::size_t threads);

  // Debian's library listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, compiled in):
  // a burst of new connections overflows it and the kernel drops SYNs, which clients resend
  // only after a second. Call after bind_to_port(): listen() again sets a larger backlog.
  bool widen_backlog(int backlog);

  // Stops accepting; requests already received are answered (with `Connection: close`),
  // idle connections are closed. listen_after_bind() returns once all are done.
  void drain();
  bool draining() const noexcept { return draining_.load(); }

 private:
  bool process_and_close_socket(socket_t sock) override;

  connection_limits limits_;
  std::atomic<bool> draining_{false};
  std::atomic<connection_pool*> pool_{nullptr};
};

}  // namespace veto_server

#endif  // VETO_SERVER_HTTP_SERVER_H
