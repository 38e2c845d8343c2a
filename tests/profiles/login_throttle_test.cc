#include "profiles/login_throttle.h"

#include <gtest/gtest.h>

namespace agora::profiles {
namespace {

TEST(LoginThrottle, AllowsAttemptsBelowTheLimit) {
  ManualClock clock(1'000'000);
  LoginThrottle throttle(clock, ThrottleOptions{});
  for (int i = 0; i < 9; ++i) throttle.record("account:ana");
  EXPECT_EQ(throttle.retry_after_seconds("account:ana"), std::nullopt);
}

TEST(LoginThrottle, BlocksAtTheLimitUntilTheOldestFailureLeavesTheWindow) {
  ManualClock clock(1'000'000);
  LoginThrottle throttle(clock, ThrottleOptions{});
  throttle.record("account:ana");
  clock.advance_ms(60'000);
  for (int i = 0; i < 9; ++i) throttle.record("account:ana");
  auto wait = throttle.retry_after_seconds("account:ana");
  ASSERT_TRUE(wait.has_value());
  EXPECT_EQ(*wait, 14 * 60);  // the first failure expires 15 min after it happened
  clock.advance_ms(14 * 60 * 1000);
  EXPECT_EQ(throttle.retry_after_seconds("account:ana"), std::nullopt);
}

TEST(LoginThrottle, KeysAreIndependent) {
  ManualClock clock(1'000'000);
  LoginThrottle throttle(clock, ThrottleOptions{});
  for (int i = 0; i < 10; ++i) throttle.record("address:10.0.0.1");
  EXPECT_TRUE(throttle.retry_after_seconds("address:10.0.0.1").has_value());
  EXPECT_FALSE(throttle.retry_after_seconds("address:10.0.0.2").has_value());
}

TEST(LoginThrottle, ClearForgetsFailures) {
  ManualClock clock(1'000'000);
  LoginThrottle throttle(clock, ThrottleOptions{});
  for (int i = 0; i < 10; ++i) throttle.record("account:ana");
  throttle.clear("account:ana");
  EXPECT_FALSE(throttle.retry_after_seconds("account:ana").has_value());
}

TEST(LoginThrottle, BoundsTheNumberOfKeys) {
  ManualClock clock(1'000'000);
  ThrottleOptions options;
  options.max_keys = 100;
  LoginThrottle throttle(clock, options);
  for (int i = 0; i < 1000; ++i) {
    throttle.record("address:" + std::to_string(i));
  }
  for (int i = 0; i < 10; ++i) throttle.record("account:target");
  EXPECT_TRUE(throttle.retry_after_seconds("account:target").has_value());
  EXPECT_EQ(throttle.size(), 100u);
}

TEST(LoginThrottle, ForgetsTheLeastRecentlyCountedKeyWhenFull) {
  ManualClock clock(1'000'000);
  LoginThrottle throttle(clock, ThrottleOptions{.limit = 2, .max_keys = 2});
  throttle.record("target");
  throttle.record("other");
  throttle.record("target");  // counted again: now the most recent
  throttle.record("newest");
  EXPECT_EQ(throttle.size(), 2u);
  EXPECT_FALSE(throttle.contains("other"));
  EXPECT_TRUE(throttle.contains("newest"));
  EXPECT_TRUE(throttle.retry_after_seconds("target").has_value());
}

TEST(LoginThrottle, ForgetsKeysWhoseTimesAllLeftTheWindow) {
  ManualClock clock(1'000'000);
  LoginThrottle throttle(clock, ThrottleOptions{});
  throttle.record("account:ana");
  clock.advance_ms(15 * 60 * 1000);
  EXPECT_FALSE(throttle.contains("account:ana"));
  EXPECT_EQ(throttle.size(), 0u);
}

}  // namespace
}  // namespace agora::profiles
