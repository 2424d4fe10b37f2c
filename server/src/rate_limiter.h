// A token bucket per client: each client may make `per_minute` requests at once, and
// earns them back at `per_minute` a minute. Thread-safe.
#ifndef VETO_SERVER_RATE_LIMITER_H
#define VETO_SERVER_RATE_LIMITER_H

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace veto_server {

class rate_limiter {
 public:
  using clock = std::chrono::steady_clock;

  // `per_minute` 0 turns limiting off. At most `max_clients` buckets are kept: a full
  // bucket is the same as no bucket, so full ones are forgotten whenever the table grows.
  explicit rate_limiter(double per_minute, std::size_t max_clients = 100000);

  struct decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: whole seconds until a token is back
  };

  // Takes one token from `client`'s bucket at time `now`.
  decision take(std::string_view client, clock::time_point now);

  std::size_t tracked_clients() const;

 private:
  struct bucket {
    double tokens;
    clock::time_point updated;
  };
  void forget_full_buckets(clock::time_point now);

  double capacity_;
  double per_second_;
  std::size_t max_clients_;
  std::size_t sweep_at_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, bucket> buckets_;
};

}  // namespace veto_server

#endif  // VETO_SERVER_RATE_LIMITER_H
