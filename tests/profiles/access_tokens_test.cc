#include "profiles/access_tokens.h"

#include <gtest/gtest.h>

#include "profiles/account_records.h"
#include "profiles/bearer_secret.h"
#include "profiles/user_repository.h"
#include "storage/rows.h"
#include "tests/support/temp_store.h"

namespace agora::profiles {
namespace {

constexpr UnixMillis kStart = 1'795'330'000'000;
constexpr int64_t kHour = 3'600'000;

// On each engine.
class AccessTokensTest : public ::testing::TestWithParam<storage::Engine> {
 protected:
  void SetUp() override {
    AGORA_SKIP_UNLESS_AVAILABLE(store_);
    UserRepository users(*store_, clock_);
    for (Id id : {1, 2}) {
      NewUser user;
      user.username = "user" + std::to_string(id);
      user.profile.display_name = "User";
      user.profile.email = user.username + "@example.com";
      ASSERT_TRUE(users.Insert(id, user, "hash").ok());
    }
  }

  // Stores a token of `user_id` with `expires_at`; its secret.
  std::string Store(Id id, Id user_id, std::optional<UnixMillis> expires_at) {
    std::string secret = NewBearerSecret(kAccessTokenPrefix);
    AccessToken token{id, user_id, "bot", false, clock_.now_ms(), expires_at, std::nullopt};
    EXPECT_TRUE(store_
                    ->write([&](storage::Connection& c) {
                      return InsertAccessToken(c, token, HashBearerSecret(secret));
                    })
                    .ok());
    return secret;
  }
  std::optional<AccessTokenGrant> Grant(const std::string& secret) {
    auto grant = store_->read([&](storage::Connection& c) {
      return FindAccessTokenGrant(c, HashBearerSecret(secret), clock_.now_ms());
    });
    EXPECT_TRUE(grant.ok());
    return grant.ok() ? *grant : std::nullopt;
  }

  agora::testing::TempStore store_{GetParam()};
  ManualClock clock_{kStart};
};

AGORA_INSTANTIATE_ON_EACH_ENGINE(AccessTokensTest);

TEST_P(AccessTokensTest, ATokenGrantsItsOwnerUntilItsExpiry) {
  std::string secret = Store(10, 1, kStart + kHour);

  auto grant = Grant(secret);
  ASSERT_TRUE(grant);
  EXPECT_EQ(grant->user_id, 1);
  EXPECT_FALSE(grant->can_write);

  clock_.advance_ms(kHour);
  EXPECT_FALSE(Grant(secret));
}

TEST_P(AccessTokensTest, AnInactiveOwnersTokenGrantsNothing) {
  std::string secret = Store(10, 1, std::nullopt);
  ASSERT_TRUE(
      store_->write([&](storage::Connection& c) { return SetActive(c, 1, false, clock_.now_ms()); })
          .ok());

  EXPECT_FALSE(Grant(secret));
}

TEST_P(AccessTokensTest, ListingShowsOnlyTheOwnersLiveTokensNewestFirst) {
  Store(10, 1, std::nullopt);
  Store(11, 1, kStart + kHour);
  Store(12, 2, std::nullopt);
  Store(13, 1, std::nullopt);
  clock_.advance_ms(2 * kHour);

  auto page = store_->read([&](storage::Connection& c) {
    return ListAccessTokens(c, 1, clock_.now_ms(), PageRequest{.limit = 1, .after_key = {}});
  });
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->items.size(), 1u);
  EXPECT_EQ(page->items[0].id, 13);
  ASSERT_TRUE(page->next_cursor);
  auto rest = store_->read([&](storage::Connection& c) {
    return ListAccessTokens(c, 1, clock_.now_ms(), PageRequest{.limit = 10, .after_key = 13});
  });
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ(rest->items.size(), 1u);
  EXPECT_EQ(rest->items[0].id, 10);
  EXPECT_FALSE(rest->next_cursor);
}

TEST_P(AccessTokensTest, AResetIsTakenOnceAndNotAfterItsExpiry) {
  auto take = [&](const std::string& hash) {
    return store_->write_value<std::optional<Id>>(
        [&](storage::Connection& c) { return TakePasswordReset(c, hash, clock_.now_ms()); });
  };
  ASSERT_TRUE(store_
                  ->write([&](storage::Connection& c) {
                    Status first = ReplacePasswordReset(c, 1, "first", kStart, kStart + kHour);
                    if (!first.ok()) return first;
                    return ReplacePasswordReset(c, 2, "other", kStart, kStart + kHour);
                  })
                  .ok());

  auto taken = take("first");
  auto again = take("first");
  clock_.advance_ms(kHour);
  auto expired = take("other");

  ASSERT_TRUE(taken.ok() && again.ok() && expired.ok());
  EXPECT_EQ(*taken, std::optional<Id>(1));
  EXPECT_EQ(*again, std::nullopt);
  EXPECT_EQ(*expired, std::nullopt);
}

TEST_P(AccessTokensTest, ANewerResetReplacesTheOlder) {
  ASSERT_TRUE(store_
                  ->write([&](storage::Connection& c) {
                    Status first = ReplacePasswordReset(c, 1, "first", kStart, kStart + kHour);
                    if (!first.ok()) return first;
                    return ReplacePasswordReset(c, 1, "second", kStart, kStart + kHour);
                  })
                  .ok());

  auto old = store_->write_value<std::optional<Id>>(
      [&](storage::Connection& c) { return TakePasswordReset(c, "first", kStart); });
  auto current = store_->write_value<std::optional<Id>>(
      [&](storage::Connection& c) { return TakePasswordReset(c, "second", kStart); });

  ASSERT_TRUE(old.ok() && current.ok());
  EXPECT_EQ(*old, std::nullopt);
  EXPECT_EQ(*current, std::optional<Id>(1));
}

TEST_P(AccessTokensTest, NamesHaveOneToAHundredCharactersNotOnlySpaces) {
  EXPECT_TRUE(ValidateAccessTokenName("ci").ok());
  EXPECT_TRUE(ValidateAccessTokenName(std::string(100, 'x')).ok());
  EXPECT_TRUE(ValidateAccessTokenName("déploiement").ok());
  EXPECT_FALSE(ValidateAccessTokenName("").ok());
  EXPECT_FALSE(ValidateAccessTokenName("   ").ok());
  EXPECT_FALSE(ValidateAccessTokenName(std::string(101, 'x')).ok());
}

}  // namespace
}  // namespace agora::profiles
