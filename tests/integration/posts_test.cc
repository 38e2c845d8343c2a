// Posts over HTTP: creation and its validation, kinds, deal stories, edits, deletes, replies,
// reactions, mentions and hashtags.
#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class PostsIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana");
    ben_ = CreateAndLogin("ben");
  }

  HttpResult CreatePost(const TestUser& author, JsonBody body) {
    return Post("/api/v1/posts", body.str(), author.token);
  }
  std::string PostId(const TestUser& author, const std::string& text) {
    HttpResult r = CreatePost(author, JsonBody().Set("text", text));
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }

  TestUser ana_, ben_;
};

const char* kDeal =
    R"({"customer":"ACME","sector":"retail","product":"Agora","region":"EMEA",)"
    R"("amount":125000.5,"currency":"EUR","closed_on":"2026-11-20","outcome":"won"})";

TEST_F(PostsIntegrationTest, CreatedPostComesBackWithItsEntities) {
  HttpResult r = CreatePost(
      ana_, JsonBody().Set("text", "Merci @ben et @nobody.here ! #Négociation #NÉGOCIATION #Q4"));
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(JsonString(r.body, "/author/username"), "ana");
  EXPECT_EQ(JsonString(r.body, "/kind"), "status");
  EXPECT_TRUE(JsonIsNull(r.body, "/community_id"));
  EXPECT_TRUE(JsonIsNull(r.body, "/edited_at"));
  EXPECT_EQ(JsonString(r.body, "/mentions/0/username"), "ben");
  EXPECT_EQ(JsonString(r.body, "/mentions/0/id"), ben_.id);
  EXPECT_FALSE(JsonHas(r.body, "/mentions/1"));  // @nobody.here names nobody
  EXPECT_EQ(JsonStrings(r.body, "/hashtags"), (std::vector<std::string>{"négociation", "q4"}));
  std::string id = JsonString(r.body, "/id").value_or("");
  HttpResult got = Get("/api/v1/posts/" + id, ben_.token);
  ASSERT_EQ(got.status, 200) << got;
  EXPECT_EQ(JsonString(got.body, "/text"), JsonString(r.body, "/text"));
}

TEST_F(PostsIntegrationTest, InvalidPostsAreRefusedWithTheirReason) {
  EXPECT_EQ(ErrorCode(CreatePost(ana_, JsonBody().Set("text", "  ")).body), "invalid_text");
  EXPECT_EQ(ErrorCode(CreatePost(ana_, JsonBody().Set("text", std::string(5001, 'x'))).body),
            "invalid_text");
  EXPECT_EQ(CreatePost(ana_, JsonBody().Set("text", std::string(5000, 'x'))).status, 201);
  EXPECT_EQ(ErrorCode(CreatePost(ana_, JsonBody().Set("text", "x").Set("kind", "poll")).body),
            "invalid_kind");
  HttpResult missing = CreatePost(ana_, JsonBody());
  EXPECT_EQ(missing.status, 422) << missing;
  EXPECT_EQ(ErrorCode(missing.body), "missing_field");
  HttpResult malformed = Post("/api/v1/posts", "{\"text\": ", ana_.token);
  EXPECT_EQ(malformed.status, 400) << malformed;
  EXPECT_EQ(Post("/api/v1/posts", JsonBody().Set("text", "x").str(), "").status, 401);
}

TEST_F(PostsIntegrationTest, TextOfOnlyInvisibleCharactersIsBlankWhereverTextIsRequired) {
  // No-break spaces, zero-width space, joiners, word joiner, byte order mark, ideographic
  // space, Hangul filler: each shows nothing.
  const std::vector<std::string> invisible = {
      "\xC2\xA0\xC2\xA0\xC2\xA0", "\xE2\x80\x8B\xE2\x80\x8B\xE2\x80\x8B",
      "\xE2\x80\x8C\xE2\x80\x8D\xE2\x81\xA0", "\xEF\xBB\xBF \xE2\x80\xAF",
      "\xE3\x80\x80\xE3\x85\xA4\xE3\x80\x80"};
  std::string mine = PostId(ana_, "a visible post");
  for (const std::string& text : invisible) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ErrorCode(CreatePost(ana_, JsonBody().Set("text", text)).body), "invalid_text");
    EXPECT_EQ(
        ErrorCode(CreatePost(ana_, JsonBody().Set("text", text).Set("in_reply_to", mine)).body),
        "invalid_text");
    EXPECT_EQ(
        ErrorCode(
            Patch("/api/v1/posts/" + mine, JsonBody().Set("text", text).str(), ana_.token).body),
        "invalid_text");
    EXPECT_EQ(
        ErrorCode(Post("/api/v1/communities",
                       JsonBody().Set("name", text).Set("visibility", "open").str(), ana_.token)
                      .body),
        "invalid_name");
    EXPECT_EQ(ErrorCode(Patch("/api/v1/users/" + ana_.id,
                              JsonBody().Set("display_name", text).str(), ana_.token)
                            .body),
              "invalid_display_name");
    EXPECT_EQ(
        ErrorCode(
            Post("/api/v1/me/tokens",
                 JsonBody().Set("name", text).Set("scopes", std::vector<std::string>{"read"}).str(),
                 ana_.token)
                .body),
        "invalid_name");
    EXPECT_EQ(ErrorCode(Post("/api/v1/quizzes",
                             JsonBody()
                                 .Set("title", text)
                                 .Set("skill", "negotiation")
                                 .SetRaw("questions",
                                         R"([{"text":"q","choices":["a","b"],"correct":[1]}])")
                                 .str(),
                             ana_.token)
                            .body),
              "invalid_title");
  }
  // Visible text among invisible characters still counts.
  EXPECT_EQ(CreatePost(ana_, JsonBody().Set("text",
                                            "\xE2\x80\x8B"
                                            "ok\xC2\xA0"))
                .status,
            201);
  EXPECT_EQ(JsonString(Get("/api/v1/posts/" + mine, ana_.token).body, "/text"), "a visible post");
}

TEST_F(PostsIntegrationTest, AuthorAndOtherServerFieldsCannotBeSet) {
  HttpResult r = CreatePost(ana_, JsonBody().Set("text", "hi").Set("author_id", ben_.id));
  EXPECT_EQ(r.status, 422) << r;
  EXPECT_EQ(ErrorCode(r.body), "field_not_writable");
  r = CreatePost(ana_, JsonBody().Set("text", "hi").SetInt("reactions_count", 99));
  EXPECT_EQ(ErrorCode(r.body), "field_not_writable");
}

TEST_F(PostsIntegrationTest, PostingIntoAnUnknownCommunityIsNotFound) {
  HttpResult r = CreatePost(ana_, JsonBody().Set("text", "hi").Set("community_id", "12345"));
  EXPECT_EQ(r.status, 404) << r;
}

TEST_F(PostsIntegrationTest, OnlyAdminsMakeAnnouncements) {
  JsonBody announcement = JsonBody().Set("text", "All hands").Set("kind", "announcement");
  EXPECT_EQ(CreatePost(ana_, announcement).status, 403);
  HttpResult r = Post("/api/v1/posts", announcement.str(), admin_token_);
  EXPECT_EQ(r.status, 201) << r;
  EXPECT_EQ(JsonString(r.body, "/kind"), "announcement");
}

TEST_F(PostsIntegrationTest, DealStoriesCarryValidatedDeals) {
  HttpResult r = CreatePost(
      ana_, JsonBody().Set("text", "We won ACME").Set("kind", "deal_story").SetRaw("deal", kDeal));
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(JsonString(r.body, "/deal/customer"), "ACME");
  EXPECT_EQ(JsonString(r.body, "/deal/outcome"), "won");
  EXPECT_EQ(JsonString(r.body, "/deal/closed_on"), "2026-11-20");

  auto deal_with = [](const std::string& field, const std::string& value) {
    std::string deal = kDeal;
    std::string key = "\"" + field + "\":";
    size_t start = deal.find(key) + key.size();
    size_t end = deal.find_first_of(",}", start);
    return deal.replace(start, end - start, value);
  };
  for (const auto& [field, value] :
       std::vector<std::pair<std::string, std::string>>{{"amount", "-1"},
                                                        {"amount", "\"lots\""},
                                                        {"currency", "\"euro\""},
                                                        {"closed_on", "\"2026-02-30\""},
                                                        {"outcome", "\"maybe\""},
                                                        {"customer", "\"\""}}) {
    HttpResult bad = CreatePost(ana_, JsonBody()
                                          .Set("text", "deal")
                                          .Set("kind", "deal_story")
                                          .SetRaw("deal", deal_with(field, value)));
    EXPECT_EQ(bad.status, 422) << field << "=" << value << " " << bad;
    EXPECT_EQ(ErrorCode(bad.body), "invalid_deal") << field;
  }
  EXPECT_EQ(ErrorCode(CreatePost(ana_, JsonBody().Set("text", "x").Set("kind", "deal_story")).body),
            "invalid_deal");
  EXPECT_EQ(ErrorCode(CreatePost(ana_, JsonBody().Set("text", "x").SetRaw("deal", kDeal)).body),
            "invalid_deal");
}

TEST_F(PostsIntegrationTest, UnknownAndMalformedPostIds) {
  EXPECT_EQ(Get("/api/v1/posts/999999", ana_.token).status, 404);
  HttpResult r = Get("/api/v1/posts/abc", ana_.token);
  EXPECT_EQ(r.status, 400) << r;
  EXPECT_EQ(ErrorCode(r.body), "invalid_id");
}

TEST_F(PostsIntegrationTest, OnlyTheAuthorEdits) {
  std::string id = PostId(ana_, "first draft #draft");
  EXPECT_EQ(Patch("/api/v1/posts/" + id, JsonBody().Set("text", "hijack").str(), ben_.token).status,
            403);
  EXPECT_EQ(
      Patch("/api/v1/posts/" + id, JsonBody().Set("text", "admin edit").str(), admin_token_).status,
      403);
  HttpResult r =
      Patch("/api/v1/posts/" + id, JsonBody().Set("text", "final #Done").str(), ana_.token);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(JsonString(r.body, "/text"), "final #Done");
  EXPECT_FALSE(JsonIsNull(r.body, "/edited_at"));
  EXPECT_EQ(JsonStrings(r.body, "/hashtags"), std::vector<std::string>{"done"});
  EXPECT_EQ(
      ErrorCode(Patch("/api/v1/posts/" + id, JsonBody().Set("text", "").str(), ana_.token).body),
      "invalid_text");
  EXPECT_EQ(
      ErrorCode(Patch("/api/v1/posts/" + id,
                      JsonBody().Set("text", "x").Set("kind", "announcement").str(), ana_.token)
                    .body),
      "field_not_writable");
}

TEST_F(PostsIntegrationTest, AuthorOrAdminDeletes) {
  std::string mine = PostId(ana_, "mine");
  EXPECT_EQ(Delete("/api/v1/posts/" + mine, ben_.token).status, 403);
  EXPECT_EQ(Delete("/api/v1/posts/" + mine, ana_.token).status, 204);
  EXPECT_EQ(Get("/api/v1/posts/" + mine, ana_.token).status, 404);
  EXPECT_EQ(Delete("/api/v1/posts/" + mine, ana_.token).status, 404);
  std::string other = PostId(ben_, "moderated");
  EXPECT_EQ(Delete("/api/v1/posts/" + other, admin_token_).status, 204);
  EXPECT_EQ(Get("/api/v1/posts/" + other, ben_.token).status, 404);
}

TEST_F(PostsIntegrationTest, RepliesAreCountedListedAndUncountedWhenDeleted) {
  std::string parent = PostId(ana_, "question?");
  HttpResult reply =
      CreatePost(ben_, JsonBody().Set("text", "answer one").Set("in_reply_to", parent));
  ASSERT_EQ(reply.status, 201) << reply;
  EXPECT_EQ(JsonString(reply.body, "/in_reply_to"), parent);
  std::string second =
      JsonString(
          CreatePost(ana_, JsonBody().Set("text", "answer two").Set("in_reply_to", parent)).body,
          "/id")
          .value_or("");
  EXPECT_EQ(JsonInt(Get("/api/v1/posts/" + parent, ana_.token).body, "/replies_count"), 2);

  HttpResult page = Get("/api/v1/posts/" + parent + "/replies?limit=1", ana_.token);
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(JsonString(page.body, "/items/0/text"), "answer one");  // oldest first
  std::string cursor = JsonString(page.body, "/next_cursor").value_or("");
  ASSERT_FALSE(cursor.empty());
  HttpResult rest =
      Get("/api/v1/posts/" + parent + "/replies?limit=1&cursor=" + cursor, ana_.token);
  EXPECT_EQ(JsonString(rest.body, "/items/0/text"), "answer two");
  EXPECT_FALSE(JsonHas(rest.body, "/next_cursor"));

  ASSERT_EQ(Delete("/api/v1/posts/" + second, ana_.token).status, 204);
  EXPECT_EQ(JsonInt(Get("/api/v1/posts/" + parent, ana_.token).body, "/replies_count"), 1);
  ASSERT_EQ(Delete("/api/v1/posts/" + parent, ana_.token).status, 204);
  EXPECT_EQ(CreatePost(ben_, JsonBody().Set("text", "late").Set("in_reply_to", parent)).status,
            404);
  EXPECT_EQ(Get("/api/v1/posts/" + parent + "/replies", ana_.token).status, 404);
}

TEST_F(PostsIntegrationTest, ReactionsAreIdempotentPerType) {
  std::string id = PostId(ana_, "react to me");
  std::string path = "/api/v1/posts/" + id + "/reactions";
  HttpResult like = Post(path, "", ben_.token);
  ASSERT_EQ(like.status, 200) << like;
  EXPECT_EQ(JsonInt(like.body, "/reactions_count"), 1);
  EXPECT_EQ(JsonInt(Post(path, JsonBody().Set("type", "like").str(), ben_.token).body,
                    "/reactions_count"),
            1);
  EXPECT_EQ(JsonInt(Post(path, JsonBody().Set("type", "celebrate").str(), ben_.token).body,
                    "/reactions_count"),
            2);
  EXPECT_EQ(ErrorCode(Post(path, JsonBody().Set("type", "angry").str(), ben_.token).body),
            "invalid_reaction");
  EXPECT_EQ(Delete(path + "?type=like", ben_.token).status, 204);
  EXPECT_EQ(Delete(path + "?type=like", ben_.token).status, 204);
  EXPECT_EQ(JsonInt(Get("/api/v1/posts/" + id, ana_.token).body, "/reactions_count"), 1);
  ASSERT_EQ(Delete("/api/v1/posts/" + id, ana_.token).status, 204);
  EXPECT_EQ(Post(path, "", ben_.token).status, 404);
}

}  // namespace
}  // namespace agora::integration
