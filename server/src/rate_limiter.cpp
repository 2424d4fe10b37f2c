#include "rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace veto_server {

rate_limiter::rate_limiter(double per_minute, std::size_t max_clients)
    : capacity_(per_minute),
      per_second_(per_minute / 60.0),
      max_clients_(std::max<std::size_t>(max_clients, 1)),
      sweep_at_(1024) {}

void rate_limiter::forget_full_buckets(clock::time_point now) {
  for (auto it = buckets_.begin(); it != buckets_.end();) {
    const double seconds = std::chrono::duration<double>(now - it->second.updated).count();
    if (it->second.tokens + seconds * per_second_ >= capacity_) {
      it = buckets_.erase(it);
    } else {
      ++it;
    }
  }
  // Sweep again only after the table has doubled: amortized O(1) per request.
  sweep_at_ = std::max<std::size_t>(1024, buckets_.size() * 2);
}

rate_limiter::decision rate_limiter::take(std::string_view client, clock::time_point now) {
  if (capacity_ <= 0) return {};
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = buckets_.find(std::string(client));
  if (it == buckets_.end()) {
    if (buckets_.size() >= sweep_at_) forget_full_buckets(now);
    if (buckets_.size() >= max_clients_) {
      // Every tracked client is active: refuse newcomers briefly rather than grow without
      // bound (the table is the server's memory, not the attacker's).
      return {false, std::chrono::seconds(1)};
    }
    it = buckets_.emplace(std::string(client), bucket{capacity_, now}).first;
  }
  bucket& b = it->second;
  const double seconds = std::chrono::duration<double>(now - b.updated).count();
  b.tokens = std::min(capacity_, b.tokens + std::max(0.0, seconds) * per_second_);
  b.updated = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const double wait = (1.0 - b.tokens) / per_second_;
  return {false, std::chrono::seconds(static_cast<long long>(std::ceil(wait)))};
}

std::size_t rate_limiter::tracked_clients() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return buckets_.size();
}

}  // namespace veto_server
