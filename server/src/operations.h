// What an operator of several veto-server instances sees and steers them by: the client
// address behind a trusted reverse proxy, Prometheus metrics (served on the admin
// listener), and one JSON line per request on stdout. None of it holds personal data: no
// bodies, no paths beyond the route's name, client addresses truncated.
#ifndef VETO_SERVER_OPERATIONS_H
#define VETO_SERVER_OPERATIONS_H

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store.h"
#include "veto/expected.h"

namespace veto_server {

// The reverse proxies whose `X-Forwarded-For` is believed (--trusted-proxy), as CIDR
// blocks. Empty: the header is ignored and the peer is the client.
class trusted_proxies {
 public:
  // "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", comma-separated; the error names the bad one.
  static veto::expected<trusted_proxies> parse(const std::string& list);
  bool contains(std::string_view address) const;
  bool empty() const { return blocks_.empty(); }

  // The client of a request from `peer` with this `X-Forwarded-For` value: the peer itself
  // unless it is trusted; else the rightmost address of the header that is not a trusted
  // proxy (the ones left of it were written by the client and prove nothing), else the peer.
  std::string client(std::string_view peer, std::string_view forwarded_for) const;

 private:
  struct block {
    std::array<unsigned char, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 0;                         // in bits of the 128
  };
  std::vector<block> blocks_;
};

// A client address as the access log writes it: IPv4 to its /24 (203.0.113.0), IPv6 to its
// /48 (2001:db8:1::); anything else as "-".
std::string truncated_address(std::string_view address);

// Counters and a latency histogram in Prometheus' text exposition format (version 0.0.4).
class metrics {
 public:
  // One answered request: the route's name (a fixed set, never a raw path), the status,
  // how long the handler took.
  void request(std::string_view route, int status, std::chrono::nanoseconds took);
  void objection_stored() { stored_.fetch_add(1); }
  void idempotent_replay() { replays_.fetch_add(1); }
  void rate_limited() { rate_limited_.fetch_add(1); }

  // Everything, with the database's error count and the outbox's emails by state as the
  // store reports them (nullopt while the database cannot say: the gauges are left out).
  std::string exposition(long long database_errors,
                         const std::optional<objection_store::outbox_counts>& outbox) const;

  static constexpr std::array<double, 12> latency_buckets = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5};

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, long long> requests_;
  std::array<long long, latency_buckets.size() + 1> latency_counts_{};  // the last: +Inf
  double latency_sum_ = 0;
  std::atomic<long long> stored_{0};
  std::atomic<long long> replays_{0};
  std::atomic<long long> rate_limited_{0};
};

// One access log line (JSON, ending in a newline): time, method, route, status, duration in
// milliseconds, response bytes, the truncated client address.
std::string access_log_line(std::string_view method, std::string_view route, int status,
                            std::chrono::nanoseconds took, std::size_t bytes,
                            std::string_view client);

}  // namespace veto_server

#endif  // VETO_SERVER_OPERATIONS_H
