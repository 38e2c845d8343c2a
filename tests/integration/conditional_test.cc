// Retries and concurrent edits over HTTP (issue 16): Idempotency-Key on creating POSTs, ETag
// with If-None-Match, and If-Match on PATCH, raced from outside where a rule could race.

#include <memory>
#include <string>
#include <vector>

#include "tests/integration/at_once.h"
#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class ConditionalIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana");
    ben_ = CreateAndLogin("ben");
  }

  HttpResult PostWithKey(const TestUser& who, const std::string& target, const std::string& body,
                         const std::string& key) {
    return server().Request("POST", target, body, who.token, {{"Idempotency-Key", key}});
  }
  HttpResult CreatePost(const TestUser& who, const std::string& text, const std::string& key) {
    return PostWithKey(who, "/api/v1/posts", JsonBody().Set("text", text).str(), key);
  }

  // Runs `sql` on the server's store (beside the running server) and returns the first column
  // of its first row (0 when it has none).
  int64_t Sql(const std::string& sql) {
    std::vector<std::string> column = server().SqlColumn(sql);
    return column.empty() ? 0 : std::stoll(column.front());
  }
  int64_t PostsWithText(const std::string& text) {
    return Sql("SELECT count(*) FROM posts WHERE text = '" + text + "'");
  }

  HttpResult GetIfNoneMatch(const std::string& target, const std::string& tag) {
    return server().Request("GET", target, "", ana_.token, {{"If-None-Match", tag}});
  }
  HttpResult EditIfMatch(const std::string& post, const std::string& text, const std::string& tag) {
    return server().Request("PATCH", "/api/v1/posts/" + post, JsonBody().Set("text", text).str(),
                            ana_.token, {{"If-Match", tag}});
  }

  TestUser ana_, ben_;
};

TEST_F(ConditionalIntegrationTest, WithoutAKeyARetriedPostIsDuplicated) {
  ASSERT_EQ(Post("/api/v1/posts", JsonBody().Set("text", "twice").str(), ana_.token).status, 201);
  ASSERT_EQ(Post("/api/v1/posts", JsonBody().Set("text", "twice").str(), ana_.token).status, 201);
  EXPECT_EQ(PostsWithText("twice"), 2);
}

TEST_F(ConditionalIntegrationTest, ARetryWithTheSameKeyGetsTheFirstAnswerAndCreatesNothing) {
  HttpResult first = CreatePost(ana_, "once", "retry-1");
  ASSERT_EQ(first.status, 201) << first;
  EXPECT_FALSE(first.has_header("Idempotent-Replayed"));
  HttpResult retry = CreatePost(ana_, "once", "retry-1");
  EXPECT_EQ(retry.status, 201) << retry;
  EXPECT_EQ(retry.body, first.body);
  EXPECT_EQ(retry.header("Content-Type"), first.header("Content-Type"));
  EXPECT_EQ(retry.header("Location"), first.header("Location"));
  EXPECT_EQ(retry.header("Idempotent-Replayed"), "true");
  EXPECT_EQ(PostsWithText("once"), 1);
}

TEST_F(ConditionalIntegrationTest, EveryCreatingPostHonoursTheKey) {
  const std::string community = JsonBody().Set("name", "Retried").Set("visibility", "open").str();
  HttpResult first = PostWithKey(ana_, "/api/v1/communities", community, "community-1");
  ASSERT_EQ(first.status, 201) << first;
  EXPECT_EQ(PostWithKey(ana_, "/api/v1/communities", community, "community-1").body, first.body);
  EXPECT_EQ(Sql("SELECT count(*) FROM communities WHERE name = 'Retried'"), 1);

  std::string post = JsonString(CreatePost(ben_, "react to me", "k").body, "/id").value_or("");
  const std::string reactions = "/api/v1/posts/" + post + "/reactions";
  ASSERT_EQ(PostWithKey(ana_, reactions, "", "reaction-1").status, 200);
  ASSERT_EQ(Delete(reactions + "?type=like", ana_.token).status, 204);
  // The retry of the first reaction replays it: it does not react again.
  EXPECT_EQ(PostWithKey(ana_, reactions, "", "reaction-1").status, 200);
  EXPECT_EQ(JsonInt(Get("/api/v1/posts/" + post, ana_.token).body, "/reactions_count"), 0);
}

TEST_F(ConditionalIntegrationTest, NoSecretIsEverStoredWithAKey) {
  const std::string body =
      JsonBody().Set("name", "ci").Set("scopes", std::vector<std::string>{"read"}).str();
  HttpResult first = PostWithKey(ana_, "/api/v1/me/tokens", body, "token-1");
  HttpResult second = PostWithKey(ana_, "/api/v1/me/tokens", body, "token-1");
  ASSERT_EQ(first.status, 201) << first;
  ASSERT_EQ(second.status, 201) << second;
  // A token is shown once: the key is ignored rather than the token kept for a replay.
  EXPECT_NE(JsonString(first.body, "/token"), JsonString(second.body, "/token"));
  EXPECT_EQ(PostWithKey(ana_, "/api/v1/me/password",
                        JsonBody()
                            .Set("current_password", TestServer::kDefaultPassword)
                            .Set("new_password", "another-horse-2")
                            .str(),
                        "password-1")
                .status,
            204);
  EXPECT_EQ(Sql("SELECT count(*) FROM idempotency_keys"), 0);
}

TEST_F(ConditionalIntegrationTest, TheSameKeyForAnotherRequestIsRefused) {
  ASSERT_EQ(CreatePost(ana_, "first body", "reused").status, 201);
  HttpResult other = CreatePost(ana_, "second body", "reused");
  EXPECT_EQ(other.status, 422) << other;
  EXPECT_EQ(ErrorCode(other.body), "idempotency_key_reused");
  HttpResult elsewhere = PostWithKey(ana_, "/api/v1/communities",
                                     JsonBody().Set("name", "first body").str(), "reused");
  EXPECT_EQ(ErrorCode(elsewhere.body), "idempotency_key_reused");
  EXPECT_EQ(PostsWithText("second body"), 0);
}

TEST_F(ConditionalIntegrationTest, KeysBelongToTheirAccount) {
  HttpResult anas = CreatePost(ana_, "same words", "shared-key");
  HttpResult bens = CreatePost(ben_, "same words", "shared-key");
  ASSERT_EQ(anas.status, 201) << anas;
  ASSERT_EQ(bens.status, 201) << bens;
  EXPECT_NE(JsonString(anas.body, "/id"), JsonString(bens.body, "/id"));
  EXPECT_EQ(JsonString(bens.body, "/author/id"), ben_.id);
  EXPECT_EQ(PostsWithText("same words"), 2);
}

TEST_F(ConditionalIntegrationTest, BadKeysAreRefused) {
  for (const std::string& key :
       {std::string(), std::string(256, 'k'), std::string("tab\tkey"), std::string("cl\xc3\xa9")}) {
    SCOPED_TRACE(key);
    HttpResult r = CreatePost(ana_, "bad key", key);
    EXPECT_EQ(r.status, 400) << r;
    EXPECT_EQ(ErrorCode(r.body), "invalid_idempotency_key");
  }
  EXPECT_EQ(PostsWithText("bad key"), 0);
  EXPECT_EQ(CreatePost(ana_, "long key", std::string(255, 'k')).status, 201);
}

TEST_F(ConditionalIntegrationTest, ARefusedCreateLeavesTheKeyFree) {
  HttpResult refused = CreatePost(ana_, "  ", "after-error");
  EXPECT_EQ(ErrorCode(refused.body), "invalid_text") << refused;
  EXPECT_EQ(CreatePost(ana_, "fixed", "after-error").status, 201);
  EXPECT_EQ(PostsWithText("fixed"), 1);
}

TEST_F(ConditionalIntegrationTest, TwoRequestsWithOneKeyAtOnceCreateOnePost) {
  constexpr int kRounds = 15;
  for (int round = 0; round < kRounds; ++round) {
    const std::string text = "raced " + std::to_string(round);
    const std::string key = "race-" + std::to_string(round);
    HttpResult a, b;
    AtOnce([&] { a = CreatePost(ana_, text, key); }, [&] { b = CreatePost(ana_, text, key); });
    SCOPED_TRACE(text);
    EXPECT_EQ(PostsWithText(text), 1);
    // One made the post; the other got the same answer, or was told the key is in use.
    EXPECT_TRUE(a.status == 201 || b.status == 201) << a << " / " << b;
    for (const HttpResult* r : {&a, &b}) {
      if (r->status == 201) {
        EXPECT_EQ(JsonString(r->body, "/text"), text);
      } else {
        EXPECT_EQ(r->status, 409) << *r;
        EXPECT_EQ(ErrorCode(r->body), "idempotency_key_in_use");
      }
    }
    if (a.status == 201 && b.status == 201) {
      EXPECT_EQ(a.body, b.body);
    }
  }
}

TEST_F(ConditionalIntegrationTest, KeysExpireAfterADayAndAreSwept) {
  ASSERT_EQ(CreatePost(ana_, "day one", "daily").status, 201);
  ASSERT_EQ(CreatePost(ana_, "old", "forgotten").status, 201);
  // Both keys were recorded 25 hours ago.
  Sql("UPDATE idempotency_keys SET created_at = created_at - 25 * 3600 * 1000");
  HttpResult next_day = CreatePost(ana_, "day one", "daily");
  EXPECT_EQ(next_day.status, 201) << next_day;
  EXPECT_FALSE(next_day.has_header("Idempotent-Replayed"));
  EXPECT_EQ(PostsWithText("day one"), 2);
  // The new claim swept every expired key, the unrelated one included.
  EXPECT_EQ(Sql("SELECT count(*) FROM idempotency_keys WHERE key = 'forgotten'"), 0);
  EXPECT_EQ(Sql("SELECT count(*) FROM idempotency_keys"), 1);
}

TEST_F(ConditionalIntegrationTest, AnUnchangedResourceAnswers304) {
  std::string post = WritePost(ana_, "tagged");
  HttpResult got = Get("/api/v1/posts/" + post, ana_.token);
  ASSERT_EQ(got.status, 200) << got;
  std::string tag = got.header("ETag");
  ASSERT_FALSE(tag.empty());
  HttpResult again = GetIfNoneMatch("/api/v1/posts/" + post, tag);
  EXPECT_EQ(again.status, 304) << again;
  EXPECT_EQ(again.body, "");
  EXPECT_EQ(again.header("ETag"), tag);
  EXPECT_EQ(GetIfNoneMatch("/api/v1/posts/" + post, "\"other\", W/" + tag).status, 304);

  ASSERT_EQ(
      Patch("/api/v1/posts/" + post, JsonBody().Set("text", "retagged").str(), ana_.token).status,
      200);
  HttpResult changed = GetIfNoneMatch("/api/v1/posts/" + post, tag);
  EXPECT_EQ(changed.status, 200) << changed;
  EXPECT_EQ(JsonString(changed.body, "/text"), "retagged");
  EXPECT_NE(changed.header("ETag"), tag);
}

TEST_F(ConditionalIntegrationTest, ListPagesCarryETagsToo) {
  WritePost(ana_, "listed");
  const std::string page = "/api/v1/users/" + ana_.id + "/feed";
  HttpResult got = Get(page, ana_.token);
  ASSERT_EQ(got.status, 200) << got;
  ASSERT_TRUE(got.has_header("ETag"));
  EXPECT_EQ(GetIfNoneMatch(page, got.header("ETag")).status, 304);
  WritePost(ana_, "newer");
  EXPECT_EQ(GetIfNoneMatch(page, got.header("ETag")).status, 200);
}

TEST_F(ConditionalIntegrationTest, AnEditWithAStaleETagIsRefused) {
  std::string post = WritePost(ana_, "v1");
  std::string v1 = Get("/api/v1/posts/" + post, ana_.token).header("ETag");
  HttpResult edited = EditIfMatch(post, "v2", v1);
  ASSERT_EQ(edited.status, 200) << edited;
  std::string v2 = edited.header("ETag");
  EXPECT_FALSE(v2.empty());
  EXPECT_NE(v2, v1);
  HttpResult stale = EditIfMatch(post, "lost update", v1);
  EXPECT_EQ(stale.status, 412) << stale;
  EXPECT_EQ(ErrorCode(stale.body), "precondition_failed");
  EXPECT_EQ(JsonString(Get("/api/v1/posts/" + post, ana_.token).body, "/text"), "v2");
  // The tag a PATCH answers is the one the next GET answers.
  EXPECT_EQ(Get("/api/v1/posts/" + post, ana_.token).header("ETag"), v2);
  EXPECT_EQ(EditIfMatch(post, "v3", "\"garbage\"").status, 412);
  EXPECT_EQ(EditIfMatch(post, "v3", "*").status, 200);
  // Without If-Match an edit goes through as before.
  EXPECT_EQ(Patch("/api/v1/posts/" + post, JsonBody().Set("text", "v4").str(), ana_.token).status,
            200);
}

TEST_F(ConditionalIntegrationTest, CommunitiesAndDealsAreVersionedToo) {
  std::string community = CreateCommunity(ana_, "Versioned", "open");
  const std::string path = "/api/v1/communities/" + community;
  std::string tag = Get(path, ana_.token).header("ETag");
  const std::string rename = JsonBody().Set("description", "first").str();
  ASSERT_EQ(server().Request("PATCH", path, rename, ana_.token, {{"If-Match", tag}}).status, 200);
  HttpResult stale = server().Request("PATCH", path, JsonBody().Set("description", "second").str(),
                                      ana_.token, {{"If-Match", tag}});
  EXPECT_EQ(stale.status, 412) << stale;
  EXPECT_EQ(JsonString(Get(path, ana_.token).body, "/description"), "first");
}

TEST_F(ConditionalIntegrationTest, TwoEditsWithOneETagAtOnceLetExactlyOneWin) {
  constexpr int kRounds = 15;
  std::string post = WritePost(ana_, "start");
  for (int round = 0; round < kRounds; ++round) {
    std::string tag = Get("/api/v1/posts/" + post, ana_.token).header("ETag");
    const std::string mine = "a" + std::to_string(round), theirs = "b" + std::to_string(round);
    HttpResult a, b;
    AtOnce([&] { a = EditIfMatch(post, mine, tag); }, [&] { b = EditIfMatch(post, theirs, tag); });
    SCOPED_TRACE(round);
    ASSERT_TRUE((a.status == 200 && b.status == 412) || (a.status == 412 && b.status == 200))
        << a << " / " << b;
    const std::string& winner = a.status == 200 ? mine : theirs;
    EXPECT_EQ(JsonString(Get("/api/v1/posts/" + post, ana_.token).body, "/text"), winner);
  }
}

}  // namespace
}  // namespace agora::integration
