// Per-account quotas (services/quotas.h): N passes, N+1 answers 429 quota_exceeded with
// Retry-After and RateLimit-*, every route of one action shares it, --no-quotas turns them off.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class QuotasTest : public IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    return {"--quota", "post=3/1h",    "--quota", "search=3/1h",       "--quota", "follow=2/1h",
            "--quota", "mention=3/1h", "--quota", "join_request=2/1h", "--quota", "react=2/1h"};
  }
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana");
    ben_ = CreateAndLogin("ben");
  }
  HttpResult WriteAs(const TestUser& by, const std::string& text) {
    return Post("/api/v1/posts", JsonBody().Set("text", text).str(), by.token);
  }
  static void ExpectQuotaAnswer(const HttpResult& r, const std::string& limit) {
    EXPECT_EQ(r.status, 429) << r;
    EXPECT_EQ(ErrorCode(r.body), "quota_exceeded");
    EXPECT_EQ(r.header("RateLimit-Limit"), limit);
    EXPECT_EQ(r.header("RateLimit-Remaining"), "0");
    ASSERT_TRUE(r.has_header("RateLimit-Reset"));
    int reset = std::stoi(r.header("RateLimit-Reset"));
    EXPECT_GE(reset, 1);
    EXPECT_LE(reset, 3600);
    EXPECT_EQ(r.header("Retry-After"), r.header("RateLimit-Reset"));
  }

  TestUser ana_;
  TestUser ben_;
};

TEST_F(QuotasTest, PostsPassUpToTheQuotaAndTheNextIsRefused) {
  for (int i = 0; i < 3; ++i) ASSERT_EQ(WriteAs(ana_, "post " + std::to_string(i)).status, 201);

  ExpectQuotaAnswer(WriteAs(ana_, "one too many"), "3");
  EXPECT_EQ(WriteAs(ben_, "someone else's post").status, 201);
}

TEST_F(QuotasTest, EverySearchRouteSharesTheSearchQuota) {
  ASSERT_EQ(Get("/api/v1/search/posts?q=hello", ana_.token).status, 200);
  ASSERT_EQ(Get("/api/v1/search/people?q=ben", ana_.token).status, 200);
  ASSERT_EQ(Get("/api/v1/search/experts?q=sales", ana_.token).status, 200);

  ExpectQuotaAnswer(Get("/api/v1/search/deals?q=acme", ana_.token), "3");
  ExpectQuotaAnswer(Get("/api/v1/search/posts?q=hello", ana_.token), "3");
}

TEST_F(QuotasTest, FollowsAreCountedPerAccount) {
  TestUser cleo = CreateAndLogin("cleo");
  TestUser dan = CreateAndLogin("dan");
  ASSERT_EQ(Post("/api/v1/users/" + ben_.id + "/follow", "", ana_.token).status, 200);
  ASSERT_EQ(Post("/api/v1/users/" + cleo.id + "/follow", "", ana_.token).status, 200);

  ExpectQuotaAnswer(Post("/api/v1/users/" + dan.id + "/follow", "", ana_.token), "2");
  EXPECT_EQ(Post("/api/v1/users/" + dan.id + "/follow", "", ben_.token).status, 200);
}

TEST_F(QuotasTest, EachMentionNotificationCountsAndAPostThatWouldPassItIsRefused) {
  TestUser cleo = CreateAndLogin("cleo");
  ASSERT_EQ(WriteAs(ana_, "hello @ben and @cleo").status, 201);  // 2 of 3 mentions

  HttpResult two_more = WriteAs(ana_, "again @ben and @cleo");
  EXPECT_EQ(two_more.status, 429) << two_more;
  EXPECT_EQ(ErrorCode(two_more.body), "quota_exceeded");
  EXPECT_EQ(two_more.header("RateLimit-Remaining"), "1");
  EXPECT_EQ(WriteAs(ana_, "only @ben").status, 201);
}

TEST_F(QuotasTest, JoinLeaveCyclesStopAtTheJoinRequestQuota) {
  std::string community = CreateCommunity(ben_, "Open club", "open");
  ASSERT_FALSE(community.empty());
  const std::string base = "/api/v1/communities/" + community;
  for (int i = 0; i < 2; ++i) {
    ASSERT_EQ(Post(base + "/join", "", ana_.token).status / 100, 2) << i;
    ASSERT_EQ(Post(base + "/leave", "", ana_.token).status / 100, 2) << i;
  }
  ExpectQuotaAnswer(Post(base + "/join", "", ana_.token), "2");
}

TEST_F(QuotasTest, ReactionsAndMetricsTellTheLimitsAndRefusals) {
  std::string post = JsonString(WriteAs(ben_, "react to me").body, "/id").value_or("");
  ASSERT_FALSE(post.empty());
  for (const char* type : {"like", "celebrate"}) {
    ASSERT_EQ(
        Post("/api/v1/posts/" + post + "/reactions", JsonBody().Set("type", type).str(), ana_.token)
            .status,
        200);
  }
  ExpectQuotaAnswer(Post("/api/v1/posts/" + post + "/reactions",
                         JsonBody().Set("type", "insightful").str(), ana_.token),
                    "2");

  std::string metrics = Get("/metrics", "").body;
  EXPECT_NE(metrics.find("\nagora_quota_enabled 1"), std::string::npos);
  EXPECT_NE(metrics.find("\nagora_quota_react_limit 2"), std::string::npos);
  EXPECT_NE(metrics.find("\nagora_quota_react_refused_total 1"), std::string::npos);
  EXPECT_NE(metrics.find("\nagora_quota_reply_limit 300"), std::string::npos);  // a default
  EXPECT_NE(metrics.find("\nagora_posts_cached_bytes "), std::string::npos);
}

class NoQuotasTest : public IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    return {"--quota", "post=1/1h", "--no-quotas"};
  }
};

TEST_F(NoQuotasTest, NoQuotasTurnsEveryQuotaOff) {
  TestUser ana = CreateAndLogin("ana");
  for (int i = 0; i < 5; ++i) WritePost(ana, "unlimited " + std::to_string(i));
  EXPECT_NE(Get("/metrics", "").body.find("\nagora_quota_enabled 0"), std::string::npos);
}

}  // namespace
}  // namespace agora::integration
