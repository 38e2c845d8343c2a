// Guests: accounts with an end date, confined to the communities an admin names. Each rule of
// the confinement over HTTP, the end date (sessions, login, live stream) and a race of two
// admins changing one guest's communities.
#include <chrono>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"
#include "tests/integration/ws_client.h"

namespace agora::integration {
namespace {

// `from_now` from now as RFC 3339 UTC with milliseconds.
std::string TimeFromNow(std::chrono::milliseconds from_now) {
  auto at = std::chrono::system_clock::now() + from_now;
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch()).count() % 1000;
  std::time_t seconds = std::chrono::system_clock::to_time_t(at);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03dZ", text, static_cast<int>(millis));
  return out;
}

constexpr auto kOneWeek = std::chrono::hours(24 * 7);

class GuestsTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    manager_ = CreateAndLogin("manager");
    partner_lead_ = CreateAndLogin("partner.lead", JsonBody().Set("manager_id", manager_.id));
    employee_ = CreateAndLogin("employee", JsonBody().Set("manager_id", manager_.id));
    partners_ = CreateCommunity(partner_lead_, "Partner programme", "private");
    open_ = CreateCommunity(employee_, "Open guild", "open");
    private_ = CreateCommunity(employee_, "Private guild", "private");
    guest_ = CreateGuest("guest", {partners_});
  }

  JsonBody GuestBody(const std::string& until, const std::vector<std::string>& communities) {
    return JsonBody().Set("guest_until", until).Set("guest_communities", communities);
  }
  TestUser CreateGuest(const std::string& username, const std::vector<std::string>& communities,
                       std::chrono::milliseconds term = kOneWeek) {
    return CreateAndLogin(username, GuestBody(TimeFromNow(term), communities));
  }
  HttpResult CreateGuestRaw(const std::string& username, JsonBody body) {
    body.Set("username", username)
        .Set("display_name", "Guest " + username)
        .Set("email", username + "@partner.example")
        .Set("password", "correct horse battery");
    return Post("/api/v1/users", body.str(), admin_token_);
  }

  TestUser manager_, partner_lead_, employee_, guest_;
  std::string partners_, open_, private_;
};

TEST_F(GuestsTest, AnAdminCreatesAGuestWhoBelongsToTheNamedCommunities) {
  std::string until = TimeFromNow(kOneWeek);
  HttpResult created = CreateGuestRaw("visitor", GuestBody(until, {partners_, open_}));
  ASSERT_EQ(created.status, 201) << created;
  EXPECT_EQ(JsonBool(created.body, "/guest"), true);
  EXPECT_EQ(JsonString(created.body, "/guest_until").value_or("").substr(0, 19),
            until.substr(0, 19));
  EXPECT_EQ(JsonStrings(created.body, "/guest_communities").size(), 2u) << created;

  HttpResult me = Get("/api/v1/me", guest_.token);
  EXPECT_EQ(JsonBool(me.body, "/guest"), true) << me;
  HttpResult communities = Get("/api/v1/communities?limit=100", guest_.token);
  EXPECT_EQ(JsonIds(communities.body), std::vector<std::string>{partners_}) << communities;
  EXPECT_EQ(
      JsonString(Get("/api/v1/communities/" + partners_, guest_.token).body, "/membership/state"),
      "member");
  // Employees are no guests.
  EXPECT_EQ(JsonBool(Get("/api/v1/me", employee_.token).body, "/guest"), false);
  // Admins read and change it.
  HttpResult read = Get("/api/v1/users/" + guest_.id + "/guest", admin_token_);
  EXPECT_EQ(JsonStrings(read.body, "/guest_communities"), std::vector<std::string>{partners_});
  EXPECT_EQ(Get("/api/v1/users/" + employee_.id + "/guest", admin_token_).status, 404);
  EXPECT_EQ(Get("/api/v1/users/" + guest_.id + "/guest", employee_.token).status, 403);
}

TEST_F(GuestsTest, GuestCreationIsValidated) {
  struct Case {
    JsonBody body;
    int status;
    std::string code;
  };
  std::vector<Case> cases = {
      {GuestBody(TimeFromNow(-std::chrono::hours(1)), {partners_}), 422, "invalid_guest_until"},
      {GuestBody(TimeFromNow(std::chrono::hours(24 * 400)), {partners_}), 422,
       "invalid_guest_until"},
      {GuestBody("next tuesday", {partners_}), 422, "invalid_guest_until"},
      {GuestBody(TimeFromNow(kOneWeek), {}), 422, "invalid_communities"},
      {GuestBody(TimeFromNow(kOneWeek), {"99999"}), 422, "invalid_communities"},
      {GuestBody(TimeFromNow(kOneWeek), {"not-an-id"}), 400, "invalid_id"},
      {GuestBody(TimeFromNow(kOneWeek), {partners_}).Set("role", "admin"), 422, "guest_confined"},
      {JsonBody().Set("guest_communities", std::vector<std::string>{partners_}), 422,
       "missing_field"},
  };
  int n = 0;
  for (auto& c : cases) {
    HttpResult r = CreateGuestRaw("invalid" + std::to_string(++n), c.body);
    EXPECT_EQ(r.status, c.status) << c.body.str() << r;
    EXPECT_EQ(ErrorCode(r.body), c.code) << c.body.str();
  }
  // Nothing was created by the refusals.
  EXPECT_EQ(Get("/api/v1/users/@invalid1", admin_token_).status, 404);
  // Only admins invite guests.
  JsonBody body = GuestBody(TimeFromNow(kOneWeek), {partners_});
  body.Set("username", "sneaky").Set("display_name", "S").Set("email", "s@x.example");
  body.Set("password", "correct horse battery");
  EXPECT_EQ(Post("/api/v1/users", body.str(), partner_lead_.token).status, 403);
}

TEST_F(GuestsTest, AGuestSeesOnlyThePeopleTheyShareACommunityWith) {
  EXPECT_EQ(Get("/api/v1/users/" + partner_lead_.id, guest_.token).status, 200);
  EXPECT_EQ(Get("/api/v1/users/@partner.lead", guest_.token).status, 200);
  EXPECT_EQ(Get("/api/v1/users/" + guest_.id, guest_.token).status, 200);
  for (const std::string& target :
       {"/api/v1/users/" + employee_.id, std::string("/api/v1/users/@employee"),
        "/api/v1/users/" + manager_.id, "/api/v1/users/" + manager_.id + "/reports",
        "/api/v1/users/" + employee_.id + "/followers",
        "/api/v1/users/" + employee_.id + "/following"}) {
    HttpResult r = Get(target, guest_.token);
    EXPECT_EQ(r.status, 404) << target << r;
    EXPECT_EQ(ErrorCode(r.body), "not_found") << target;
  }
  // A co-member's lists leave out everyone else.
  Follow(employee_, partner_lead_);
  HttpResult followers = Get("/api/v1/users/" + partner_lead_.id + "/followers", guest_.token);
  ASSERT_EQ(followers.status, 200) << followers;
  EXPECT_TRUE(JsonIds(followers.body).empty()) << followers;
  EXPECT_EQ(JsonIds(Get("/api/v1/users/" + partner_lead_.id + "/followers", employee_.token).body),
            std::vector<std::string>{employee_.id});
  // Employees see the guest as a guest.
  HttpResult seen = Get("/api/v1/users/" + guest_.id, employee_.token);
  EXPECT_EQ(JsonBool(seen.body, "/guest"), true) << seen;
}

TEST_F(GuestsTest, AGuestsHomeHoldsOnlyTheirCommunities) {
  std::string company = WritePost(employee_, "company news for everyone");
  std::string announcement = WritePost(TestUser{"", "admin", admin_token_}, "company announcement",
                                       "", JsonBody().Set("kind", "announcement"));
  std::string open_post = WritePost(employee_, "open guild chatter", open_);
  std::string inside = WritePost(partner_lead_, "welcome partners", partners_);
  HttpResult home = Get("/api/v1/feeds/home?limit=100", guest_.token);
  ASSERT_EQ(home.status, 200) << home;
  EXPECT_NE(home.body.find(inside), std::string::npos) << home;
  for (const std::string& hidden : {company, announcement, open_post}) {
    EXPECT_EQ(home.body.find(hidden), std::string::npos) << hidden << " in " << home;
    EXPECT_EQ(Get("/api/v1/posts/" + hidden, guest_.token).status, 404);
  }
  // The employee's home has the company posts.
  std::string employee_home = Get("/api/v1/feeds/home?limit=100", employee_.token).body;
  EXPECT_NE(employee_home.find(company), std::string::npos);
  EXPECT_NE(employee_home.find(announcement), std::string::npos);
}

TEST_F(GuestsTest, AGuestReachesNothingCompanyWide) {
  struct Probe {
    std::string method, target, body;
    int status;
    std::string code;
  };
  std::vector<Probe> probes = {
      {"POST", "/api/v1/users/" + partner_lead_.id + "/follow", "", 403, "guest_confined"},
      {"POST", "/api/v1/communities/" + open_ + "/join", "", 403, "guest_confined"},
      {"POST", "/api/v1/communities/" + private_ + "/join", "", 404, "not_found"},
      {"GET", "/api/v1/communities/" + open_, "", 404, "not_found"},
      {"GET", "/api/v1/communities/" + open_ + "/feed", "", 404, "not_found"},
      {"GET", "/api/v1/communities/" + private_, "", 404, "not_found"},
      {"POST", "/api/v1/posts", JsonBody().Set("text", "hello all").str(), 403, "guest_confined"},
      {"POST", "/api/v1/posts", JsonBody().Set("text", "x").Set("community_id", open_).str(), 404,
       "not_found"},
      {"POST", "/api/v1/communities",
       JsonBody().Set("name", "Guest club").Set("visibility", "open").str(), 403, "guest_confined"},
      {"GET", "/api/v1/search/people?q=employee", "", 403, "guest_confined"},
      {"GET", "/api/v1/search/experts?q=anything", "", 403, "guest_confined"},
      {"GET", "/api/v1/search/deals", "", 403, "guest_confined"},
      {"GET", "/api/v1/search/posts?q=x&community_id=" + open_, "", 404, "not_found"},
      {"GET", "/api/v1/deals", "", 403, "guest_confined"},
      {"GET", "/api/v1/campaigns", "", 403, "guest_confined"},
      {"GET", "/api/v1/results/monthly?month=2026-01", "", 403, "guest_confined"},
      {"GET", "/api/v1/users/" + partner_lead_.id + "/feed", "", 403, "guest_confined"},
      {"POST", "/api/v1/quizzes", "{}", 403, "guest_confined"},
  };
  for (const Probe& p : probes) {
    HttpResult r = server().Request(p.method, p.target, p.body, guest_.token);
    EXPECT_EQ(r.status, p.status) << p.method << " " << p.target << " " << r;
    EXPECT_EQ(ErrorCode(r.body), p.code) << p.method << " " << p.target;
  }
  // Inside their community they work as any member.
  EXPECT_FALSE(WritePost(guest_, "thanks for having me", partners_).empty());
  EXPECT_EQ(Get("/api/v1/communities/" + partners_ + "/members", guest_.token).status, 200);
}

TEST_F(GuestsTest, AGuestSearchesOnlyInsideTheirCommunities) {
  std::string inside = WritePost(partner_lead_, "zeppelin roadmap for partners", partners_);
  WritePost(employee_, "zeppelin roadmap for the company");
  WritePost(employee_, "zeppelin roadmap in the open guild", open_);
  WritePost(employee_, "zeppelin roadmap in the private guild", private_);
  // The employee reads the three outside the partners' community, written after its post.
  ASSERT_TRUE(Eventually([&] {
    return JsonInt(Get("/api/v1/search/posts?q=zeppelin", employee_.token).body, "/total") == 3;
  }));
  HttpResult found = Get("/api/v1/search/posts?q=zeppelin", guest_.token);
  ASSERT_EQ(found.status, 200) << found;
  EXPECT_EQ(JsonInt(found.body, "/total"), 1) << found;
  EXPECT_EQ(JsonIds(found.body, "/results", "/post/id"), std::vector<std::string>{inside});
  HttpResult questions = Get("/api/v1/questions?limit=100", guest_.token);
  EXPECT_EQ(questions.status, 200);
}

TEST_F(GuestsTest, AGuestCannotBeMadeAdminOrSalesOpsNorInvitedByModerators) {
  for (const char* role : {"admin", "sales_ops"}) {
    HttpResult r = Put("/api/v1/users/" + guest_.id + "/roles",
                       JsonBody().Set("roles", std::vector<std::string>{role}).str(), admin_token_);
    EXPECT_EQ(r.status, 422) << role << r;
    EXPECT_EQ(ErrorCode(r.body), "guest_confined");
  }
  HttpResult invited = Post("/api/v1/communities/" + private_ + "/invitations",
                            JsonBody().Set("user_id", guest_.id).str(), employee_.token);
  EXPECT_EQ(invited.status, 403) << invited;
  EXPECT_EQ(ErrorCode(invited.body), "guest_confined");
  EXPECT_EQ(Get("/api/v1/communities/" + private_, guest_.token).status, 404);
}

TEST_F(GuestsTest, AnAdminMovesAGuestToOtherCommunitiesAndExtendsTheirStay) {
  std::string partners_post = WritePost(partner_lead_, "partners only", partners_);
  std::string until = TimeFromNow(std::chrono::hours(24 * 30));
  HttpResult changed = Put("/api/v1/users/" + guest_.id + "/guest",
                           JsonBody()
                               .Set("guest_until", until)
                               .Set("communities", std::vector<std::string>{private_})
                               .str(),
                           admin_token_);
  ASSERT_EQ(changed.status, 200) << changed;
  EXPECT_EQ(JsonStrings(changed.body, "/guest_communities"), std::vector<std::string>{private_});
  EXPECT_EQ(JsonString(changed.body, "/guest_until").value_or("").substr(0, 19),
            until.substr(0, 19));
  // At once: the old community is gone, the new one is theirs.
  EXPECT_EQ(Get("/api/v1/communities/" + partners_, guest_.token).status, 404);
  EXPECT_EQ(Get("/api/v1/posts/" + partners_post, guest_.token).status, 404);
  EXPECT_EQ(Get("/api/v1/communities/" + private_ + "/feed", guest_.token).status, 200);
  EXPECT_EQ(Get("/api/v1/users/" + partner_lead_.id, guest_.token).status, 404);
  EXPECT_EQ(Get("/api/v1/users/" + employee_.id, guest_.token).status, 200);
  // The session carries the new end date.
  EXPECT_EQ(
      JsonString(Get("/api/v1/me", guest_.token).body, "/guest_until").value_or("").substr(0, 19),
      until.substr(0, 19));
  // The community audit log tells who moved them.
  HttpResult audit = Get("/api/v1/communities/" + partners_ + "/audit", partner_lead_.token);
  EXPECT_NE(audit.body.find("remove_guest"), std::string::npos) << audit;

  struct Case {
    std::string target, body;
    int status;
    std::string code;
  };
  for (const Case& c : std::vector<Case>{
           {guest_.id, JsonBody().Set("guest_until", TimeFromNow(-std::chrono::hours(1))).str(),
            422, "invalid_guest_until"},
           {guest_.id, JsonBody().Set("communities", std::vector<std::string>{}).str(), 422,
            "invalid_communities"},
           {guest_.id, "{}", 422, "missing_field"},
           {guest_.id, JsonBody().Set("role", "admin").str(), 422, "field_not_writable"},
           {employee_.id, JsonBody().Set("guest_until", until).str(), 404, "not_found"},
           {"99999", JsonBody().Set("guest_until", until).str(), 404, "not_found"},
       }) {
    HttpResult r = Put("/api/v1/users/" + c.target + "/guest", c.body, admin_token_);
    EXPECT_EQ(r.status, c.status) << c.body << r;
    EXPECT_EQ(ErrorCode(r.body), c.code) << c.body;
  }
  EXPECT_EQ(Put("/api/v1/users/" + guest_.id + "/guest", JsonBody().Set("guest_until", until).str(),
                employee_.token)
                .status,
            403);
}

TEST_F(GuestsTest, AtItsEndAGuestsSessionsStreamsAndLoginStop) {
  TestUser brief = CreateGuest("brief", {partners_}, std::chrono::seconds(3));
  ASSERT_FALSE(brief.token.empty());
  EXPECT_EQ(Get("/api/v1/me", brief.token).status, 200);
  WsClient ws(server().endpoint(), "/api/v1/stream?access_token=" + brief.token);
  ASSERT_TRUE(ws.open()) << ws.refusal_status();
  // The stream closes by itself with the policy code once the account ends.
  ASSERT_TRUE(ws.WaitClosed(std::chrono::seconds(10)));
  EXPECT_EQ(ws.close_code(), 1008);
  HttpResult me = Get("/api/v1/me", brief.token);
  EXPECT_EQ(me.status, 401) << me;
  // Login answers as for a deactivated account: nothing tells the two apart.
  HttpResult login = Post(
      "/api/v1/auth/login",
      JsonBody().Set("username", "brief").Set("password", TestServer::kDefaultPassword).str(), "");
  EXPECT_EQ(login.status, 401) << login;
  EXPECT_EQ(ErrorCode(login.body), "invalid_credentials");
  WsClient again(server().endpoint(), "/api/v1/stream?access_token=" + brief.token);
  EXPECT_FALSE(again.open());
  EXPECT_EQ(again.refusal_status(), 401);
  // Extending the stay lets them back in.
  ASSERT_EQ(Put("/api/v1/users/" + brief.id + "/guest",
                JsonBody().Set("guest_until", TimeFromNow(kOneWeek)).str(), admin_token_)
                .status,
            200);
  EXPECT_EQ(server().Login("brief", TestServer::kDefaultPassword).empty(), false);
}

// Two admins change one guest's communities at once while the guest posts into the community
// both changes take them out of, many times: each change re-reads the memberships in its own
// transaction, so the guest ends in exactly one of the two sets, never in both nor in none,
// and the post is either written before the move (201) or refused as unknown (404).
TEST_F(GuestsTest, ConcurrentChangesLeaveTheGuestInExactlyOneSetOfCommunities) {
  const std::string target = "/api/v1/users/" + guest_.id + "/guest";
  for (int round = 0; round < 30; ++round) {
    HttpResult a, b, posted;
    std::thread first([&] {
      a = Put(target, JsonBody().Set("communities", std::vector<std::string>{open_}).str(),
              admin_token_);
    });
    std::thread second([&] {
      b = Put(target, JsonBody().Set("communities", std::vector<std::string>{private_}).str(),
              admin_token_);
    });
    std::thread post([&] {
      posted = Post("/api/v1/posts",
                    JsonBody()
                        .Set("text", "racing " + std::to_string(round))
                        .Set("community_id", partners_)
                        .str(),
                    guest_.token);
    });
    first.join();
    second.join();
    post.join();
    ASSERT_EQ(a.status, 200) << a;
    ASSERT_EQ(b.status, 200) << b;
    ASSERT_TRUE(posted.status == 201 || posted.status == 404) << posted;
    HttpResult now = Get(target, admin_token_);
    std::vector<std::string> communities = JsonStrings(now.body, "/guest_communities");
    ASSERT_EQ(communities.size(), 1u) << now;
    EXPECT_TRUE(communities[0] == open_ || communities[0] == private_) << now;
    HttpResult listed = Get("/api/v1/communities?limit=100", guest_.token);
    EXPECT_EQ(JsonIds(listed.body), communities) << listed;
    // Back into the partners' community for the next round.
    ASSERT_EQ(Put(target, JsonBody().Set("communities", std::vector<std::string>{partners_}).str(),
                  admin_token_)
                  .status,
              200);
  }
}

}  // namespace
}  // namespace agora::integration
