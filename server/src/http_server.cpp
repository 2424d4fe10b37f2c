#include "http_server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace veto_server {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

thread_local request_context this_request;

// Waits until `sock` is ready for `events`, at most `timeout`. True when ready.
bool wait_ready(int sock, short events, milliseconds timeout) {
  pollfd p{sock, events, 0};
  for (;;) {
    const int rc = ::poll(&p, 1, static_cast<int>(std::max<long long>(0, timeout.count())));
    if (rc < 0 && errno == EINTR) continue;
    return rc > 0;
  }
}

void numeric_address(const sockaddr_storage& address, socklen_t length, std::string& ip,
                     int& port) {
  char host[NI_MAXHOST];
  char service[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&address), length, host, sizeof host, service,
                  sizeof service, NI_NUMERICHOST | NI_NUMERICSERV) == 0) {
    ip = host;
    port = std::atoi(service);
  }
}

// A socket stream with a buffer, a deadline for each phase of a request, and a byte budget
// for the request head.
class deadline_stream final : public httplib::Stream {
 public:
  deadline_stream(int sock, const connection_limits& limits) : sock_(sock), limits_(limits) {}

  void start_request() {
    deadline_ = clock::now() + limits_.header_timeout;
    in_head_ = true;
    head_bytes_ = 0;
  }
  void start_body() {
    deadline_ = clock::now() + limits_.body_timeout;
    in_head_ = false;
  }
  bool has_buffered() const { return begin_ < end_; }

  bool is_readable() const override {
    return has_buffered() || wait_ready(sock_, POLLIN, limits_.read_timeout);
  }
  bool is_writable() const override { return wait_ready(sock_, POLLOUT, limits_.read_timeout); }

  ssize_t read(char* ptr, size_t size) override {
    if (in_head_ && head_bytes_ >= limits_.max_head_bytes) {
      this_request.head_too_large = true;
      return -1;
    }
    if (!has_buffered()) {
      const auto left = std::chrono::duration_cast<milliseconds>(deadline_ - clock::now());
      if (left.count() <= 0 || !wait_ready(sock_, POLLIN, std::min(left, limits_.read_timeout))) {
        this_request.timed_out = true;
        return -1;
      }
      ssize_t n;
      do {
        n = ::recv(sock_, buffer_.data(), buffer_.size(), 0);
      } while (n < 0 && errno == EINTR);
      if (n <= 0) return n;
      begin_ = 0;
      end_ = static_cast<size_t>(n);
    }
    size_t n = std::min(size, end_ - begin_);
    if (in_head_) n = std::min(n, limits_.max_head_bytes - head_bytes_);
    std::memcpy(ptr, buffer_.data() + begin_, n);
    begin_ += n;
    if (in_head_) head_bytes_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    if (!wait_ready(sock_, POLLOUT, limits_.read_timeout)) return -1;
    ssize_t n;
    do {
      n = ::send(sock_, ptr, size, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (getpeername(sock_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      numeric_address(address, length, ip, port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (getsockname(sock_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      numeric_address(address, length, ip, port);
    }
  }
  socket_t socket() const override { return sock_; }

 private:
  int sock_;
  const connection_limits& limits_;
  clock::time_point deadline_{};
  bool in_head_ = true;
  size_t head_bytes_ = 0;
  std::array<char, 16 * 1024> buffer_{};
  size_t begin_ = 0;
  size_t end_ = 0;
};

// Closes after an error the client may still be sending into: stop writing, read what is
// in flight for a moment, then close, so that the kernel does not answer the unread bytes
// with a reset that could destroy the response before the client has read it.
void lingering_close(int sock) {
  ::shutdown(sock, SHUT_WR);
  std::array<char, 16 * 1024> sink{};
  const auto until = clock::now() + milliseconds(1000);
  size_t total = 0;
  while (total < 1024 * 1024) {
    const auto left = std::chrono::duration_cast<milliseconds>(until - clock::now());
    if (left.count() <= 0 || !wait_ready(sock, POLLIN, left)) break;
    const ssize_t n = ::recv(sock, sink.data(), sink.size(), 0);
    if (n <= 0) break;
    total += static_cast<size_t>(n);
  }
  ::close(sock);
}

}  // namespace

request_context& current_request() {
  return this_request;
}

connection_pool::connection_pool(std::size_t threads) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { work(); });
}

connection_pool::~connection_pool() {
  shutdown();
}

void connection_pool::enqueue(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
    waiting_.store(jobs_.size(), std::memory_order_relaxed);
  }
  changed_.notify_one();
}

void connection_pool::shutdown() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

void connection_pool::work() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
      waiting_.store(jobs_.size(), std::memory_order_relaxed);
    }
    job();
  }
}

http_server::http_server(connection_limits limits, std::size_t threads) : limits_(limits) {
  new_task_queue = [this, threads]() -> httplib::TaskQueue* {
    auto* pool = new connection_pool(threads);
    pool_.store(pool);
    return pool;
  };
  // The library's default sets SO_REUSEPORT, which lets a second server bind the same port
  // silently; SO_REUSEADDR alone still allows a quick restart.
  set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  set_keep_alive_max_count(limits.keep_alive_max_requests);
  set_keep_alive_timeout(
      std::chrono::duration_cast<std::chrono::seconds>(limits.keep_alive_timeout).count());
  set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) {
    request_context& context = current_request();
    const connection_pool* pool = pool_.load();
    const bool others_wait = pool && pool->waiting() > 0;
    if (context.close_connection || !context.head_complete || draining_ || others_wait) {
      res.headers.erase("Keep-Alive");
      res.set_header("Connection", "close");
      context.closing = true;
    }
  });
}

bool http_server::widen_backlog(int backlog) {
  return ::listen(svr_sock_, backlog) == 0;
}

void http_server::drain() {
  draining_ = true;
  stop();
}

bool http_server::process_and_close_socket(socket_t sock) {
  // The library writes the head and the body with separate send() calls; with Nagle's
  // algorithm the body then waits for the client's delayed ACK (40 ms on Linux).
  int yes = 1;
  setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
  deadline_stream stream(sock, limits_);
  bool linger = false;
  for (std::size_t served = 0; served < limits_.keep_alive_max_requests; ++served) {
    // Wait for the next request: a new connection up to the keep-alive timeout, an idle
    // kept-alive one as long as no other connection waits for a thread. While draining,
    // only a request that has already arrived (or arrives within a moment on a connection
    // accepted just before) is still served.
    const auto until = clock::now() + limits_.keep_alive_timeout;
    bool ready = stream.has_buffered();
    while (!ready) {
      if (draining_) {
        ready = wait_ready(sock, POLLIN, milliseconds(served == 0 ? 500 : 0));
        break;
      }
      const connection_pool* pool = pool_.load();
      if (served > 0 && pool && pool->waiting() > 0) break;
      const auto left = std::chrono::duration_cast<milliseconds>(until - clock::now());
      if (left.count() <= 0) break;
      ready = wait_ready(sock, POLLIN, std::min(left, milliseconds(100)));
    }
    if (!ready) break;

    request_context& context = current_request();
    context = request_context{};
    context.start_body = [&stream] { stream.start_body(); };
    stream.start_request();
    const bool last = served + 1 == limits_.keep_alive_max_requests || draining_;
    bool closed_by_client = false;
    const bool ok = process_request(stream, last, closed_by_client, [](httplib::Request& req) {
      request_context& c = current_request();
      c.head_complete = true;
      c.accept_encoding = req.get_header_value("Accept-Encoding");
      req.headers.erase("Accept-Encoding");
      req.ranges.clear();  // whole responses only: ranges are optional, and not needed here
    });
    linger = !context.head_complete || context.body_unread;
    context.start_body = nullptr;
    if (!ok || closed_by_client || last || context.closing || !context.head_complete) break;
  }
  linger ? lingering_close(sock) : (void)::close(sock);
  return true;
}

}  // namespace veto_server
