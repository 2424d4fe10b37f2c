// cpp-httplib's Server with the connection handling veto-server needs, which 0.11.4 does
// not have. The library's own loop gives each connection a thread for as long as it is
// open, so a few hundred slow or idle clients hold every thread. Here one event-loop thread
// (epoll) owns every socket: it accepts (with a global and a per-client cap), reads each
// request until it is complete, within a deadline for the head, one for the body and one
// for idle keep-alive, and writes the responses back without blocking. Only a complete
// request reaches a worker thread, which runs the library's Server::process_request over
// the bytes in memory (the library still parses, routes and formats every response, so
// the answers stay the library's) and hands the response bytes back to the loop.
#ifndef VETO_SERVER_HTTP_SERVER_H
#define VETO_SERVER_HTTP_SERVER_H

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace veto_server {

struct connection_limits {
  std::chrono::milliseconds header_timeout{10000};  // request line + headers, from the first byte
  std::chrono::milliseconds read_timeout{5000};     // longest silence while reading or writing
  std::chrono::milliseconds body_timeout{60000};    // the whole body, from the end of the head
  std::chrono::milliseconds keep_alive_timeout{5000};  // waiting for a request
  std::size_t max_head_bytes = 64 * 1024;
  std::size_t keep_alive_max_requests = 100000;
  std::size_t max_connections = 10000;            // open at once; more are refused at accept
  std::size_t max_connections_per_client = 64;    // per IPv4 address or IPv6 /64
};

// What the server knows about the request being handled on this thread. Handlers set
// `close_connection` when they answer without reading a body the client announced (its
// bytes would otherwise be read as the next request).
struct request_context {
  bool head_complete = false;     // the library parsed the request line and headers
  bool close_connection = false;  // a handler asks to end the connection after this response
  bool body_unread = false;       // ... because the client may still be sending a body
  bool closing = false;           // the response says `Connection: close`
  bool timed_out = false;         // the request hit a deadline or the read timeout
  bool head_too_large = false;
  std::string accept_encoding;       // taken away from the library, which would compress by itself
  std::function<void()> start_body;  // the handler reads the body now: the head's byte budget ends
};

// The context of the request on the calling thread (one request per thread at a time).
request_context& current_request();

// Who a connection from `address` counts against for --max-connections-per-client: an IPv4
// address (also when mapped into IPv6) or an IPv6 /64, the block one subscriber usually
// gets. Equal keys, same client.
std::string connection_client(const sockaddr_storage& address);

class http_server final : public httplib::Server {
 public:
  http_server(connection_limits limits, std::size_t threads);
  ~http_server() override;

  // Debian's library listens with a backlog of 5 (CPPHTTPLIB_LISTEN_BACKLOG, compiled in):
  // a burst of new connections overflows it and the kernel drops SYNs, which clients resend
  // only after a second. Call after bind_to_port(): listen() again sets a larger backlog.
  bool widen_backlog(int backlog);

  // Runs the event loop and the worker threads on the socket bind_to_port() opened, until
  // drain() has finished. False if the loop could not start.
  bool serve();

  // Stops accepting; requests already received are answered (with `Connection: close`),
  // idle connections are closed. serve() returns once all are done. Safe from any thread.
  void drain();
  bool draining() const noexcept { return draining_.load(); }

 private:
  struct connection;
  class event_loop;

  // Runs the library on one complete request of `c` (on a worker thread).
  void handle(connection& c, bool last);

  connection_limits limits_;
  std::size_t threads_;
  std::atomic<bool> draining_{false};
  std::atomic<int> wake_fd_{-1};
};

}  // namespace veto_server

#endif  // VETO_SERVER_HTTP_SERVER_H
