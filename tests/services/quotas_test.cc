#include "services/quotas.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace agora::services {
namespace {

constexpr Id kAna = 1;
constexpr Id kBen = 2;

QuotaOptions PostsPerMinute(int64_t count) {
  QuotaOptions options;
  EXPECT_TRUE(options.Set("post=" + std::to_string(count) + "/1m").ok());
  return options;
}

TEST(Quotas, TheLimitPassesAndTheNextIsRefusedWithRateLimitFields) {
  ManualClock clock(1'000'000);
  Quotas quotas(clock, PostsPerMinute(3));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(quotas.Take(kAna, QuotaAction::kPost).ok()) << i;
  clock.advance_ms(20'000);

  Status refused = quotas.Take(kAna, QuotaAction::kPost);

  EXPECT_EQ(refused.code(), StatusCode::kRateLimited);
  EXPECT_EQ(refused.error_code(), "quota_exceeded");
  ASSERT_TRUE(refused.rate_limit());
  EXPECT_EQ(refused.rate_limit()->limit, 3);
  EXPECT_EQ(refused.rate_limit()->remaining, 0);
  EXPECT_EQ(refused.rate_limit()->reset_seconds, 40);
  EXPECT_EQ(refused.retry_after_seconds(), 40);
  EXPECT_EQ(quotas.refused(QuotaAction::kPost), 1u);
}

TEST(Quotas, AccountsAndActionsCountApartAndWindowsRestart) {
  ManualClock clock(1'000'000);
  Quotas quotas(clock, PostsPerMinute(1));
  ASSERT_TRUE(quotas.Take(kAna, QuotaAction::kPost).ok());
  EXPECT_FALSE(quotas.Take(kAna, QuotaAction::kPost).ok());
  EXPECT_TRUE(quotas.Take(kBen, QuotaAction::kPost).ok());
  EXPECT_TRUE(quotas.Take(kAna, QuotaAction::kReply).ok());
  clock.advance_ms(60'000);
  EXPECT_TRUE(quotas.Take(kAna, QuotaAction::kPost).ok());
}

TEST(Quotas, SeveralUnitsAtOnceFitWhollyOrNotAtAll) {
  ManualClock clock(1'000'000);
  QuotaOptions options;
  ASSERT_TRUE(options.Set("mention=5/1h").ok());
  Quotas quotas(clock, options);
  ASSERT_TRUE(quotas.Take(kAna, QuotaAction::kMention, 3).ok());
  Status refused = quotas.Take(kAna, QuotaAction::kMention, 3);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.rate_limit()->remaining, 2);
  EXPECT_TRUE(quotas.Take(kAna, QuotaAction::kMention, 2).ok());  // nothing was used by it
}

TEST(Quotas, ConcurrentUsesNeverPassTheLimitTogether) {
  ManualClock clock(1'000'000);
  Quotas quotas(clock, PostsPerMinute(50));
  std::atomic<int> passed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 25; ++i) {
        if (quotas.Take(kAna, QuotaAction::kPost).ok()) ++passed;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(passed.load(), 50);
  EXPECT_EQ(quotas.refused(QuotaAction::kPost), 150u);
}

TEST(Quotas, TurnedOffEverythingPasses) {
  ManualClock clock(1'000'000);
  QuotaOptions options = PostsPerMinute(1);
  options.enabled = false;
  Quotas quotas(clock, options);
  for (int i = 0; i < 100; ++i) EXPECT_TRUE(quotas.Take(kAna, QuotaAction::kPost).ok());
}

TEST(QuotaOptions, FlagsNameAnActionACountAndADuration) {
  QuotaOptions options;
  ASSERT_TRUE(options.Set("create_community=2/1d").ok());
  const QuotaLimit& limit = options.limits[static_cast<size_t>(QuotaAction::kCreateCommunity)];
  EXPECT_EQ(limit.count, 2);
  EXPECT_EQ(limit.window_ms, 24LL * 3600 * 1000);
  for (const char* bad : {"post", "post=", "post=3", "post=3/", "post=0/1m", "post=3/1y",
                          "posts=3/1m", "post=-1/1m", "post=3/m", "=3/1m"}) {
    EXPECT_FALSE(options.Set(bad).ok()) << bad;
  }
}

TEST(Quotas, EndedWindowsAreSweptSoMemoryFollowsActiveAccounts) {
  ManualClock clock(1'000'000);
  Quotas quotas(clock, PostsPerMinute(10));
  for (Id account = 1; account <= 5000; ++account) {
    ASSERT_TRUE(quotas.Take(account, QuotaAction::kPost).ok());
  }
  clock.advance_ms(120'000);
  for (Id account = 5001; account <= 9000; ++account) {
    ASSERT_TRUE(quotas.Take(account, QuotaAction::kPost).ok());
  }
  EXPECT_LE(quotas.windows(), 4096u);
}

}  // namespace
}  // namespace agora::services
