// Home and profile streams over HTTP: ActivityStreams pages, fan-out, follow changes, deletes,
// cursors under concurrent posting, announcements, and streams after a SIGKILL.
#include <rapidjson/document.h>

#include <set>
#include <string>
#include <thread>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

// The post ids of a stream page, in page order.
std::vector<std::string> PostIds(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  std::vector<std::string> ids;
  if (!doc.IsObject() || !doc.HasMember("orderedItems")) return ids;
  for (const auto& item : doc["orderedItems"].GetArray()) {
    ids.emplace_back(item["object"]["agora:post"]["id"].GetString());
  }
  return ids;
}

class StreamsIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana");
    ben_ = CreateAndLogin("ben");
    cleo_ = CreateAndLogin("cleo");
  }

  std::string Write(const TestUser& author, const std::string& text) {
    return WritePost(author, text);
  }
  std::vector<std::string> Home(const TestUser& reader, const std::string& query = "") {
    HttpResult r = Get("/api/v1/feeds/home" + query, reader.token);
    EXPECT_EQ(r.status, 200) << r;
    return StreamTexts(r.body);
  }
  // Every item of a stream, following `next` links.
  std::vector<std::string> WalkAll(const std::string& start, const std::string& token) {
    std::vector<std::string> ids;
    std::string target = start;
    for (int page = 0; page < 100 && !target.empty(); ++page) {
      HttpResult r = Get(target, token);
      EXPECT_EQ(r.status, 200) << r;
      for (auto& id : PostIds(r.body)) ids.push_back(id);
      target = StreamLink(r.body, "/next");
    }
    return ids;
  }

  // `count` posts by `author` (in `community` if not empty), written by four clients at once.
  void WriteMany(const TestUser& author, int count, const std::string& community = "") {
    std::vector<std::thread> writers;
    for (int w = 0; w < 4; ++w) {
      writers.emplace_back([&, w] {
        for (int i = w; i < count; i += 4) {
          WritePost(author, "busy " + std::to_string(i), community);
        }
      });
    }
    for (auto& writer : writers) writer.join();
  }
  // What a server that rebuilt every timeline from the store serves: a restart's home stream.
  std::vector<std::string> HomeAfterRestart(const TestUser& reader) {
    EXPECT_EQ(server().Stop(), 0);
    server().Restart();
    return WalkAll("/api/v1/feeds/home?limit=100", reader.token);
  }

  TestUser ana_, ben_, cleo_;
};

TEST_F(StreamsIntegrationTest, HomeIsAnActivityStreamsPageOfFollowedAndOwnPosts) {
  Follow(ana_, ben_);
  Write(ben_, "from ben");
  Write(cleo_, "from cleo, not followed");
  Write(ana_, "from ana");
  HttpResult r = Get("/api/v1/feeds/home", ana_.token);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(JsonString(r.body, "/@context/0"), "https://www.w3.org/ns/activitystreams");
  EXPECT_EQ(JsonString(r.body, "/type"), "OrderedCollectionPage");
  EXPECT_EQ(JsonString(r.body, "/orderedItems/0/type"), "Create");
  EXPECT_EQ(JsonString(r.body, "/orderedItems/0/object/type"), "Note");
  EXPECT_EQ(JsonString(r.body, "/orderedItems/0/actor/type"), "Person");
  EXPECT_EQ(JsonString(r.body, "/orderedItems/0/actor/preferredUsername"), "ana");
  EXPECT_EQ(JsonString(r.body, "/orderedItems/0/object/attributedTo"),
            "http://" + server_->host() + ":" + std::to_string(server_->port()) + "/api/v1/users/" +
                ana_.id);
  EXPECT_EQ(JsonString(r.body, "/orderedItems/0/object/agora:post/text"), "from ana");
  EXPECT_EQ(StreamTexts(r.body), (std::vector<std::string>{"from ana", "from ben"}));
}

TEST_F(StreamsIntegrationTest, FollowBringsRecentPostsAndUnfollowTakesThemAway) {
  Write(ben_, "ben before the follow");
  EXPECT_TRUE(Home(ana_).empty());
  Follow(ana_, ben_);
  EXPECT_EQ(Home(ana_), std::vector<std::string>{"ben before the follow"});
  Write(ben_, "ben after the follow");
  EXPECT_EQ(Home(ana_).size(), 2u);
  ASSERT_EQ(Delete("/api/v1/users/" + ben_.id + "/follow", ana_.token).status, 204);
  EXPECT_TRUE(Home(ana_).empty());
  Write(ben_, "ben after the unfollow");
  EXPECT_TRUE(Home(ana_).empty());
}

TEST_F(StreamsIntegrationTest, DeletedPostsAndRepliesStayOutOfStreams) {
  Follow(ana_, ben_);
  std::string doomed = Write(ben_, "doomed");
  Write(ben_, "kept");
  ASSERT_EQ(Post("/api/v1/posts",
                 JsonBody().Set("text", "a reply").Set("in_reply_to", doomed).str(), ben_.token)
                .status,
            201);
  EXPECT_EQ(Home(ana_), (std::vector<std::string>{"kept", "doomed"}));
  ASSERT_EQ(Delete("/api/v1/posts/" + doomed, ben_.token).status, 204);
  EXPECT_EQ(Home(ana_), std::vector<std::string>{"kept"});
  HttpResult profile = Get("/api/v1/users/" + ben_.id + "/feed", ana_.token);
  EXPECT_EQ(StreamTexts(profile.body), std::vector<std::string>{"kept"});
}

TEST_F(StreamsIntegrationTest, EditsShowInStreams) {
  Follow(ana_, ben_);
  std::string id = Write(ben_, "typo");
  ASSERT_EQ(Patch("/api/v1/posts/" + id, JsonBody().Set("text", "fixed").str(), ben_.token).status,
            200);
  EXPECT_EQ(Home(ana_), std::vector<std::string>{"fixed"});
}

// Stream pages reuse the items they rendered before (server/stream_item_cache.h): every change
// to what an item shows, and every loss of access, must show on the very next read of a page
// that was already served.
TEST_F(StreamsIntegrationTest, AServedHomePageShowsEveryChangeOnItsNextRead) {
  Follow(ana_, ben_);
  std::string group = CreateCommunity(cleo_, "Cached", "private");
  AddMember(cleo_, group, ana_);
  WritePost(cleo_, "inside the community", group);
  std::string edited = Write(ben_, "typo");
  std::string reacted = Write(ben_, "react to me");
  std::string doomed = Write(ben_, "doomed");
  auto home = [&] {
    HttpResult r = Get("/api/v1/feeds/home", ana_.token);
    EXPECT_EQ(r.status, 200) << r;
    return r.body;
  };
  auto post_member = [](size_t index, const std::string& member) {
    return "/orderedItems/" + std::to_string(index) + "/object/agora:post/" + member;
  };
  std::string first = home();
  ASSERT_EQ(StreamTexts(first),
            (std::vector<std::string>{"doomed", "react to me", "typo", "inside the community"}));
  EXPECT_EQ(home(), first);  // served again from what was rendered

  ASSERT_EQ(
      Patch("/api/v1/posts/" + edited, JsonBody().Set("text", "fixed").str(), ben_.token).status,
      200);
  ASSERT_EQ(Post("/api/v1/posts/" + reacted + "/reactions", "", cleo_.token).status, 200);
  ASSERT_EQ(Delete("/api/v1/posts/" + doomed, ben_.token).status, 204);
  ASSERT_EQ(Patch("/api/v1/users/" + ben_.id, JsonBody().Set("display_name", "Ben Renamed").str(),
                  ben_.token)
                .status,
            200);
  std::string after = home();
  EXPECT_EQ(StreamTexts(after),
            (std::vector<std::string>{"react to me", "fixed", "inside the community"}));
  EXPECT_EQ(JsonInt(after, post_member(0, "reactions_count").c_str()), 1);
  EXPECT_EQ(JsonString(after, "/orderedItems/0/actor/name"), "Ben Renamed");
  EXPECT_TRUE(JsonString(after, post_member(1, "edited_at").c_str()).has_value());

  ASSERT_EQ(Delete("/api/v1/communities/" + group + "/members/" + ana_.id, cleo_.token).status,
            204);
  EXPECT_EQ(StreamTexts(home()), (std::vector<std::string>{"react to me", "fixed"}));
}

TEST_F(StreamsIntegrationTest, AnnouncementsReachEveryoneWithoutFollowing) {
  HttpResult r = Post("/api/v1/posts",
                      JsonBody().Set("text", "Company update").Set("kind", "announcement").str(),
                      admin_token_);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(Home(ana_), std::vector<std::string>{"Company update"});
  EXPECT_EQ(Home(cleo_), std::vector<std::string>{"Company update"});
}

TEST_F(StreamsIntegrationTest, CursorsNeverRepeatOrSkipWhilePostsArrive) {
  Follow(ana_, ben_);
  std::vector<std::string> written;
  for (int i = 0; i < 25; ++i) written.push_back(Write(ben_, "post " + std::to_string(i)));
  std::vector<std::string> seen;
  std::string target = "/api/v1/feeds/home?limit=10";
  std::string newest_seen;
  for (int page = 0; page < 10 && !target.empty(); ++page) {
    HttpResult r = Get(target, ana_.token);
    ASSERT_EQ(r.status, 200) << r;
    auto ids = PostIds(r.body);
    if (page == 0) newest_seen = ids.front();
    seen.insert(seen.end(), ids.begin(), ids.end());
    Write(ben_, "interleaved " + std::to_string(page));  // lands above the cursor
    target = StreamLink(r.body, "/next");
  }
  std::vector<std::string> expected(written.rbegin(), written.rend());
  EXPECT_EQ(seen, expected);

  // The newer side: `after` the first page's newest item gives the interleaved posts.
  HttpResult newer = Get("/api/v1/feeds/home?limit=10&after=" + newest_seen, ana_.token);
  ASSERT_EQ(newer.status, 200) << newer;
  EXPECT_EQ(StreamTexts(newer.body),
            (std::vector<std::string>{"interleaved 2", "interleaved 1", "interleaved 0"}));
  std::string prev = StreamLink(newer.body, "/prev");
  ASSERT_FALSE(prev.empty());
  EXPECT_TRUE(PostIds(Get(prev, ana_.token).body).empty());
}

TEST_F(StreamsIntegrationTest, ConcurrentWritersNeverLoseAnItemFromTheStream) {
  Follow(ana_, ben_);
  Follow(ana_, cleo_);
  std::vector<std::string> a, b;
  std::thread first([&] {
    for (int i = 0; i < 30; ++i) a.push_back(Write(ben_, "b" + std::to_string(i)));
  });
  std::thread second([&] {
    for (int i = 0; i < 30; ++i) b.push_back(Write(cleo_, "c" + std::to_string(i)));
  });
  first.join();
  second.join();
  std::vector<std::string> all = WalkAll("/api/v1/feeds/home?limit=7", ana_.token);
  std::set<std::string> unique(all.begin(), all.end());
  EXPECT_EQ(all.size(), 60u);
  EXPECT_EQ(unique.size(), 60u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(), [](const auto& x, const auto& y) {
    return std::stoll(x) > std::stoll(y);
  }));
}

TEST_F(StreamsIntegrationTest, ProfileStreamShowsThatPersonsPosts) {
  Write(ben_, "ben one");
  Write(cleo_, "cleo one");
  Write(ben_, "ben two");
  HttpResult r = Get("/api/v1/users/@ben/feed?limit=1", ana_.token);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(StreamTexts(r.body), std::vector<std::string>{"ben two"});
  std::string next = StreamLink(r.body, "/next");
  ASSERT_FALSE(next.empty());
  EXPECT_EQ(StreamTexts(Get(next, ana_.token).body), std::vector<std::string>{"ben one"});
  EXPECT_EQ(Get("/api/v1/users/@nobody/feed", ana_.token).status, 404);
}

TEST_F(StreamsIntegrationTest, StreamParametersAreValidated) {
  for (const char* bad : {"?limit=0", "?limit=101", "?limit=x"}) {
    HttpResult r = Get(std::string("/api/v1/feeds/home") + bad, ana_.token);
    EXPECT_EQ(r.status, 400) << bad;
    EXPECT_EQ(ErrorCode(r.body), "invalid_limit") << bad;
  }
  EXPECT_EQ(ErrorCode(Get("/api/v1/feeds/home?before=abc", ana_.token).body), "invalid_cursor");
  EXPECT_EQ(Get("/api/v1/feeds/home", "").status, 401);
}

TEST_F(StreamsIntegrationTest, StreamsAreTheSameAfterASigkill) {
  Follow(ana_, ben_);
  Follow(cleo_, ana_);
  for (int i = 0; i < 12; ++i) Write(i % 2 ? ben_ : ana_, "before crash " + std::to_string(i));
  std::string deleted = Write(ben_, "deleted before crash");
  ASSERT_EQ(Delete("/api/v1/posts/" + deleted, ben_.token).status, 204);
  std::vector<std::string> ana_before = WalkAll("/api/v1/feeds/home?limit=5", ana_.token);
  std::vector<std::string> cleo_before = WalkAll("/api/v1/feeds/home?limit=5", cleo_.token);
  ASSERT_EQ(ana_before.size(), 12u);

  server().Kill();
  server().Restart();
  EXPECT_EQ(WalkAll("/api/v1/feeds/home?limit=5", ana_.token), ana_before);
  EXPECT_EQ(WalkAll("/api/v1/feeds/home?limit=5", cleo_.token), cleo_before);
}

TEST_F(StreamsIntegrationTest, LeavingABusyCommunityRefillsTheHomeFromWhatIsStillFollowed) {
  Follow(ana_, ben_);
  for (int i = 0; i < 5; ++i) Write(ben_, "ben " + std::to_string(i));
  std::string busy = CreateCommunity(cleo_, "Busy room", "open");
  ASSERT_EQ(Post("/api/v1/communities/" + busy + "/join", "", ana_.token).status, 200);
  WriteMany(cleo_, 810, busy);  // more than the 800 entries a home timeline keeps
  ASSERT_EQ(Home(ana_).front().rfind("busy ", 0), 0u);  // the ring holds only the community
  ASSERT_EQ(Post("/api/v1/communities/" + busy + "/leave", "", ana_.token).status, 204);
  std::vector<std::string> live = WalkAll("/api/v1/feeds/home?limit=100", ana_.token);
  EXPECT_EQ(live.size(), 5u);
  EXPECT_EQ(live, HomeAfterRestart(ana_));
}

TEST_F(StreamsIntegrationTest, UnfollowingAProlificAuthorRefillsTheHomeFromWhatIsStillFollowed) {
  Follow(ana_, ben_);
  Follow(ana_, cleo_);
  for (int i = 0; i < 5; ++i) Write(ben_, "ben " + std::to_string(i));
  WriteMany(cleo_, 810);
  ASSERT_EQ(Home(ana_).front().rfind("busy ", 0), 0u);
  ASSERT_EQ(Delete("/api/v1/users/" + cleo_.id + "/follow", ana_.token).status, 204);
  std::vector<std::string> live = WalkAll("/api/v1/feeds/home?limit=100", ana_.token);
  EXPECT_EQ(live.size(), 5u);
  EXPECT_EQ(live, HomeAfterRestart(ana_));
}

}  // namespace
}  // namespace agora::integration
