#include "profiles/sessions.h"

#include <gtest/gtest.h>

#include "profiles/password.h"
#include "profiles/user_repository.h"
#include "storage/rows.h"
#include "tests/support/temp_store.h"

namespace agora::profiles {
namespace {

constexpr UnixMillis kStart = 1'795'330'000'000;
constexpr int64_t kHour = 3'600'000;
constexpr int kMaxSessions = 3;

// On each engine.
class SessionsTest : public ::testing::TestWithParam<storage::Engine> {
 protected:
  void SetUp() override {
    AGORA_SKIP_UNLESS_AVAILABLE(store_);
    ASSERT_TRUE(InitCrypto().ok());
    UserRepository users(*store_, clock_);
    for (Id id : {1, 2}) {
      NewUser user;
      user.username = "user" + std::to_string(id);
      user.profile.display_name = "User";
      user.profile.email = user.username + "@example.com";
      ASSERT_TRUE(users.Insert(id, user, "hash").ok());
    }
  }

  agora::testing::TempStore store_{GetParam()};
  ManualClock clock_{kStart};
  SessionStore sessions_{*store_, clock_, 24 * kHour, kMaxSessions};
};

AGORA_INSTANTIATE_ON_EACH_ENGINE(SessionsTest);

TEST_P(SessionsTest, IssuedTokenResolvesToItsUser) {
  auto issued = sessions_.Create(1, true, false);
  ASSERT_TRUE(issued.ok());
  EXPECT_EQ(issued->expires_at, kStart + 24 * kHour);
  auto session = sessions_.Resolve(issued->token);
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->user_id, 1);
  EXPECT_TRUE(session->is_admin);
}

TEST_P(SessionsTest, AnAccountKeepsUpToTheCapOfSessions) {
  std::vector<std::string> tokens;
  for (int i = 0; i < kMaxSessions; ++i) {
    clock_.advance_ms(1000);
    auto issued = sessions_.Create(1, false, false);
    ASSERT_TRUE(issued.ok());
    tokens.push_back(issued->token);
  }
  for (const auto& token : tokens) EXPECT_TRUE(sessions_.Resolve(token).ok());
}

TEST_P(SessionsTest, ASessionPastTheCapEndsTheOldestOne) {
  std::vector<std::string> tokens;
  for (int i = 0; i < kMaxSessions + 1; ++i) {
    clock_.advance_ms(1000);
    auto issued = sessions_.Create(1, false, false);
    ASSERT_TRUE(issued.ok());
    tokens.push_back(issued->token);
    // Resolved (and so cached) at once: the end must reach the cache too.
    ASSERT_TRUE(sessions_.Resolve(issued->token).ok());
  }
  auto other = sessions_.Create(2, false, false);
  ASSERT_TRUE(other.ok());

  EXPECT_FALSE(sessions_.Resolve(tokens.front()).ok());
  for (size_t i = 1; i < tokens.size(); ++i) EXPECT_TRUE(sessions_.Resolve(tokens[i]).ok());
  EXPECT_TRUE(sessions_.Resolve(other->token).ok());  // another account's are not counted
}

TEST_P(SessionsTest, TokensAreRandomAndLong) {
  auto a = sessions_.Create(1, false, false);
  auto b = sessions_.Create(1, false, false);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->token, b->token);
  EXPECT_GE(a->token.size(), 4u + 43u);  // prefix + 256 bits in base64url
}

TEST_P(SessionsTest, OnlyTheHashIsStored) {
  auto issued = sessions_.Create(1, false, false);
  ASSERT_TRUE(issued.ok());
  int64_t plain = store_->read([&](storage::Connection& c) {
    auto stmt = c.prepare("SELECT count(*) FROM sessions WHERE token_hash = ?");
    (*stmt)->bind(1, issued->token);
    (*stmt)->step();
    return (*stmt)->column_int64(0);
  });
  EXPECT_EQ(plain, 0);
}

TEST_P(SessionsTest, ExpiredTokenIsRefused) {
  auto issued = sessions_.Create(1, false, false);
  ASSERT_TRUE(issued.ok());
  clock_.advance_ms(24 * kHour);
  EXPECT_EQ(sessions_.Resolve(issued->token).status().code(), StatusCode::kUnauthenticated);
}

TEST_P(SessionsTest, RevokedTokenIsRefused) {
  auto issued = sessions_.Create(1, false, false);
  ASSERT_TRUE(issued.ok());
  ASSERT_TRUE(sessions_.Revoke(issued->token).ok());
  EXPECT_FALSE(sessions_.Resolve(issued->token).ok());
}

TEST_P(SessionsTest, RevokeAllEndsEverySessionOfThatUserOnly) {
  auto first = sessions_.Create(1, false, false);
  auto second = sessions_.Create(1, false, false);
  auto other = sessions_.Create(2, false, false);
  ASSERT_TRUE(first.ok() && second.ok() && other.ok());
  ASSERT_TRUE(sessions_.Resolve(first->token).ok());  // now cached
  ASSERT_TRUE(
      store_->Transact([&](storage::Transaction& tx) { return sessions_.RevokeAll(tx, 1); }).ok());
  EXPECT_FALSE(sessions_.Resolve(first->token).ok());
  EXPECT_FALSE(sessions_.Resolve(second->token).ok());
  EXPECT_TRUE(sessions_.Resolve(other->token).ok());
}

TEST_P(SessionsTest, SessionsSurviveANewCache) {
  auto issued = sessions_.Create(2, false, false);
  ASSERT_TRUE(issued.ok());
  SessionStore after_restart(*store_, clock_, 24 * kHour, kMaxSessions);
  auto session = after_restart.Resolve(issued->token);
  ASSERT_TRUE(session.ok());
  EXPECT_EQ(session->user_id, 2);
}

TEST_P(SessionsTest, MalformedTokensAreRefusedWithoutALookup) {
  EXPECT_FALSE(sessions_.Resolve("").ok());
  EXPECT_FALSE(sessions_.Resolve("not-a-token").ok());
  EXPECT_FALSE(sessions_.Resolve("agr_" + std::string(500, 'a')).ok());
}

TEST_P(SessionsTest, ALoginNamingAnOldPasswordHashGetsNoSession) {
  // The hash was replaced while the login verified the old password.
  ASSERT_TRUE(store_
                  ->write([](storage::Connection& c) {
                    return storage::Run(c, "UPDATE users SET password_hash = 'new' WHERE id = 1");
                  })
                  .ok());

  auto stale = sessions_.Create(1, false, false, std::string("hash"));
  auto current = sessions_.Create(1, false, false, std::string("new"));

  EXPECT_EQ(stale.status().code(), StatusCode::kUnauthenticated);
  EXPECT_TRUE(current.ok());
}

TEST_P(SessionsTest, DeletingSessionsOfAPersonKeepsTheNamedOne) {
  auto kept = sessions_.Create(1, false, false);
  auto ended = sessions_.Create(1, false, false);
  auto other_user = sessions_.Create(2, false, false);
  ASSERT_TRUE(kept.ok() && ended.ok() && other_user.ok());

  ASSERT_TRUE(
      store_->write([&](storage::Connection& c) { return DeleteSessionsOf(c, 1, kept->token); })
          .ok());
  sessions_.ForgetCached(1);

  EXPECT_TRUE(sessions_.Resolve(kept->token).ok());
  EXPECT_FALSE(sessions_.Resolve(ended->token).ok());
  EXPECT_TRUE(sessions_.Resolve(other_user->token).ok());
}

}  // namespace
}  // namespace agora::profiles
