// Rules raced from outside: many rounds of two clients doing the conflicting thing at the same
// moment against the real server, then the invariant checked. Each rule is re-checked inside
// the transaction that writes the change, so no interleaving can break it.

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "tests/integration/at_once.h"
#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class RaceTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    ana_ = CreateAndLogin("ana");
    ben_ = CreateAndLogin("ben");
  }

  static std::string Path(const std::string& community, const std::string& rest = "") {
    return "/api/v1/communities/" + community + rest;
  }
  HttpResult SetRole(const TestUser& by, const std::string& community, const TestUser& whom,
                     const std::string& role) {
    return server().Request("PUT", Path(community, "/members/" + whom.id),
                            JsonBody().Set("role", role).str(), by.token);
  }
  // ana bans ben from `community`; the answer's status.
  int BanBen(const std::string& community) {
    return Post(Path(community, "/bans"),
                JsonBody().Set("user_id", ben_.id).Set("reason", "spam").str(), ana_.token)
        .status;
  }
  int64_t CountMembers(const std::string& community, const std::string& role = "") {
    std::string query = role.empty() ? "?limit=100" : "?limit=100&role=" + role;
    HttpResult r = Get(Path(community, "/members" + query), admin_token_);
    EXPECT_EQ(r.status, 200) << r;
    return static_cast<int64_t>(JsonIds(r.body, "/items", "/user/id").size());
  }

  TestUser ana_, ben_;
};

TEST_F(RaceTest, TwoOwnersDemotingEachOtherAlwaysLeaveAnOwner) {
  std::string community = CreateCommunity(ana_, "Owners", "private");
  AddMember(ana_, community, ben_);
  for (int round = 0; round < 200; ++round) {
    ASSERT_EQ(SetRole(ana_, community, ben_, "owner").status, 200);
    int ana_status = 0, ben_status = 0;
    AtOnce([&] { ana_status = SetRole(ana_, community, ben_, "member").status; },
           [&] { ben_status = SetRole(ben_, community, ana_, "member").status; });
    ASSERT_GE(CountMembers(community, "owner"), 1) << "round " << round;
    // Exactly one demotion went through; the other found its author no longer an owner, or
    // its target the last owner.
    ASSERT_EQ((ana_status == 200) + (ben_status == 200), 1)
        << "round " << round << ": " << ana_status << " " << ben_status;
    if (ben_status == 200) {
      ASSERT_EQ(SetRole(ben_, community, ana_, "owner").status, 200);
      ASSERT_EQ(SetRole(ana_, community, ben_, "member").status, 200);
    }
  }
}

TEST_F(RaceTest, TwoCreatesOfNamesThatLookEqualMakeOneCommunity) {
  // Few rounds: each makes a community, and creating communities has a quota per account.
  constexpr int kRounds = 20;
  for (int round = 0; round < kRounds; ++round) {
    std::string suffix = " " + std::to_string(round);
    auto create = [&](const TestUser& who, const std::string& name) {
      return Post("/api/v1/communities",
                  JsonBody().Set("name", name).Set("visibility", "open").str(), who.token)
          .status;
    };
    int ana_status = 0, ben_status = 0;
    AtOnce([&] { ana_status = create(ana_, "Caf\u00e9 Eco" + suffix); },    // NFC
           [&] { ben_status = create(ben_, "CAFE\u0301 ECO" + suffix); });  // NFD, upper case
    EXPECT_EQ(std::min(ana_status, ben_status), 201) << round;
    EXPECT_EQ(std::max(ana_status, ben_status), 409) << round;
  }
  HttpResult list = Get("/api/v1/communities?q=caf%C3%A9&limit=100", admin_token_);
  EXPECT_EQ(JsonIds(list.body).size(), static_cast<size_t>(kRounds)) << list;
}

TEST_F(RaceTest, TwoOwnersLeavingAtOnceLeaveAnOwner) {
  for (int round = 0; round < 60; ++round) {
    std::string community = CreateCommunity(ana_, "Leavers " + std::to_string(round), "open");
    AddMember(ana_, community, ben_);
    ASSERT_EQ(SetRole(ana_, community, ben_, "owner").status, 200);
    int ana_status = 0, ben_status = 0;
    AtOnce([&] { ana_status = Post(Path(community, "/leave"), "", ana_.token).status; },
           [&] { ben_status = Post(Path(community, "/leave"), "", ben_.token).status; });
    ASSERT_EQ(CountMembers(community, "owner"), 1) << "round " << round;
    ASSERT_EQ((ana_status == 204) + (ben_status == 204), 1)
        << "round " << round << ": " << ana_status << " " << ben_status;
  }
}

TEST_F(RaceTest, AJoinRacingABanNeverLeavesTheBannedAMember) {
  std::string community = CreateCommunity(ana_, "Open floor", "open");
  for (int round = 0; round < 150; ++round) {
    int ban_status = 0, join_status = 0;
    AtOnce([&] { ban_status = BanBen(community); },
           [&] { join_status = Post(Path(community, "/join"), "", ben_.token).status; });
    ASSERT_EQ(ban_status, 201) << "round " << round;
    // Banned, whatever the order: the join either came first (and the ban removed the
    // member) or came second (and was refused).
    ASSERT_EQ(CountMembers(community), 1) << "round " << round << ", join " << join_status;
    HttpResult post =
        Post("/api/v1/posts",
             JsonBody().Set("text", "still here").Set("community_id", community).str(), ben_.token);
    ASSERT_EQ(post.status, 403) << "round " << round;
    ASSERT_EQ(ErrorCode(post.body), "banned");
    ASSERT_EQ(Delete(Path(community, "/bans/" + ben_.id), ana_.token).status, 204);
  }
}

TEST_F(RaceTest, APostRacingABanIsEitherBeforeTheBanOrRefused) {
  std::string community = CreateCommunity(ana_, "Posting", "open");
  for (int round = 0; round < 150; ++round) {
    ASSERT_EQ(Post(Path(community, "/join"), "", ben_.token).status, 200);
    int ban_status = 0, post_status = 0;
    std::string post_id;
    AtOnce([&] { ban_status = BanBen(community); },
           [&] {
             HttpResult r = Post("/api/v1/posts",
                                 JsonBody()
                                     .Set("text", "race " + std::to_string(round))
                                     .Set("community_id", community)
                                     .str(),
                                 ben_.token);
             post_status = r.status;
             post_id = JsonString(r.body, "/id").value_or("");
           });
    ASSERT_EQ(ban_status, 201) << "round " << round;
    if (post_status == 201) {
      // Ids are taken in commit order on the writer, so a post written before the ban has a
      // smaller id than the ban's audit entry.
      HttpResult audit = Get(Path(community, "/audit?limit=1"), admin_token_);
      ASSERT_EQ(JsonString(audit.body, "/items/0/action").value_or(""), "ban");
      std::string ban_id = JsonString(audit.body, "/items/0/id").value_or("");
      ASSERT_LT(std::stoll(post_id), std::stoll(ban_id)) << "round " << round;
    } else {
      ASSERT_EQ(post_status, 403) << "round " << round;
    }
    ASSERT_EQ(Delete(Path(community, "/bans/" + ben_.id), ana_.token).status, 204);
  }
}

TEST_F(RaceTest, TwoModeratorsResolvingOneReportMakeOneDecision) {
  TestUser author = CreateAndLogin("author");
  std::string community = CreateCommunity(ana_, "Reported", "open");
  AddMember(ana_, community, ben_);
  ASSERT_EQ(SetRole(ana_, community, ben_, "moderator").status, 200);
  for (int round = 0; round < 60; ++round) {
    ASSERT_EQ(Post(Path(community, "/join"), "", author.token).status, 200);
    std::string post = WritePost(author, "reported " + std::to_string(round), community);
    HttpResult filed = Post("/api/v1/posts/" + post + "/report",
                            JsonBody().Set("reason", "rude").str(), admin_token_);
    ASSERT_EQ(filed.status, 201) << filed;
    std::string report = JsonString(filed.body, "/id").value_or("");
    auto resolve = [&](const TestUser& by, const char* action) {
      return Post("/api/v1/reports/" + report + "/resolve",
                  JsonBody().Set("action", action).Set("note", "decided").str(), by.token)
          .status;
    };
    int remove_status = 0, ban_status = 0;
    AtOnce([&] { remove_status = resolve(ana_, "remove_post"); },
           [&] { ban_status = resolve(ben_, "ban_author"); });
    ASSERT_EQ((remove_status == 200) + (ban_status == 200), 1)
        << "round " << round << ": " << remove_status << " " << ban_status;
    // Only the winning decision's effects exist: either removes the post, only a ban bans.
    bool post_gone = Get("/api/v1/posts/" + post, admin_token_).status == 404;
    bool banned = Post(Path(community, "/join"), "", author.token).status == 403;
    ASSERT_TRUE(post_gone) << "round " << round;
    ASSERT_EQ(banned, ban_status == 200) << "round " << round;
    if (banned) {
      ASSERT_EQ(Delete(Path(community, "/bans/" + author.id), ana_.token).status, 204);
    }
  }
}

// A seam for a failure between the change and its notification: a trigger makes every
// notification insert fail, as a crash or a full disk would. The change must fail with it.
TEST_F(RaceTest, AChangeWhoseNotificationCannotBeWrittenIsNotCommitted) {
  std::string community = CreateCommunity(ana_, "Requests", "private");
  server().ExecSql(OnPostgres()
                       ? "CREATE FUNCTION no_notifications() RETURNS trigger LANGUAGE plpgsql AS "
                         "$$ BEGIN RAISE EXCEPTION 'notifications unavailable'; END $$; "
                         "CREATE TRIGGER no_notifications BEFORE INSERT ON notifications "
                         "FOR EACH ROW EXECUTE FUNCTION no_notifications()"
                       : "CREATE TRIGGER no_notifications BEFORE INSERT ON notifications "
                         "BEGIN SELECT RAISE(ABORT, 'notifications unavailable'); END");
  HttpResult mention =
      Post("/api/v1/posts", JsonBody().Set("text", "hello @ben").str(), ana_.token);
  EXPECT_GE(mention.status, 400) << mention;
  HttpResult join = Post(Path(community, "/join"), "", ben_.token);
  EXPECT_GE(join.status, 400) << join;

  HttpResult stream = Get("/api/v1/users/" + ana_.id + "/feed", ben_.token);
  ASSERT_EQ(stream.status, 200) << stream;
  EXPECT_EQ(stream.body.find("hello @ben"), std::string::npos) << "the post went in alone";
  HttpResult requests = Get(Path(community, "/requests"), ana_.token);
  ASSERT_EQ(requests.status, 200) << requests;
  EXPECT_TRUE(JsonIds(requests.body).empty()) << "the join request went in alone";
}

}  // namespace
}  // namespace agora::integration
