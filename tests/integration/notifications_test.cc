// Notifications over HTTP: each type, who is (not) told, grouping, unread counts, marking read,
// paging and the validation of every input.
#include <rapidjson/document.h>

#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

struct Item {
  std::string id, type, actor, post, community;
  int64_t count = 0;
  bool read = false;
};

std::vector<Item> Items(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  std::vector<Item> out;
  if (!doc.IsObject() || !doc.HasMember("items")) return out;
  for (const auto& v : doc["items"].GetArray()) {
    Item item;
    item.id = v["id"].GetString();
    item.type = v["type"].GetString();
    item.actor = v["actor"]["id"].GetString();
    if (v.HasMember("post")) item.post = v["post"]["id"].GetString();
    if (v.HasMember("community")) item.community = v["community"]["id"].GetString();
    item.count = v["count"].GetInt64();
    item.read = v["read"].GetBool();
    out.push_back(item);
  }
  return out;
}

class NotificationsIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana");
    ben_ = CreateAndLogin("ben");
    cleo_ = CreateAndLogin("cleo");
  }

  std::string Write(const TestUser& by, const std::string& text, const std::string& community = "",
                    const std::string& parent = "") {
    JsonBody body;
    if (!parent.empty()) body.Set("in_reply_to", parent);
    return WritePost(by, text, community, std::move(body));
  }
  std::vector<Item> List(const TestUser& who, const std::string& query = "") {
    HttpResult r = Get("/api/v1/notifications" + query, who.token);
    EXPECT_EQ(r.status, 200) << r;
    return Items(r.body);
  }
  int64_t Unread(const TestUser& who) {
    HttpResult r = Get("/api/v1/notifications/unread_count", who.token);
    EXPECT_EQ(r.status, 200) << r;
    return JsonInt(r.body, "/count").value_or(-1);
  }

  TestUser ana_, ben_, cleo_;
};

TEST_F(NotificationsIntegrationTest, MentionTellsTheMentionedPersonButNotTheAuthor) {
  std::string post = Write(ana_, "thanks @ben and @ana for the demo");
  auto ben = List(ben_);
  ASSERT_EQ(ben.size(), 1u);
  EXPECT_EQ(ben[0].type, "mention");
  EXPECT_EQ(ben[0].actor, ana_.id);
  EXPECT_EQ(ben[0].post, post);
  EXPECT_FALSE(ben[0].read);
  EXPECT_TRUE(List(ana_).empty());
  EXPECT_TRUE(List(cleo_).empty());
}

TEST_F(NotificationsIntegrationTest, ReplyTellsTheParentAuthorOnceEvenWhenMentioned) {
  std::string parent = Write(ana_, "who knows the Lyon account?");
  std::string reply = Write(ben_, "@ana I do", "", parent);
  Write(ana_, "thanks", "", parent);  // replying to oneself tells nobody
  auto ana = List(ana_);
  ASSERT_EQ(ana.size(), 1u);
  EXPECT_EQ(ana[0].type, "reply");
  EXPECT_EQ(ana[0].post, reply);
  EXPECT_TRUE(List(ben_).empty());
}

TEST_F(NotificationsIntegrationTest, ReactionsOnOnePostAreGroupedWhileUnread) {
  std::string post = Write(ana_, "we won the Lyon deal");
  ASSERT_EQ(Post("/api/v1/posts/" + post + "/reactions", "", ben_.token).status, 200);
  ASSERT_EQ(Post("/api/v1/posts/" + post + "/reactions", "", ben_.token).status, 200);  // again
  ASSERT_EQ(Post("/api/v1/posts/" + post + "/reactions", JsonBody().Set("type", "celebrate").str(),
                 cleo_.token)
                .status,
            200);
  ASSERT_EQ(Post("/api/v1/posts/" + post + "/reactions", "", ana_.token).status, 200);  // own
  auto ana = List(ana_);
  ASSERT_EQ(ana.size(), 1u);
  EXPECT_EQ(ana[0].type, "reaction");
  EXPECT_EQ(ana[0].count, 2);
  EXPECT_EQ(ana[0].actor, cleo_.id);  // the latest
  EXPECT_EQ(Unread(ana_), 1);
  // Once read, the next reaction starts a new notification.
  ASSERT_EQ(
      Post("/api/v1/notifications/read", JsonBody().SetBool("all", true).str(), ana_.token).status,
      204);
  TestUser dan = CreateAndLogin("dan");
  ASSERT_EQ(Post("/api/v1/posts/" + post + "/reactions", "", dan.token).status, 200);
  ana = List(ana_);
  ASSERT_EQ(ana.size(), 2u);
  EXPECT_EQ(ana[0].count, 1);
  EXPECT_EQ(ana[0].actor, dan.id);
  EXPECT_FALSE(ana[0].read);
  EXPECT_TRUE(ana[1].read);
}

TEST_F(NotificationsIntegrationTest, FollowTellsTheFolloweeOnce) {
  ASSERT_EQ(Post("/api/v1/users/" + ana_.id + "/follow", "", ben_.token).status, 200);
  ASSERT_EQ(Post("/api/v1/users/" + ana_.id + "/follow", "", ben_.token).status, 200);
  auto ana = List(ana_);
  ASSERT_EQ(ana.size(), 1u);
  EXPECT_EQ(ana[0].type, "follow");
  EXPECT_EQ(ana[0].actor, ben_.id);
  EXPECT_TRUE(ana[0].post.empty());
  EXPECT_TRUE(List(ben_).empty());
}

TEST_F(NotificationsIntegrationTest, JoinRequestTellsOwnersAndModerators) {
  std::string group = CreateCommunity(ana_, "Private guild", "private");
  ASSERT_EQ(Post("/api/v1/communities/" + group + "/join", "", ben_.token).status, 202);
  auto ana = List(ana_);
  ASSERT_EQ(ana.size(), 1u);
  EXPECT_EQ(ana[0].type, "join_request");
  EXPECT_EQ(ana[0].actor, ben_.id);
  EXPECT_EQ(ana[0].community, group);
  EXPECT_TRUE(List(ben_).empty());
  // Joining an open community asks nobody.
  std::string open = CreateCommunity(ana_, "Open guild", "open");
  ASSERT_EQ(Post("/api/v1/communities/" + open + "/join", "", cleo_.token).status, 200);
  EXPECT_EQ(List(ana_).size(), 1u);
}

TEST_F(NotificationsIntegrationTest, InvitationTellsTheInvitee) {
  std::string secret = CreateCommunity(ana_, "Project Falcon", "secret");
  ASSERT_EQ(Post("/api/v1/communities/" + secret + "/invitations",
                 JsonBody().Set("user_id", ben_.id).str(), ana_.token)
                .status,
            201);
  auto ben = List(ben_);
  ASSERT_EQ(ben.size(), 1u);
  EXPECT_EQ(ben[0].type, "invitation");
  EXPECT_EQ(ben[0].actor, ana_.id);
  EXPECT_EQ(ben[0].community, secret);
  EXPECT_TRUE(List(cleo_).empty());
}

TEST_F(NotificationsIntegrationTest, ReportTellsModeratorsOrAdmins) {
  std::string group = CreateCommunity(ana_, "Sales guild", "open");
  ASSERT_EQ(Post("/api/v1/communities/" + group + "/join", "", ben_.token).status, 200);
  std::string in_group = Write(ben_, "a dubious claim", group);
  ASSERT_EQ(Post("/api/v1/posts/" + in_group + "/report",
                 JsonBody().Set("reason", "misleading").str(), cleo_.token)
                .status,
            201);
  auto ana = List(ana_);
  ASSERT_EQ(ana.size(), 1u);
  EXPECT_EQ(ana[0].type, "report");
  EXPECT_EQ(ana[0].post, in_group);
  EXPECT_EQ(ana[0].actor, cleo_.id);
  EXPECT_TRUE(List(ben_).empty());  // the author is not told who reported them

  std::string company = Write(ben_, "a company-wide claim");
  ASSERT_EQ(Post("/api/v1/posts/" + company + "/report",
                 JsonBody().Set("reason", "misleading").str(), cleo_.token)
                .status,
            201);
  HttpResult admin = Get("/api/v1/notifications", admin_token_);
  auto items = Items(admin.body);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].type, "report");
  EXPECT_EQ(items[0].post, company);
  EXPECT_EQ(List(ana_).size(), 1u);
}

TEST_F(NotificationsIntegrationTest, AnnouncementTellsEveryoneButItsAuthor) {
  HttpResult r =
      Post("/api/v1/posts",
           JsonBody().Set("text", "office closed friday").Set("kind", "announcement").str(),
           admin_token_);
  ASSERT_EQ(r.status, 201) << r;
  std::string post = JsonString(r.body, "/id").value_or("");
  for (const TestUser* who : {&ana_, &ben_, &cleo_}) {
    auto items = List(*who);
    ASSERT_EQ(items.size(), 1u);
    EXPECT_EQ(items[0].type, "announcement");
    EXPECT_EQ(items[0].post, post);
  }
  EXPECT_TRUE(Items(Get("/api/v1/notifications", admin_token_).body).empty());
}

TEST_F(NotificationsIntegrationTest, UnreadCountsAndMarkingSomeOrAllRead) {
  std::string p1 = Write(ana_, "hello @ben");
  std::string p2 = Write(cleo_, "hi @ben");
  ASSERT_EQ(Post("/api/v1/users/" + ben_.id + "/follow", "", cleo_.token).status, 200);
  EXPECT_EQ(Unread(ben_), 3);
  auto items = List(ben_);
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].type, "follow");  // newest first
  EXPECT_EQ(items[2].post, p1);

  // Someone else's id is ignored.
  auto ana_items = List(ana_);
  ASSERT_EQ(Post("/api/v1/notifications/read",
                 JsonBody().Set("ids", std::vector<std::string>{items[2].id, items[1].id}).str(),
                 ben_.token)
                .status,
            204);
  EXPECT_EQ(Unread(ben_), 1);
  auto unread = List(ben_, "?unread=true");
  ASSERT_EQ(unread.size(), 1u);
  EXPECT_EQ(unread[0].id, items[0].id);
  EXPECT_EQ(List(ben_, "?unread=false").size(), 3u);

  ASSERT_EQ(Post("/api/v1/posts/" + p2 + "/reactions", "", ben_.token).status, 200);
  ASSERT_EQ(Post("/api/v1/notifications/read",
                 JsonBody().Set("ids", std::vector<std::string>{items[0].id}).str(), cleo_.token)
                .status,
            204);
  EXPECT_EQ(Unread(ben_), 1);  // cleo cannot mark ben's
  EXPECT_EQ(Unread(cleo_), 1);
  ASSERT_EQ(
      Post("/api/v1/notifications/read", JsonBody().SetBool("all", true).str(), ben_.token).status,
      204);
  EXPECT_EQ(Unread(ben_), 0);
  EXPECT_TRUE(List(ben_, "?unread=true").empty());
  EXPECT_EQ(Unread(cleo_), 1);
}

TEST_F(NotificationsIntegrationTest, PagesNewestFirstWithACursor) {
  std::vector<std::string> posts;
  for (int i = 0; i < 5; ++i) posts.push_back(Write(ana_, "note " + std::to_string(i) + " @ben"));
  HttpResult first = Get("/api/v1/notifications?limit=2", ben_.token);
  ASSERT_EQ(first.status, 200) << first;
  auto page = Items(first.body);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].post, posts[4]);
  EXPECT_EQ(page[1].post, posts[3]);
  std::vector<std::string> seen;
  std::string cursor = JsonString(first.body, "/next_cursor").value_or("");
  for (auto& i : page) seen.push_back(i.post);
  while (!cursor.empty()) {
    HttpResult next = Get("/api/v1/notifications?limit=2&cursor=" + cursor, ben_.token);
    ASSERT_EQ(next.status, 200) << next;
    for (auto& i : Items(next.body)) seen.push_back(i.post);
    cursor = JsonString(next.body, "/next_cursor").value_or("");
  }
  EXPECT_EQ(seen, (std::vector<std::string>{posts[4], posts[3], posts[2], posts[1], posts[0]}));
}

TEST_F(NotificationsIntegrationTest, InputIsValidated) {
  EXPECT_EQ(Get("/api/v1/notifications", "").status, 401);
  EXPECT_EQ(Get("/api/v1/notifications/unread_count", "bad-token").status, 401);
  EXPECT_EQ(ErrorCode(Get("/api/v1/notifications?limit=0", ben_.token).body), "invalid_limit");
  EXPECT_EQ(ErrorCode(Get("/api/v1/notifications?limit=101", ben_.token).body), "invalid_limit");
  EXPECT_EQ(ErrorCode(Get("/api/v1/notifications?cursor=abc", ben_.token).body), "invalid_cursor");
  EXPECT_EQ(Get("/api/v1/notifications?unread=maybe", ben_.token).status, 400);
  auto read = [&](const std::string& body) {
    return Post("/api/v1/notifications/read", body, ben_.token);
  };
  EXPECT_EQ(ErrorCode(read(JsonBody().SetBool("all", true).Set("read", "x").str()).body),
            "field_not_writable");
  EXPECT_EQ(read("{}").status, 422);
  EXPECT_EQ(read(JsonBody().SetRaw("ids", "[1, 2]").str()).status, 422);
  EXPECT_EQ(read(JsonBody().SetRaw("ids", "\"1\"").str()).status, 422);
  EXPECT_EQ(read(JsonBody().Set("ids", std::vector<std::string>{"x1"}).str()).status, 400);
  EXPECT_EQ(read(JsonBody().SetRaw("all", "\"yes\"").str()).status, 422);
  std::vector<std::string> many(101, "1");
  EXPECT_EQ(ErrorCode(read(JsonBody().Set("ids", many).str()).body), "invalid_ids");
  EXPECT_EQ(read("[]").status, 400);
  EXPECT_EQ(read(JsonBody().Set("ids", std::vector<std::string>{}).str()).status, 204);
}

TEST_F(NotificationsIntegrationTest, ContentTheRecipientCannotReadNeverNotifies) {
  std::string secret = CreateCommunity(ana_, "Project Falcon", "secret");
  std::string hidden = Write(ana_, "MARKER-SECRET @ben @cleo", secret);
  EXPECT_TRUE(List(ben_).empty());
  EXPECT_EQ(Unread(ben_), 0);
  // A member who is then removed loses the notification with their access.
  AddMember(ana_, secret, cleo_);
  std::string seen = Write(ana_, "welcome @cleo", secret);
  auto cleo = List(cleo_);
  ASSERT_EQ(cleo.size(), 2u);  // the invitation and the mention
  EXPECT_EQ(cleo[0].post, seen);
  ASSERT_EQ(Delete("/api/v1/communities/" + secret + "/members/" + cleo_.id, ana_.token).status,
            204);
  HttpResult after = Get("/api/v1/notifications", cleo_.token);
  EXPECT_TRUE(Items(after.body).empty()) << after;
  EXPECT_EQ(after.body.find(seen), std::string::npos);
  EXPECT_EQ(after.body.find(secret), std::string::npos);
  EXPECT_EQ(Unread(cleo_), 0);
  (void)hidden;
}

TEST_F(NotificationsIntegrationTest, DeletingAPostTakesItsNotificationsAway) {
  std::string post = Write(ana_, "draft for @ben");
  ASSERT_EQ(List(ben_).size(), 1u);
  ASSERT_EQ(Delete("/api/v1/posts/" + post, ana_.token).status, 204);
  HttpResult r = Get("/api/v1/notifications", ben_.token);
  EXPECT_TRUE(Items(r.body).empty()) << r;
  EXPECT_EQ(r.body.find("draft"), std::string::npos);
  EXPECT_EQ(Unread(ben_), 0);
}

}  // namespace
}  // namespace agora::integration
