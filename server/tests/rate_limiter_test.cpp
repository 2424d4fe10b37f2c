#include "rate_limiter.h"

#include <gtest/gtest.h>

namespace veto_server {
namespace {

using std::chrono::seconds;

TEST(RateLimiter, AllowsABurstThenRefusesWithRetryAfter) {
  rate_limiter limiter(3);
  const auto t0 = rate_limiter::clock::time_point{} + seconds(1000);
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(limiter.take("a", t0).allowed) << i;
  const auto refused = limiter.take("a", t0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, seconds(20));  // 3 a minute: one every 20 s
  EXPECT_TRUE(limiter.take("b", t0).allowed);   // another client has its own bucket
}

TEST(RateLimiter, RefillsOverTime) {
  rate_limiter limiter(60);
  const auto t0 = rate_limiter::clock::time_point{} + seconds(1000);
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(limiter.take("a", t0).allowed);
  EXPECT_FALSE(limiter.take("a", t0).allowed);
  EXPECT_TRUE(limiter.take("a", t0 + seconds(1)).allowed);
  EXPECT_FALSE(limiter.take("a", t0 + seconds(1)).allowed);
  for (int i = 0; i < 60; ++i) EXPECT_TRUE(limiter.take("a", t0 + seconds(100)).allowed) << i;
}

TEST(RateLimiter, ZeroTurnsItOff) {
  rate_limiter limiter(0);
  const auto t0 = rate_limiter::clock::now();
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(limiter.take("a", t0).allowed);
  EXPECT_EQ(limiter.tracked_clients(), 0u);
}

TEST(RateLimiter, ForgetsFullBucketsAndStaysBounded) {
  rate_limiter limiter(10, 5000);
  auto t = rate_limiter::clock::time_point{} + seconds(1000);
  for (int i = 0; i < 20000; ++i) {
    limiter.take("client" + std::to_string(i), t);
    if (i % 1000 == 999) t += seconds(120);  // older buckets are full again
  }
  EXPECT_LE(limiter.tracked_clients(), 5000u);
}

}  // namespace
}  // namespace veto_server
