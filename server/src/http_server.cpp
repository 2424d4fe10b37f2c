#include "http_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <mutex>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace veto_server {
namespace {

using clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

thread_local request_context this_request;

// The library's answer to `Expect: 100-continue` (Server::process_request's write_format).
constexpr std::string_view continue_line = "HTTP/1.1 100 Continue\r\n\r\n";
// A lingering close reads what the client still sends for at most this long and this much.
constexpr milliseconds linger_time{1000};
constexpr std::size_t linger_bytes = 1024 * 1024;
// How often the loop looks for connections past a deadline (one pass over all of them).
constexpr milliseconds sweep_interval{50};
// How long a worker that has just answered on a kept-alive connection may wait for the next
// request on it (see next_request_here); a request waiting for a worker ends the wait.
constexpr int follow_up_wait_ms = 50;
// How long accepting pauses when the process is out of file descriptors.
constexpr milliseconds accept_pause{100};
// The library's limit for one header line (CPPHTTPLIB_HEADER_MAX_LENGTH).
constexpr std::size_t library_header_line_max = 8192;

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

}  // namespace

std::string connection_client(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(address);
    return std::string("4") + std::string(reinterpret_cast<const char*>(&v4.sin_addr), 4);
  }
  if (address.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(address);
    const auto* bytes = reinterpret_cast<const char*>(&v6.sin6_addr);
    if (IN6_IS_ADDR_V4MAPPED(&v6.sin6_addr)) return std::string("4") + std::string(bytes + 12, 4);
    return std::string("6") + std::string(bytes, 8);
  }
  return "?";
}

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The library stores header values percent-decoded (detail::decode_url(value, false));
// the framing below must see the values the library will see.
std::string library_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 1 < s.size()) {
      const std::size_t digits = s[i + 1] == 'u' ? 4 : 2;
      const std::size_t from = s[i + 1] == 'u' ? i + 2 : i + 1;
      int value = 0;
      bool ok = from + digits <= s.size();
      for (std::size_t k = 0; ok && k < digits; ++k) {
        const int h = hex_value(s[from + k]);
        ok = h >= 0;
        value = value * 16 + h;
      }
      if (!ok) {
        out += s[i];
        continue;
      }
      if (digits == 2) {
        out += static_cast<char>(value);
      } else if (value < 0x80) {  // detail::to_utf8
        out += static_cast<char>(value);
      } else if (value < 0x800) {
        out += static_cast<char>(0xC0 | (value >> 6));
        out += static_cast<char>(0x80 | (value & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (value >> 12));
        out += static_cast<char>(0x80 | ((value >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (value & 0x3F));
      }
      i = from + digits - 1;
    } else {
      out += s[i];
    }
  }
  return out;
}

// How the library will read a request's body: the loop waits for exactly these bytes.
struct body_framing {
  enum class kind { none, length, chunked } how = kind::none;
  std::uint64_t length = 0;
  bool expect_continue = false;
};

// Reads the head (request line to the blank line, inclusive) as cpp-httplib 0.11.4 does:
// the method is the first space-separated word; header lines not ending in CRLF are
// skipped; a line over 8192 bytes ends the parse (the library answers 400 at once); names
// compare without case, values lose surrounding blanks and are percent-decoded; the first
// of repeated fields counts. The library reads a body only for these methods (expect_content),
// chunked when the first Transfer-Encoding is "chunked", else Content-Length bytes.
// Requests the application refuses before reading (another Transfer-Encoding, a length
// over the limit, which is also the 413 of `Expect: 100-continue`) are handed on at once.
body_framing framing_of(std::string_view head, std::size_t max_body) {
  body_framing framing;
  const std::size_t line_end = head.find('\n');
  std::string_view method = head.substr(0, line_end);
  while (!method.empty() && (method.front() == ' ' || method.front() == '\t')) {
    method.remove_prefix(1);
  }
  method = method.substr(0, method.find(' '));
  while (!method.empty() && (method.back() == '\t' || method.back() == '\r')) {
    method.remove_suffix(1);
  }
  if (method != "POST" && method != "PUT" && method != "PATCH" && method != "DELETE" &&
      method != "PRI") {
    return framing;
  }
  std::string transfer_encoding;
  std::string content_length;
  std::string expect;
  bool has_te = false;
  bool has_length = false;
  bool has_expect = false;
  for (std::size_t at = line_end + 1; at < head.size();) {
    const std::size_t end = head.find('\n', at);
    const std::string_view line = head.substr(at, end - at + 1);
    at = end + 1;
    if (line.size() < 2 || line[line.size() - 2] != '\r') continue;
    if (line.size() == 2) break;
    if (line.size() > library_header_line_max) return body_framing{};
    std::string_view field = line.substr(0, line.size() - 2);
    while (!field.empty() && (field.back() == ' ' || field.back() == '\t')) field.remove_suffix(1);
    const std::size_t colon = field.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = field.substr(0, colon);
    std::string_view value = field.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
    if (value.empty()) continue;
    if (!has_te && iequals(name, "Transfer-Encoding")) {
      has_te = true;
      transfer_encoding = library_decoded(value);
    } else if (!has_length && iequals(name, "Content-Length")) {
      has_length = true;
      content_length = library_decoded(value);
    } else if (!has_expect && iequals(name, "Expect")) {
      has_expect = true;
      expect = library_decoded(value);
    }
  }
  if (has_te) {
    if (strcasecmp(transfer_encoding.c_str(), "chunked") != 0) return framing;
    framing.how = body_framing::kind::chunked;
  } else if (has_length) {
    framing.length = std::strtoull(content_length.c_str(), nullptr, 10);
    if (framing.length == 0 || framing.length > max_body) return framing;
    framing.how = body_framing::kind::length;
  } else {
    return framing;
  }
  framing.expect_continue = has_expect && expect == "100-continue";
  return framing;
}

// True when `in` starts with a whole request that needs nothing more from the loop: its
// head, and its Content-Length body if it has one (no chunks, no 100-continue).
bool whole_simple_request(const std::string& in, std::size_t max_head, std::size_t max_body) {
  const std::size_t first_line = in.find('\n');
  if (first_line == std::string::npos) return false;
  const std::size_t blank = in.find("\n\r\n", first_line);
  if (blank == std::string::npos || blank + 3 > max_head) return false;
  const std::size_t head_end = blank + 3;
  const body_framing body = framing_of(std::string_view(in).substr(0, head_end), max_body);
  if (body.how == body_framing::kind::none) return true;
  return body.how == body_framing::kind::length && !body.expect_continue &&
         in.size() - head_end >= body.length;
}

// How a request was handed to a worker: what a read past the received bytes returns.
enum class request_end {
  complete,   // the whole request is there: the end of the bytes reads as end of stream
  closed,     // the client closed its side: the same
  timed_out,  // a deadline passed: the read fails and the request is marked timed out
  too_large,  // more arrived than a request may have: the read fails
};

}  // namespace

request_context& current_request() {
  return this_request;
}

// One client connection. Owned by the loop thread, except while `with_worker` is set, when
// one worker owns it and the loop leaves it alone (it is not registered with epoll then).
struct http_server::connection {
  enum class phase { waiting, head, body, busy, writing, lingering };

  int fd = -1;
  std::string client;  // connection_client()
  phase state = phase::waiting;
  std::string in;           // the request being received, and whatever follows it
  std::string out;          // response bytes not yet sent
  std::size_t out_sent = 0;
  bool broken = false;      // a send failed: the client is gone
  clock::time_point deadline{};      // of the phase (idle, head, body, linger)
  clock::time_point silent_until{};  // the read timeout: last progress + read_timeout
  std::uint32_t events = 0;          // registered with epoll; 0 = not registered
  std::size_t served = 0;
  // The request being received.
  std::size_t head_scan = 0;  // where the search for the end of the head goes on
  std::size_t head_end = 0;   // 0 until the head is complete
  body_framing body;
  std::size_t chunk_at = 0;     // start of the next chunk-size line (or trailer line)
  bool chunk_trailer = false;   // the zero-size chunk was read: one more line ends the body
  std::uint64_t decoded = 0;    // body bytes of the chunks before chunk_at
  bool continue_sent = false;
  std::size_t lingered = 0;
  // Set when handed to a worker, and by it.
  request_end end = request_end::complete;
  bool last = false;         // the response says Connection: close
  std::size_t consumed = 0;  // bytes of `in` the library read
  bool close_after = false;
  bool linger = false;
  // Set by the loop when it hands the connection to a worker; cleared (release) by the
  // worker that gives it back by registering it with epoll itself, or by the loop when it
  // takes it back from the finished queue.
  std::atomic<bool> with_worker{false};

  // Sends what the socket takes now. False when the client is gone.
  bool flush() {
    while (out_sent < out.size()) {
      const ssize_t n = ::send(fd, out.data() + out_sent, out.size() - out_sent,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n > 0) {
        out_sent += static_cast<std::size_t>(n);
      } else if (n < 0 && errno == EINTR) {
        continue;
      } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        return true;
      } else {
        broken = true;
        return false;
      }
    }
    out.clear();
    out_sent = 0;
    return true;
  }
};

namespace {

// The library's view of one request: the bytes the loop received, and a sink for the
// response. A byte budget for the head, as the socket stream before it had.
class memory_stream final : public httplib::Stream {
 public:
  memory_stream(const std::string& in, request_end end, bool continue_sent, int fd,
                std::size_t max_head_bytes, std::string& out)
      : in_(in), end_(end), skip_continue_(continue_sent), fd_(fd),
        max_head_bytes_(max_head_bytes), out_(out) {}

  void start_body() { in_head_ = false; }
  std::size_t consumed() const { return at_; }

  bool is_readable() const override { return true; }
  bool is_writable() const override { return true; }

  ssize_t read(char* ptr, size_t size) override {
    if (in_head_ && head_bytes_ >= max_head_bytes_) {
      this_request.head_too_large = true;
      return -1;
    }
    if (at_ == in_.size()) {
      if (end_ == request_end::timed_out) this_request.timed_out = true;
      return end_ == request_end::complete || end_ == request_end::closed ? 0 : -1;
    }
    std::size_t n = std::min(size, in_.size() - at_);
    if (in_head_) n = std::min(n, max_head_bytes_ - head_bytes_);
    std::memcpy(ptr, in_.data() + at_, n);
    at_ += n;
    if (in_head_) head_bytes_ += n;
    return static_cast<ssize_t>(n);
  }

  ssize_t write(const char* ptr, size_t size) override {
    // The loop already answered `Expect: 100-continue` to get the body; the library's own
    // interim response, its first write, is not sent twice.
    if (skip_continue_) {
      skip_continue_ = false;
      if (std::string_view(ptr, size) == continue_line) return static_cast<ssize_t>(size);
    }
    out_.append(ptr, size);
    return static_cast<ssize_t>(size);
  }

  void get_remote_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (getpeername(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      numeric_address(address, length, ip, port);
    }
  }
  void get_local_ip_and_port(std::string& ip, int& port) const override {
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    if (getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
      numeric_address(address, length, ip, port);
    }
  }
  // The library answers 500 when this is at least FD_SETSIZE (it would select() on it); it
  // never touches the socket through a stream it did not make.
  socket_t socket() const override { return 0; }

 private:
  const std::string& in_;
  request_end end_;
  bool skip_continue_;
  int fd_;
  std::size_t max_head_bytes_;
  std::string& out_;
  std::size_t at_ = 0;
  bool in_head_ = true;
  std::size_t head_bytes_ = 0;
};

}  // namespace

// The event loop: one thread owning every socket, and the worker threads it hands
// complete requests to.
class http_server::event_loop {
 public:
  event_loop(http_server& server, int listen_fd, int epoll_fd, int wake_fd)
      : server_(server), limits_(server.limits_), listen_fd_(listen_fd), epoll_fd_(epoll_fd),
        wake_fd_(wake_fd), max_body_(server.payload_max_length_) {}

  void run() {
    workers_.reserve(server_.threads_);
    for (std::size_t i = 0; i < server_.threads_; ++i) workers_.emplace_back([this] { work(); });
    add(listen_fd_, EPOLLIN);
    add(wake_fd_, EPOLLIN);
    std::array<epoll_event, 256> events{};
    auto next_sweep = clock::now() + sweep_interval;
    for (;;) {
      if (server_.draining_ && listen_fd_ >= 0) begin_drain();
      if (listen_fd_ < 0 && open_ == 0) break;
      const auto wait = std::chrono::duration_cast<milliseconds>(next_sweep - clock::now());
      const int n = epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()),
                               static_cast<int>(std::max<long long>(0, wait.count())));
      if (n < 0 && errno != EINTR) break;
      for (int i = 0; i < n; ++i) {
        const int fd = events[i].data.fd;
        if (fd == listen_fd_) {
          accept_all();
        } else if (fd == wake_fd_) {
          take_finished();
        } else if (connection* c = find(fd)) {
          on_event(*c, events[i].events);
        }
      }
      const auto now = clock::now();
      if (now >= next_sweep) {
        sweep(now);
        next_sweep = now + sweep_interval;
      }
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    work_ready_.notify_all();
    for (std::thread& t : workers_) t.join();
    ::close(jobs_waiting_fd_);
  }

 private:
  // --- workers -------------------------------------------------------------------------
  void work() {
    for (;;) {
      connection* c = nullptr;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ++idle_workers_;
        work_ready_.wait(lock, [&] { return stopping_ || !jobs_.empty(); });
        --idle_workers_;
        if (jobs_.empty()) return;
        c = jobs_.front();
        jobs_.pop_front();
        if (jobs_.empty()) {  // no more reason to end waits: take back the calls left
          std::uint64_t one = 0;
          while (::read(jobs_waiting_fd_, &one, sizeof one) == sizeof one) {
          }
        }
      }
      server_.handle(*c, c->last);
      while (next_request_here(*c)) server_.handle(*c, c->last);
      if (keep_waiting(*c)) continue;
      {
        std::lock_guard<std::mutex> lock(mutex_);
        finished_.push_back(c);
      }
      const std::uint64_t one = 1;
      ssize_t ignored = ::write(wake_fd_, &one, sizeof one);
      (void)ignored;
    }
  }

  // True when the response is sent, the connection stays open and nothing of the next
  // request has arrived.
  bool open_and_clear(const connection& c) const {
    return !c.broken && c.out.empty() && !c.close_after && c.consumed == c.in.size() &&
           !server_.draining_;
  }

  // A client on a kept-alive connection usually sends its next request as soon as it has
  // the answer. While every waiting request has an idle worker, this worker waits for it
  // (at most follow_up_wait_ms) and, if it arrives whole, handles it at once: one thread
  // wake-up per request instead of two (the loop's, then a worker's), which on this
  // shared 2-core machine halved wrk's requests per second at 1 connection. A request
  // queued with no idle worker ends one such wait (dispatch counts it on jobs_waiting_fd_,
  // a semaphore: every waiting worker wakes, one takes the call). Anything else (a
  // partial request, the end of the connection) goes on through the loop.
  bool next_request_here(connection& c) {
    if (!open_and_clear(c)) return false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (jobs_.size() > idle_workers_) return false;  // a request would wait for a worker
    }
    const auto until = clock::now() + milliseconds(follow_up_wait_ms);
    for (;;) {
      const auto left = std::chrono::duration_cast<milliseconds>(until - clock::now());
      std::array<pollfd, 2> ready{{{c.fd, POLLIN, 0}, {jobs_waiting_fd_, POLLIN, 0}}};
      if (left.count() <= 0 || ::poll(ready.data(), 2, static_cast<int>(left.count())) <= 0) {
        return false;
      }
      if (ready[0].revents != 0) break;
      std::uint64_t call = 0;
      if (::read(jobs_waiting_fd_, &call, sizeof call) == sizeof call) return false;
    }
    thread_local std::array<char, 16 * 1024> bytes;
    const ssize_t n = ::recv(c.fd, bytes.data(), bytes.size(), MSG_DONTWAIT);
    if (n <= 0) return false;  // the loop sees the end or the error again
    c.in.assign(bytes.data(), static_cast<std::size_t>(n));
    c.consumed = 0;  // after_response starts reading a request from these bytes
    if (!whole_simple_request(c.in, limits_.max_head_bytes, max_body_)) return false;
    c.end = request_end::complete;
    c.continue_sent = false;
    c.last = c.served + 1 >= limits_.keep_alive_max_requests || server_.draining_;
    ++c.served;
    return true;
  }

  // The common end of a kept-alive request: the response is sent and nothing follows it.
  // The worker then registers the connection for its next request itself, sparing the
  // loop a wake-up per request (measured: wrk's requests per second at 1 connection
  // doubled). Anything else goes back through the loop (after_response).
  bool keep_waiting(connection& c) {
    if (!open_and_clear(c)) return false;
    c.in.clear();
    if (c.in.capacity() > 4 * 1024) std::string().swap(c.in);
    if (c.out.capacity() > 16 * 1024) std::string().swap(c.out);
    c.state = connection::phase::waiting;
    c.deadline = clock::now() + limits_.keep_alive_timeout;
    c.events = EPOLLIN;
    epoll_event e{};
    e.events = EPOLLIN;
    e.data.fd = c.fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, c.fd, &e);
    // From here the loop may see an event for it; on_event waits for this store.
    c.with_worker.store(false, std::memory_order_release);
    return true;
  }

  void dispatch(connection& c, request_end end) {
    unwatch(c);
    c.with_worker.store(true, std::memory_order_relaxed);
    c.end = end;
    c.state = connection::phase::busy;
    c.last = c.served + 1 >= limits_.keep_alive_max_requests || server_.draining_;
    ++c.served;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      jobs_.push_back(&c);
      if (jobs_.size() > idle_workers_) {  // calls one waiting worker (next_request_here)
        const std::uint64_t one = 1;
        ssize_t ignored = ::write(jobs_waiting_fd_, &one, sizeof one);
        (void)ignored;
      }
    }
    work_ready_.notify_one();
  }

  void take_finished() {
    std::uint64_t count = 0;
    ssize_t ignored = ::read(wake_fd_, &count, sizeof count);
    (void)ignored;
    std::deque<connection*> done;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      done.swap(finished_);
    }
    const auto now = clock::now();
    for (connection* c : done) {
      c->with_worker.store(false, std::memory_order_relaxed);
      if (c->broken) {
        close(*c);
      } else if (!c->out.empty()) {
        c->state = connection::phase::writing;
        c->silent_until = now + limits_.read_timeout;
        watch(*c, EPOLLOUT);
      } else {
        after_response(*c, now);
      }
    }
  }

  // --- connections ---------------------------------------------------------------------
  void accept_all() {
    const auto now = clock::now();
    for (int i = 0; i < 256; ++i) {
      sockaddr_storage address{};
      socklen_t length = sizeof address;
      const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length,
                               SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (fd < 0) {
        if (errno == EINTR || errno == ECONNABORTED || errno == EPROTO) continue;
        if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
          // Out of descriptors: the listening socket stays readable, so stop watching it
          // for a moment instead of spinning on it.
          unwatch_listener();
          accept_resumes_ = now + accept_pause;
        }
        return;
      }
      std::string client = connection_client(address);
      const auto same = per_client_.find(client);
      if (open_ >= limits_.max_connections ||
          (same != per_client_.end() && same->second >= limits_.max_connections_per_client)) {
        refuse(fd);
        continue;
      }
      int yes = 1;
      // The response goes out in one send(); without this a second segment of it would
      // wait for the client's delayed ACK (40 ms on Linux).
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      if (static_cast<std::size_t>(fd) >= by_fd_.size()) by_fd_.resize(fd + 1024);
      auto c = std::make_unique<connection>();
      c->fd = fd;
      c->client = std::move(client);
      c->state = connection::phase::waiting;
      c->deadline = now + limits_.keep_alive_timeout;
      ++per_client_[c->client];
      ++open_;
      by_fd_[fd] = std::move(c);
      watch(*by_fd_[fd], EPOLLIN);
    }
  }

  // A refused connection is reset at once: no thread, no buffer, no TIME_WAIT here.
  static void refuse(int fd) {
    struct linger reset {1, 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(fd);
  }

  connection* find(int fd) {
    return fd >= 0 && static_cast<std::size_t>(fd) < by_fd_.size() ? by_fd_[fd].get() : nullptr;
  }

  void close(connection& c) {
    unwatch(c);
    ::close(c.fd);
    const auto same = per_client_.find(c.client);
    if (same != per_client_.end() && --same->second == 0) per_client_.erase(same);
    --open_;
    by_fd_[c.fd].reset();  // c is gone
  }

  void on_event(connection& c, std::uint32_t events) {
    // A worker registered it and is about to let go of it (keep_waiting).
    while (c.with_worker.load(std::memory_order_acquire)) std::this_thread::yield();
    const auto now = clock::now();
    switch (c.state) {
      case connection::phase::waiting:
      case connection::phase::head:
      case connection::phase::body:
        if (!c.out.empty() && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
          if (!c.flush()) return close(c);
          if (c.out.empty()) watch(c, EPOLLIN);
        }
        if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) receive(c, now);
        return;
      case connection::phase::writing: {
        const std::size_t before = c.out_sent;
        if (!c.flush()) return close(c);
        if (c.out.empty()) return after_response(c, now);
        if (c.out_sent != before) c.silent_until = now + limits_.read_timeout;
        return;
      }
      case connection::phase::lingering:
        return discard(c);
      case connection::phase::busy:
        return;
    }
  }

  void receive(connection& c, clock::time_point now) {
    ssize_t n;
    do {
      n = ::recv(c.fd, scratch_.data(), scratch_.size(), 0);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
      if (errno != EAGAIN && errno != EWOULDBLOCK) close(c);
      return;
    }
    if (n == 0) {
      if (c.state == connection::phase::waiting && c.in.empty()) return close(c);
      return dispatch(c, request_end::closed);
    }
    if (c.state == connection::phase::waiting) start_head(c, now);
    c.in.append(scratch_.data(), static_cast<std::size_t>(n));
    c.silent_until = now + limits_.read_timeout;
    advance(c, now);
  }

  void start_head(connection& c, clock::time_point now) {
    c.state = connection::phase::head;
    c.deadline = now + limits_.header_timeout;
    c.silent_until = now + limits_.read_timeout;
    c.head_scan = 0;
    c.head_end = 0;
    c.body = body_framing{};
    c.chunk_trailer = false;
    c.decoded = 0;
    c.continue_sent = false;
  }

  // Hands the request on once it is complete, or once it can no longer become so.
  void advance(connection& c, clock::time_point now) {
    if (c.state == connection::phase::head) {
      const std::size_t first_line = c.in.find('\n');
      std::size_t blank = std::string::npos;
      if (first_line != std::string::npos) {
        // The blank line ends the head: a line "\r\n" right after the end of another line.
        const std::size_t from = std::max(first_line, c.head_scan);
        blank = c.in.find("\n\r\n", from);
        c.head_scan = c.in.size() >= 2 ? c.in.size() - 2 : 0;
      }
      if (blank == std::string::npos) {
        if (c.in.size() > limits_.max_head_bytes) dispatch(c, request_end::too_large);
        return;
      }
      c.head_end = blank + 3;
      c.body = framing_of(std::string_view(c.in).substr(0, c.head_end), max_body_);
      if (c.body.how == body_framing::kind::none || c.head_end > limits_.max_head_bytes) {
        return dispatch(c, request_end::complete);
      }
      c.state = connection::phase::body;
      c.deadline = now + limits_.body_timeout;
      c.chunk_at = c.head_end;
      if (body_complete(c)) return;
      if (c.body.expect_continue) {
        c.out.append(continue_line);
        c.continue_sent = true;
        if (!c.flush()) return close(c);
        if (!c.out.empty()) watch(c, EPOLLIN | EPOLLOUT);
      }
      return;
    }
    if (c.state == connection::phase::body) body_complete(c);
  }

  // Dispatches and returns true when the body is complete (or cannot become so).
  bool body_complete(connection& c) {
    if (c.body.how == body_framing::kind::length) {
      if (c.in.size() - c.head_end < c.body.length) return false;
      dispatch(c, request_end::complete);
      return true;
    }
    // Chunked, step by step as the library's read_content_chunked reads it.
    for (;;) {
      const std::size_t line_end = c.in.find('\n', c.chunk_at);
      if (line_end == std::string::npos) break;
      if (c.chunk_trailer) {
        dispatch(c, request_end::complete);  // the library checks this line, whatever it is
        return true;
      }
      const std::string size_line = c.in.substr(c.chunk_at, line_end + 1 - c.chunk_at);
      char* digits_end = nullptr;
      const unsigned long size = std::strtoul(size_line.c_str(), &digits_end, 16);
      if (digits_end == size_line.c_str() || size == ULONG_MAX) {
        dispatch(c, request_end::complete);  // the library gives up here: a 400
        return true;
      }
      if (size == 0) {
        c.chunk_trailer = true;
        c.chunk_at = line_end + 1;
        continue;
      }
      const std::size_t data = line_end + 1;
      const std::size_t have = c.in.size() - data;
      if (c.decoded + std::min<std::uint64_t>(size, have) > max_body_) {
        dispatch(c, request_end::complete);  // the application refuses it: a 413
        return true;
      }
      if (have < size) break;
      const std::size_t after = c.in.find('\n', data + size);
      if (after == std::string::npos) break;
      c.decoded += size;
      if (c.in.compare(data + size, after + 1 - (data + size), "\r\n") != 0) {
        dispatch(c, request_end::complete);  // the library stops reading chunks here
        return true;
      }
      c.chunk_at = after + 1;
    }
    // Chunk framing may take more bytes than the data: bounded at twice the body limit.
    if (c.in.size() - c.head_end > 2 * max_body_) {
      dispatch(c, request_end::too_large);
      return true;
    }
    return false;
  }

  void after_response(connection& c, clock::time_point now) {
    if (c.out.capacity() > 16 * 1024) std::string().swap(c.out);
    if (c.close_after) {
      if (!c.linger) return close(c);
      // Closes after an error the client may still be sending into: stop writing, read
      // what is in flight for a moment, then close, so that the kernel does not answer
      // the unread bytes with a reset that could destroy the response before the client
      // has read it.
      ::shutdown(c.fd, SHUT_WR);
      c.state = connection::phase::lingering;
      c.deadline = now + linger_time;
      c.lingered = 0;
      std::string().swap(c.in);
      watch(c, EPOLLIN);
      return;
    }
    c.in.erase(0, c.consumed);
    if (c.in.empty()) {
      if (server_.draining_) return close(c);
      if (c.in.capacity() > 4 * 1024) std::string().swap(c.in);
      c.state = connection::phase::waiting;
      c.deadline = now + limits_.keep_alive_timeout;
      watch(c, EPOLLIN);
      return;
    }
    start_head(c, now);  // pipelined: the next request's head is (partly) here
    watch(c, EPOLLIN);
    advance(c, now);
  }

  void discard(connection& c) {
    const ssize_t n = ::recv(c.fd, scratch_.data(), scratch_.size(), 0);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
    if (n <= 0) return close(c);
    c.lingered += static_cast<std::size_t>(n);
    if (c.lingered >= linger_bytes) close(c);
  }

  // Connections past a deadline: idle ones are closed, requests cut off are handed on (the
  // library then answers 408 or 400), responses nobody reads are dropped.
  void sweep(clock::time_point now) {
    if (listen_fd_ >= 0 && !listener_watched_ && now >= accept_resumes_) {
      add(listen_fd_, EPOLLIN);
      listener_watched_ = true;
    }
    for (std::size_t fd = 0; fd < by_fd_.size(); ++fd) {
      connection* c = by_fd_[fd].get();
      if (!c || c->with_worker.load(std::memory_order_acquire)) continue;
      switch (c->state) {
        case connection::phase::waiting:
          // A worker may have set one waiting after the drain began (keep_waiting).
          if (now >= c->deadline || (server_.draining_ && c->served > 0)) close(*c);
          break;
        case connection::phase::lingering:
          if (now >= c->deadline) close(*c);
          break;
        case connection::phase::head:
        case connection::phase::body:
          if (now >= c->deadline || now >= c->silent_until) dispatch(*c, request_end::timed_out);
          break;
        case connection::phase::writing:
          if (now >= c->silent_until) close(*c);
          break;
        case connection::phase::busy:
          break;
      }
    }
  }

  // No new connections: the listening socket is closed (new clients are refused by the
  // kernel), idle kept-alive connections are closed, and one accepted a moment ago gets
  // half a second to send its request.
  void begin_drain() {
    unwatch_listener();
    ::close(listen_fd_);
    listen_fd_ = -1;
    server_.svr_sock_ = INVALID_SOCKET;
    const auto now = clock::now();
    for (std::size_t fd = 0; fd < by_fd_.size(); ++fd) {
      connection* c = by_fd_[fd].get();
      if (!c || c->with_worker.load(std::memory_order_acquire) ||
          c->state != connection::phase::waiting) {
        continue;
      }
      if (c->served > 0) {
        close(*c);
      } else {
        c->deadline = std::min(c->deadline, now + milliseconds(500));
      }
    }
  }

  // --- epoll ---------------------------------------------------------------------------
  void add(int fd, std::uint32_t events) {
    epoll_event e{};
    e.events = events;
    e.data.fd = fd;
    epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &e);
  }
  void unwatch_listener() {
    if (listener_watched_) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
    listener_watched_ = false;
  }
  void watch(connection& c, std::uint32_t events) {
    if (c.events == events) return;
    epoll_event e{};
    e.events = events;
    e.data.fd = c.fd;
    epoll_ctl(epoll_fd_, c.events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, c.fd, &e);
    c.events = events;
  }
  void unwatch(connection& c) {
    if (c.events) epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, c.fd, nullptr);
    c.events = 0;
  }

  http_server& server_;
  const connection_limits& limits_;
  int listen_fd_;
  int epoll_fd_;
  int wake_fd_;
  const std::size_t max_body_;
  bool listener_watched_ = true;
  clock::time_point accept_resumes_{};
  std::vector<std::unique_ptr<connection>> by_fd_;
  std::size_t open_ = 0;
  std::unordered_map<std::string, std::size_t> per_client_;
  std::array<char, 64 * 1024> scratch_{};

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::deque<connection*> jobs_;
  std::deque<connection*> finished_;
  std::size_t idle_workers_ = 0;
  // Counts requests queued with no idle worker: each ends one of next_request_here's waits.
  int jobs_waiting_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC | EFD_SEMAPHORE);
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

http_server::http_server(connection_limits limits, std::size_t threads)
    : limits_(limits), threads_(threads) {
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
    if (context.close_connection || !context.head_complete || draining_) {
      res.headers.erase("Keep-Alive");
      res.set_header("Connection", "close");
      context.closing = true;
    }
  });
}

http_server::~http_server() {
  if (svr_sock_ != INVALID_SOCKET) ::close(svr_sock_);
}

bool http_server::widen_backlog(int backlog) {
  return ::listen(svr_sock_, backlog) == 0;
}

void http_server::drain() {
  draining_ = true;
  const int fd = wake_fd_.load();
  if (fd >= 0) {
    const std::uint64_t one = 1;
    ssize_t ignored = ::write(fd, &one, sizeof one);
    (void)ignored;
  }
}

bool http_server::serve() {
  const int listen_fd = svr_sock_;
  if (listen_fd == INVALID_SOCKET) return false;
  if (fcntl(listen_fd, F_SETFL, fcntl(listen_fd, F_GETFL) | O_NONBLOCK) != 0) return false;
  const int epoll_fd = epoll_create1(EPOLL_CLOEXEC);
  const int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd < 0 || wake_fd < 0) {
    if (epoll_fd >= 0) ::close(epoll_fd);
    if (wake_fd >= 0) ::close(wake_fd);
    return false;
  }
  wake_fd_ = wake_fd;
  {
    auto loop = std::make_unique<event_loop>(*this, listen_fd, epoll_fd, wake_fd);
    loop->run();
  }
  wake_fd_ = -1;
  ::close(wake_fd);
  ::close(epoll_fd);
  return true;
}

void http_server::handle(connection& c, bool last) {
  memory_stream stream(c.in, c.end, c.continue_sent, c.fd, limits_.max_head_bytes, c.out);
  request_context& context = current_request();
  context = request_context{};
  context.start_body = [&stream] { stream.start_body(); };
  bool closed_by_client = false;
  const bool ok = process_request(stream, last, closed_by_client, [](httplib::Request& req) {
    request_context& current = current_request();
    current.head_complete = true;
    current.accept_encoding = req.get_header_value("Accept-Encoding");
    req.headers.erase("Accept-Encoding");
    req.ranges.clear();  // whole responses only: ranges are optional, and not needed here
  });
  c.consumed = stream.consumed();
  c.linger = !context.head_complete || context.body_unread;
  c.close_after = !ok || closed_by_client || last || context.closing || !context.head_complete;
  context.start_body = nullptr;
  c.flush();  // most responses fit the socket's buffer: sent from here, not by the loop
}

}  // namespace veto_server
