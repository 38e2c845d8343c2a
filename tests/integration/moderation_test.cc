// Community posting, pins and reports over HTTP.

#include <string>
#include <tuple>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class ModerationIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    owner_ = CreateAndLogin("owner");
    member_ = CreateAndLogin("member");
    reader_ = CreateAndLogin("reader");
    community_ = CreateCommunity(owner_, "Sales wins", "private");
    for (const TestUser* who : {&member_, &reader_}) {
      EXPECT_EQ(
          Post(Path("/invitations"), JsonBody().Set("user_id", who->id).str(), owner_.token).status,
          201);
      EXPECT_EQ(Post(Path("/invitations/accept"), "", who->token).status, 200);
    }
  }

  std::string Path(const std::string& rest = "") {
    return "/api/v1/communities/" + community_ + rest;
  }
  std::string Write(const TestUser& by, const std::string& text, const char* kind = "status") {
    return WritePost(by, text, community_, JsonBody().Set("kind", kind));
  }
  std::string Report(const TestUser& by, const std::string& post, const std::string& reason) {
    HttpResult r =
        Post("/api/v1/posts/" + post + "/report", JsonBody().Set("reason", reason).str(), by.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }

  TestUser owner_, member_, reader_;
  std::string community_;
};

TEST_F(ModerationIntegrationTest, CommunityPostsReachMembersHomesAndTheCommunityFeed) {
  Write(member_, "we won the Delmas deal");
  EXPECT_EQ(StreamTexts(Get("/api/v1/feeds/home", reader_.token).body),
            std::vector<std::string>{"we won the Delmas deal"});
  HttpResult feed = Get(Path("/feed"), owner_.token);
  ASSERT_EQ(feed.status, 200) << feed;
  EXPECT_EQ(StreamTexts(feed.body), std::vector<std::string>{"we won the Delmas deal"});
  EXPECT_EQ(JsonString(feed.body, "/orderedItems/0/object/agora:post/community_id"), community_);
}

TEST_F(ModerationIntegrationTest, LeavingTakesTheCommunityOutOfTheHomeStream) {
  Write(member_, "before leaving");
  ASSERT_EQ(StreamTexts(Get("/api/v1/feeds/home", reader_.token).body).size(), 1u);
  ASSERT_EQ(Post(Path("/leave"), "", reader_.token).status, 204);
  EXPECT_TRUE(StreamTexts(Get("/api/v1/feeds/home", reader_.token).body).empty());
  Write(member_, "after leaving");
  EXPECT_TRUE(StreamTexts(Get("/api/v1/feeds/home", reader_.token).body).empty());
}

TEST_F(ModerationIntegrationTest, JoiningBringsTheCommunitysRecentPosts) {
  std::string open = CreateCommunity(owner_, "Open forum", "open");
  ASSERT_EQ(
      Post("/api/v1/posts", JsonBody().Set("text", "hello forum").Set("community_id", open).str(),
           owner_.token)
          .status,
      201);
  TestUser newcomer = CreateAndLogin("newcomer");
  EXPECT_TRUE(StreamTexts(Get("/api/v1/feeds/home", newcomer.token).body).empty());
  EXPECT_EQ(Post("/api/v1/posts", JsonBody().Set("text", "not yet").Set("community_id", open).str(),
                 newcomer.token)
                .status,
            403);  // an open community is readable, but posting needs membership
  ASSERT_EQ(Post("/api/v1/communities/" + open + "/join", "", newcomer.token).status, 200);
  EXPECT_EQ(StreamTexts(Get("/api/v1/feeds/home", newcomer.token).body),
            std::vector<std::string>{"hello forum"});
}

TEST_F(ModerationIntegrationTest, CommunityAnnouncementsAreForModerators) {
  HttpResult refused = Post("/api/v1/posts",
                            JsonBody()
                                .Set("text", "all hands")
                                .Set("kind", "announcement")
                                .Set("community_id", community_)
                                .str(),
                            member_.token);
  EXPECT_EQ(refused.status, 403) << refused;
  Write(owner_, "community update", "announcement");
  EXPECT_EQ(StreamTexts(Get("/api/v1/feeds/home", member_.token).body),
            std::vector<std::string>{"community update"});
}

TEST_F(ModerationIntegrationTest, ModeratorsDeletePostsInTheirCommunityOnly) {
  std::string post = Write(member_, "off topic");
  EXPECT_EQ(Delete("/api/v1/posts/" + post, reader_.token).status, 403);
  EXPECT_EQ(Delete("/api/v1/posts/" + post, owner_.token).status, 204);
  HttpResult audit = Get(Path("/audit"), owner_.token);
  EXPECT_EQ(JsonString(audit.body, "/items/0/action"), "delete_post");
  EXPECT_EQ(JsonString(audit.body, "/items/0/target_user_id"), member_.id);
  EXPECT_EQ(JsonString(audit.body, "/items/0/note"), post);
  HttpResult outside =
      Post("/api/v1/posts", JsonBody().Set("text", "company-wide").str(), member_.token);
  std::string company_post = JsonString(outside.body, "/id").value_or("");
  EXPECT_EQ(Delete("/api/v1/posts/" + company_post, owner_.token).status, 403);
}

TEST_F(ModerationIntegrationTest, PinnedPostsLeadTheFirstPage) {
  std::string old = Write(member_, "house rules");
  Write(member_, "newer one");
  Write(member_, "newest");
  EXPECT_EQ(Post(Path("/pins"), JsonBody().Set("post_id", old).str(), member_.token).status, 403);
  ASSERT_EQ(Post(Path("/pins"), JsonBody().Set("post_id", old).str(), owner_.token).status, 201);
  HttpResult feed = Get(Path("/feed"), reader_.token);
  EXPECT_EQ(StreamTexts(feed.body),
            (std::vector<std::string>{"house rules", "newest", "newer one"}));
  EXPECT_EQ(JsonBool(feed.body, "/orderedItems/0/object/agora:post/pinned"), true);
  // `prev` starts above the newest post shown, not above the (older) pinned one.
  std::string prev = StreamLink(feed.body, "/prev");
  ASSERT_FALSE(prev.empty());
  EXPECT_TRUE(StreamTexts(Get(prev, reader_.token).body).empty());
  std::string elsewhere =
      JsonString(Post("/api/v1/posts", JsonBody().Set("text", "x").str(), owner_.token).body, "/id")
          .value_or("");
  EXPECT_EQ(Post(Path("/pins"), JsonBody().Set("post_id", elsewhere).str(), owner_.token).status,
            404);
  EXPECT_EQ(Delete(Path("/pins/" + old), owner_.token).status, 204);
  EXPECT_EQ(Delete(Path("/pins/" + old), owner_.token).status, 404);
  EXPECT_EQ(StreamTexts(Get(Path("/feed"), reader_.token).body).front(), "newest");
  HttpResult audit = Get(Path("/audit"), owner_.token);
  EXPECT_EQ(JsonString(audit.body, "/items/0/action"), "unpin");
  EXPECT_EQ(JsonString(audit.body, "/items/1/action"), "pin");
  EXPECT_EQ(JsonString(audit.body, "/items/1/note"), old);
}

TEST_F(ModerationIntegrationTest, ReportsGoToModeratorsAndResolveWithAnAuditedAction) {
  std::string post = Write(member_, "spam spam spam");
  std::string report = Report(reader_, post, "this is spam");
  EXPECT_EQ(Report(reader_, post, "again"), report);  // one open report per person and post
  EXPECT_EQ(Get(Path("/reports"), reader_.token).status, 403);
  HttpResult open = Get(Path("/reports"), owner_.token);
  ASSERT_EQ(open.status, 200) << open;
  EXPECT_EQ(JsonString(open.body, "/items/0/id"), report);
  EXPECT_EQ(JsonString(open.body, "/items/0/reason"), "this is spam");

  EXPECT_EQ(Post("/api/v1/reports/" + report + "/resolve",
                 JsonBody().Set("action", "remove_post").str(), reader_.token)
                .status,
            404);
  EXPECT_EQ(ErrorCode(Post("/api/v1/reports/" + report + "/resolve",
                           JsonBody().Set("action", "shrug").str(), owner_.token)
                          .body),
            "invalid_action");
  HttpResult resolved = Post(
      "/api/v1/reports/" + report + "/resolve",
      JsonBody().Set("action", "ban_author").Set("note", "repeat spammer").str(), owner_.token);
  ASSERT_EQ(resolved.status, 200) << resolved;
  EXPECT_EQ(JsonString(resolved.body, "/status"), "resolved");
  EXPECT_EQ(JsonString(resolved.body, "/action"), "ban_author");
  EXPECT_EQ(ErrorCode(Post("/api/v1/communities/" + community_ + "/join", "", member_.token).body),
            "banned");
  EXPECT_EQ(ErrorCode(Post("/api/v1/reports/" + report + "/resolve",
                           JsonBody().Set("action", "dismiss").str(), owner_.token)
                          .body),
            "already_resolved");
  HttpResult audit = Get(Path("/audit"), owner_.token);
  EXPECT_EQ(JsonString(audit.body, "/items/0/action"), "resolve_report:ban_author");
  EXPECT_EQ(JsonString(audit.body, "/items/0/note"), "repeat spammer");
  EXPECT_EQ(JsonString(audit.body, "/items/1/action"), "ban");
  EXPECT_TRUE(JsonIds(Get(Path("/reports"), owner_.token).body).empty());
  EXPECT_EQ(JsonIds(Get(Path("/reports?status=resolved"), owner_.token).body).size(), 1u);
}

TEST_F(ModerationIntegrationTest, BanAuthorAlsoTakesTheReportedPostDown) {
  std::string post = Write(member_, "zanzibarian spam");
  std::string kept = Write(member_, "an older fine post");
  std::string report = Report(reader_, post, "spam");
  ASSERT_TRUE(Eventually([&] {
    return JsonInt(Get("/api/v1/search/posts?q=zanzibarian", owner_.token).body, "/total") == 1;
  }));
  ASSERT_EQ(Post("/api/v1/reports/" + report + "/resolve",
                 JsonBody().Set("action", "ban_author").Set("note", "spammer").str(), owner_.token)
                .status,
            200);
  EXPECT_EQ(Get("/api/v1/posts/" + post, owner_.token).status, 404);
  EXPECT_EQ(StreamTexts(Get(Path("/feed"), reader_.token).body),
            std::vector<std::string>{"an older fine post"});
  EXPECT_EQ(StreamTexts(Get("/api/v1/feeds/home", reader_.token).body),
            std::vector<std::string>{"an older fine post"});
  EXPECT_TRUE(Eventually([&] {
    return JsonInt(Get("/api/v1/search/posts?q=zanzibarian", owner_.token).body, "/total") == 0;
  }));
  EXPECT_EQ(Get("/api/v1/posts/" + kept, owner_.token).status, 200);  // only the reported one
  HttpResult audit = Get(Path("/audit"), owner_.token);
  EXPECT_EQ(JsonString(audit.body, "/items/0/action"), "resolve_report:ban_author");
  EXPECT_EQ(JsonString(audit.body, "/items/1/action"), "ban");
}

TEST_F(ModerationIntegrationTest, BanAuthorThatCannotBanLeavesThePostUp) {
  // The owner cannot be banned: the whole resolution fails and the post stays.
  std::string post = Write(owner_, "the owner's post");
  std::string report = Report(reader_, post, "disagree");
  HttpResult refused = Post("/api/v1/reports/" + report + "/resolve",
                            JsonBody().Set("action", "ban_author").str(), admin_token_);
  EXPECT_NE(refused.status, 200) << refused;
  EXPECT_EQ(Get("/api/v1/posts/" + post, reader_.token).status, 200);
  EXPECT_EQ(JsonIds(Get(Path("/reports"), owner_.token).body).size(), 1u);
}

TEST_F(ModerationIntegrationTest, PinningAnswersTheSameForHiddenMissingAndForeignPosts) {
  std::string secret = CreateCommunity(reader_, "Hidden room", "secret");
  std::string hidden = WritePost(reader_, "hidden from the owner", secret);
  std::string deleted = Write(member_, "soon deleted");
  ASSERT_EQ(Delete("/api/v1/posts/" + deleted, member_.token).status, 204);
  std::string company = WritePost(member_, "company-wide", "");
  std::string reply =
      WritePost(member_, "a reply", "", JsonBody().Set("in_reply_to", Write(member_, "parent")));
  HttpResult missing =
      Post(Path("/pins"), JsonBody().Set("post_id", "999999999").str(), owner_.token);
  EXPECT_EQ(missing.status, 404) << missing;
  for (const std::string& post : {hidden, deleted, company, reply}) {
    HttpResult r = Post(Path("/pins"), JsonBody().Set("post_id", post).str(), owner_.token);
    EXPECT_EQ(r.status, missing.status) << post;
    EXPECT_EQ(r.body, missing.body) << post;
  }
}

TEST_F(ModerationIntegrationTest, BannedAndRemovedAuthorsNoLongerEditOrReactButMayDelete) {
  std::string open = CreateCommunity(owner_, "Open forum", "open");
  TestUser banned = CreateAndLogin("banned");
  TestUser removed = CreateAndLogin("removed");
  std::vector<std::string> posts;
  for (const TestUser* who : {&banned, &removed}) {
    ASSERT_EQ(Post("/api/v1/communities/" + open + "/join", "", who->token).status, 200);
    posts.push_back(WritePost(*who, "first words", open));
    posts.push_back(WritePost(*who, "second words", open));
  }
  std::string others = WritePost(owner_, "the owner speaks", open);
  ASSERT_EQ(Post("/api/v1/communities/" + open + "/bans",
                 JsonBody().Set("user_id", banned.id).str(), owner_.token)
                .status,
            201);
  ASSERT_EQ(Delete("/api/v1/communities/" + open + "/members/" + removed.id, owner_.token).status,
            204);
  for (auto [who, mine, code] :
       {std::tuple{&banned, posts[0], "banned"}, std::tuple{&removed, posts[2], "forbidden"}}) {
    SCOPED_TRACE(who->username);
    HttpResult edit =
        Patch("/api/v1/posts/" + mine, JsonBody().Set("text", "changed").str(), who->token);
    EXPECT_EQ(edit.status, 403) << edit;
    EXPECT_EQ(ErrorCode(edit.body), code);
    EXPECT_EQ(JsonString(Get("/api/v1/posts/" + mine, owner_.token).body, "/text"), "first words");
  }
  // A banned person may not take part by reacting; someone who merely left the open
  // community reacts like any reader of it.
  HttpResult reaction = Post("/api/v1/posts/" + others + "/reactions", "", banned.token);
  EXPECT_EQ(reaction.status, 403) << reaction;
  EXPECT_EQ(ErrorCode(reaction.body), "banned");
  EXPECT_EQ(Post("/api/v1/posts/" + others + "/reactions", "", removed.token).status, 200);
  // Their own words remain theirs to withdraw.
  EXPECT_EQ(Delete("/api/v1/posts/" + posts[1], banned.token).status, 204);
  EXPECT_EQ(Delete("/api/v1/posts/" + posts[3], removed.token).status, 204);
}

TEST_F(ModerationIntegrationTest, RemovePostTakesItDown) {
  std::string post = Write(member_, "leaked price list");
  std::string report = Report(reader_, post, "confidential");
  ASSERT_EQ(Post("/api/v1/reports/" + report + "/resolve",
                 JsonBody().Set("action", "remove_post").Set("note", "removed").str(), owner_.token)
                .status,
            200);
  EXPECT_EQ(Get("/api/v1/posts/" + post, owner_.token).status, 404);
  EXPECT_TRUE(StreamTexts(Get(Path("/feed"), reader_.token).body).empty());
}

TEST_F(ModerationIntegrationTest, AdminsMayActOnCommunityReports) {
  std::string post = Write(member_, "needs an admin");
  std::string report = Report(reader_, post, "escalate");
  EXPECT_EQ(JsonString(Get(Path("/reports"), admin_token_).body, "/items/0/id"), report);
  HttpResult resolved =
      Post("/api/v1/reports/" + report + "/resolve",
           JsonBody().Set("action", "remove_post").Set("note", "by admin").str(), admin_token_);
  ASSERT_EQ(resolved.status, 200) << resolved;
  EXPECT_EQ(Get("/api/v1/posts/" + post, owner_.token).status, 404);
}

TEST_F(ModerationIntegrationTest, CompanyWideReportsAreForAdmins) {
  HttpResult r = Post("/api/v1/posts", JsonBody().Set("text", "rude remark").str(), member_.token);
  std::string post = JsonString(r.body, "/id").value_or("");
  std::string report = Report(reader_, post, "rude");
  EXPECT_EQ(Get("/api/v1/reports", owner_.token).status, 403);
  HttpResult list = Get("/api/v1/reports", admin_token_);
  ASSERT_EQ(list.status, 200) << list;
  EXPECT_EQ(JsonString(list.body, "/items/0/id"), report);
  EXPECT_EQ(Post("/api/v1/reports/" + report + "/resolve",
                 JsonBody().Set("action", "dismiss").str(), owner_.token)
                .status,
            404);
  EXPECT_EQ(ErrorCode(Post("/api/v1/reports/" + report + "/resolve",
                           JsonBody().Set("action", "ban_author").str(), admin_token_)
                          .body),
            "invalid_action");
  EXPECT_EQ(Post("/api/v1/reports/" + report + "/resolve",
                 JsonBody().Set("action", "dismiss").Set("note", "fine").str(), admin_token_)
                .status,
            200);
}

TEST_F(ModerationIntegrationTest, ReportsNeedAReasonAndAReadablePost) {
  std::string post = Write(member_, "a post");
  EXPECT_EQ(ErrorCode(Post("/api/v1/posts/" + post + "/report", JsonBody().Set("reason", "").str(),
                           reader_.token)
                          .body),
            "invalid_reason");
  TestUser outsider = CreateAndLogin("outsider");
  EXPECT_EQ(
      Post("/api/v1/posts/" + post + "/report", JsonBody().Set("reason", "x").str(), outsider.token)
          .status,
      404);
}

}  // namespace
}  // namespace agora::integration
