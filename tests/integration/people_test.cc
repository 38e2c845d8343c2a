// api.md "Accounts and sessions", the people part: profiles, their rules, the org chart and the
// follow graph with its pages.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class PeopleIntegrationTest : public IntegrationTest {
 protected:
  HttpResult GetUser(const std::string& ref, const std::string& token) {
    return Get("/api/v1/users/" + ref, token);
  }
  HttpResult PatchUser(const std::string& ref, const JsonBody& body, const std::string& token) {
    return Patch("/api/v1/users/" + ref, body.str(), token);
  }
  HttpResult Follow(const std::string& ref, const std::string& token) {
    return Post("/api/v1/users/" + ref + "/follow", "", token);
  }
  HttpResult Unfollow(const std::string& ref, const std::string& token) {
    return Delete("/api/v1/users/" + ref + "/follow", token);
  }
  std::optional<int64_t> FollowersCount(const std::string& id) {
    return JsonInt(GetUser(id, admin_token_).body, "/followers_count");
  }
  std::optional<int64_t> FollowingCount(const std::string& id) {
    return JsonInt(GetUser(id, admin_token_).body, "/following_count");
  }
};

TEST_F(PeopleIntegrationTest, GetUserById) {
  std::string alice = CreateUser("alice", JsonBody().Set("display_name", "Alice Martin"));

  HttpResult profile = GetUser(alice, admin_token_);

  ASSERT_EQ(profile.status, 200) << profile;
  EXPECT_EQ(JsonString(profile.body, "/id"), alice);
  EXPECT_EQ(JsonString(profile.body, "/username"), "alice");
  EXPECT_EQ(JsonString(profile.body, "/display_name"), "Alice Martin");
  for (const char* field : {"/title", "/department", "/location", "/manager_id", "/skills", "/bio",
                            "/followers_count", "/following_count", "/active"}) {
    EXPECT_TRUE(JsonHas(profile.body, field)) << field << " missing from " << profile.body;
  }
}

TEST_F(PeopleIntegrationTest, GetUserByUsername) {
  std::string alice = CreateUser("alice");

  HttpResult profile = GetUser("@alice", admin_token_);

  ASSERT_EQ(profile.status, 200) << profile;
  EXPECT_EQ(JsonString(profile.body, "/id"), alice);
}

TEST_F(PeopleIntegrationTest, UsernameLookupIgnoresCase) {
  std::string alice = CreateUser("alice");

  HttpResult profile = GetUser("@ALICE", admin_token_);

  ASSERT_EQ(profile.status, 200) << profile;
  EXPECT_EQ(JsonString(profile.body, "/id"), alice);
}

TEST_F(PeopleIntegrationTest, UnknownUserIsNotFound) {
  for (const std::string& ref : std::vector<std::string>{"1234567", "@nobody"}) {
    SCOPED_TRACE(ref);
    HttpResult profile = GetUser(ref, admin_token_);

    EXPECT_EQ(profile.status, 404) << profile;
    EXPECT_EQ(ErrorCode(profile.body), "not_found");
  }
}

TEST_F(PeopleIntegrationTest, MalformedIdIsInvalidId) {
  for (const std::string& ref :
       std::vector<std::string>{"abc", "12abc", "-5", "0", "@", "99999999999999999999"}) {
    SCOPED_TRACE(ref);
    HttpResult profile = GetUser(ref, admin_token_);

    EXPECT_EQ(profile.status, 400) << profile;
    EXPECT_EQ(ErrorCode(profile.body), "invalid_id");
  }
}

TEST_F(PeopleIntegrationTest, OtherUsersProfileHidesEmailAndRoles) {
  std::string alice = CreateUser("alice");
  TestUser bob = CreateAndLogin("bob");

  HttpResult profile = GetUser(alice, bob.token);

  ASSERT_EQ(profile.status, 200) << profile;
  EXPECT_FALSE(JsonHas(profile.body, "/email")) << profile.body;
  EXPECT_FALSE(JsonHas(profile.body, "/roles")) << profile.body;
}

TEST_F(PeopleIntegrationTest, AdminSeesEmailAndRolesOfOthers) {
  std::string alice = CreateUser("alice");

  HttpResult profile = GetUser(alice, admin_token_);

  ASSERT_EQ(profile.status, 200) << profile;
  EXPECT_EQ(JsonString(profile.body, "/email"), "alice@example.com");
  EXPECT_EQ(JsonStrings(profile.body, "/roles"), std::vector<std::string>{"member"});
}

TEST_F(PeopleIntegrationTest, MemberUpdatesOwnProfile) {
  TestUser alice = CreateAndLogin("alice");
  JsonBody changes = JsonBody()
                         .Set("display_name", "Alice M.")
                         .Set("title", "Staff Engineer")
                         .Set("department", "Platform")
                         .Set("location", "Paris")
                         .Set("skills", std::vector<std::string>{"Rust", "Kubernetes"})
                         .Set("languages", std::vector<std::string>{"fr", "en"})
                         .Set("bio", "Ops at heart. 🚀");

  HttpResult updated = PatchUser(alice.id, changes, alice.token);

  ASSERT_EQ(updated.status, 200) << updated;
  EXPECT_EQ(JsonString(updated.body, "/display_name"), "Alice M.");
  HttpResult profile = GetUser(alice.id, admin_token_);
  EXPECT_EQ(JsonString(profile.body, "/display_name"), "Alice M.");
  EXPECT_EQ(JsonString(profile.body, "/title"), "Staff Engineer");
  EXPECT_EQ(JsonString(profile.body, "/department"), "Platform");
  EXPECT_EQ(JsonString(profile.body, "/location"), "Paris");
  EXPECT_EQ(JsonStrings(profile.body, "/skills"), (std::vector<std::string>{"Rust", "Kubernetes"}));
  EXPECT_EQ(JsonStrings(profile.body, "/languages"), (std::vector<std::string>{"fr", "en"}));
  EXPECT_EQ(JsonString(profile.body, "/bio"), "Ops at heart. 🚀");
}

TEST_F(PeopleIntegrationTest, PatchLeavesAbsentFieldsAlone) {
  TestUser alice = CreateAndLogin(
      "alice", JsonBody().Set("bio", "Original bio").Set("skills", std::vector<std::string>{"Go"}));

  HttpResult updated = PatchUser("@alice", JsonBody().Set("title", "Manager"), alice.token);

  ASSERT_EQ(updated.status, 200) << updated;
  HttpResult profile = GetUser(alice.id, alice.token);
  EXPECT_EQ(JsonString(profile.body, "/title"), "Manager");
  EXPECT_EQ(JsonString(profile.body, "/bio"), "Original bio");
  EXPECT_EQ(JsonStrings(profile.body, "/skills"), std::vector<std::string>{"Go"});
}

TEST_F(PeopleIntegrationTest, MemberCannotUpdateSomeoneElse) {
  TestUser alice = CreateAndLogin("alice");
  std::string bob = CreateUser("bob", JsonBody().Set("display_name", "Bob"));

  HttpResult updated = PatchUser(bob, JsonBody().Set("display_name", "Hacked"), alice.token);

  EXPECT_EQ(updated.status, 403) << updated;
  EXPECT_EQ(ErrorCode(updated.body), "forbidden");
  EXPECT_EQ(JsonString(GetUser(bob, admin_token_).body, "/display_name"), "Bob");
}

TEST_F(PeopleIntegrationTest, AdminUpdatesAnyoneIncludingEmail) {
  std::string alice = CreateUser("alice");

  HttpResult updated = PatchUser(
      alice, JsonBody().Set("display_name", "Alice B.").Set("email", "alice.b@example.com"),
      admin_token_);

  ASSERT_EQ(updated.status, 200) << updated;
  HttpResult profile = GetUser(alice, admin_token_);
  EXPECT_EQ(JsonString(profile.body, "/display_name"), "Alice B.");
  EXPECT_EQ(JsonString(profile.body, "/email"), "alice.b@example.com");
}

TEST_F(PeopleIntegrationTest, AdminUpdatingUnknownUserIsNotFound) {
  HttpResult updated = PatchUser("1234567", JsonBody().Set("title", "Ghost"), admin_token_);

  EXPECT_EQ(updated.status, 404) << updated;
}

TEST_F(PeopleIntegrationTest, ReadOnlyFieldsAreNotWritable) {
  TestUser alice = CreateAndLogin("alice", JsonBody().Set("display_name", "Alice"));
  const std::vector<JsonBody> attempts = {
      JsonBody().Set("role", "admin"),
      JsonBody().SetBool("active", false),
      JsonBody().Set("username", "queen"),
      // A valid change next to a forbidden one must not be half applied.
      JsonBody().Set("display_name", "Renamed").Set("role", "admin"),
  };
  for (const JsonBody& attempt : attempts) {
    SCOPED_TRACE(attempt.str());
    HttpResult updated = PatchUser(alice.id, attempt, alice.token);

    EXPECT_EQ(updated.status, 422) << updated;
    EXPECT_EQ(ErrorCode(updated.body), "field_not_writable");
  }
  HttpResult me = Get("/api/v1/me", alice.token);
  ASSERT_EQ(me.status, 200) << me;
  EXPECT_EQ(JsonString(me.body, "/username"), "alice");
  EXPECT_EQ(JsonString(me.body, "/display_name"), "Alice");
  EXPECT_EQ(JsonBool(me.body, "/active"), true);
  EXPECT_EQ(JsonStrings(me.body, "/roles"), std::vector<std::string>{"member"});
  EXPECT_EQ(GetUser("@queen", admin_token_).status, 404);
}

TEST_F(PeopleIntegrationTest, MemberCannotChangeOwnEmail) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult updated =
      PatchUser(alice.id, JsonBody().Set("email", "elsewhere@example.com"), alice.token);

  EXPECT_EQ(updated.status, 403) << updated;
  EXPECT_EQ(JsonString(Get("/api/v1/me", alice.token).body, "/email"), "alice@example.com");
}

TEST_F(PeopleIntegrationTest, MemberCannotChangeOwnManager) {
  TestUser alice = CreateAndLogin("alice");
  std::string boss = CreateUser("boss");

  HttpResult updated = PatchUser(alice.id, JsonBody().Set("manager_id", boss), alice.token);

  EXPECT_EQ(updated.status, 403) << updated;
  EXPECT_TRUE(JsonIsNull(Get("/api/v1/me", alice.token).body, "/manager_id"));
}

TEST_F(PeopleIntegrationTest, AdminSetsManagerAndReportsListTheReport) {
  std::string boss = CreateUser("boss");
  std::string alice = CreateUser("alice");
  std::string bob = CreateUser("bob", JsonBody().Set("manager_id", boss));

  HttpResult updated = PatchUser(alice, JsonBody().Set("manager_id", boss), admin_token_);

  ASSERT_EQ(updated.status, 200) << updated;
  EXPECT_EQ(JsonString(GetUser(alice, admin_token_).body, "/manager_id"), boss);
  HttpResult reports = Get("/api/v1/users/" + boss + "/reports", admin_token_);
  ASSERT_EQ(reports.status, 200) << reports;
  std::vector<std::string> ids = JsonIds(reports.body);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), (std::set<std::string>{alice, bob}));
  EXPECT_TRUE(JsonIds(Get("/api/v1/users/" + alice + "/reports", admin_token_).body).empty());
}

TEST_F(PeopleIntegrationTest, ReportsArePaged) {
  std::string boss = CreateUser("boss");
  std::set<std::string> expected;
  for (int i = 1; i <= 3; ++i) {
    expected.insert(CreateUser("report" + std::to_string(i), JsonBody().Set("manager_id", boss)));
  }

  HttpResult first = Get("/api/v1/users/" + boss + "/reports?limit=2", admin_token_);
  std::string cursor = JsonString(first.body, "/next_cursor").value_or("");
  HttpResult second =
      Get("/api/v1/users/" + boss + "/reports?limit=2&cursor=" + cursor, admin_token_);

  ASSERT_EQ(first.status, 200) << first;
  ASSERT_EQ(second.status, 200) << second;
  std::vector<std::string> ids = JsonIds(first.body);
  EXPECT_EQ(ids.size(), 2u);
  std::vector<std::string> rest = JsonIds(second.body);
  ids.insert(ids.end(), rest.begin(), rest.end());
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), expected);
  EXPECT_FALSE(JsonHas(second.body, "/next_cursor"));
}

TEST_F(PeopleIntegrationTest, ReportsOfUnknownUserIsNotFound) {
  HttpResult reports = Get("/api/v1/users/1234567/reports", admin_token_);

  EXPECT_EQ(reports.status, 404) << reports;
}

TEST_F(PeopleIntegrationTest, NullManagerClearsTheManager) {
  std::string boss = CreateUser("boss");
  std::string alice = CreateUser("alice", JsonBody().Set("manager_id", boss));

  HttpResult updated = PatchUser(alice, JsonBody().SetNull("manager_id"), admin_token_);

  ASSERT_EQ(updated.status, 200) << updated;
  EXPECT_TRUE(JsonIsNull(GetUser(alice, admin_token_).body, "/manager_id"));
  EXPECT_TRUE(JsonIds(Get("/api/v1/users/" + boss + "/reports", admin_token_).body).empty());
}

TEST_F(PeopleIntegrationTest, ManagerCycleIsRefused) {
  std::string ceo = CreateUser("ceo");
  std::string vp = CreateUser("vice", JsonBody().Set("manager_id", ceo));
  std::string lead = CreateUser("lead", JsonBody().Set("manager_id", vp));

  HttpResult loop = PatchUser(ceo, JsonBody().Set("manager_id", lead), admin_token_);
  HttpResult self = PatchUser(vp, JsonBody().Set("manager_id", vp), admin_token_);

  EXPECT_EQ(loop.status, 422) << loop;
  EXPECT_EQ(ErrorCode(loop.body), "invalid_manager");
  EXPECT_EQ(self.status, 422) << self;
  EXPECT_EQ(ErrorCode(self.body), "invalid_manager");
  EXPECT_TRUE(JsonIsNull(GetUser(ceo, admin_token_).body, "/manager_id"));
  EXPECT_EQ(JsonString(GetUser(vp, admin_token_).body, "/manager_id"), ceo);
}

TEST_F(PeopleIntegrationTest, UnknownManagerIsRefused) {
  std::string alice = CreateUser("alice");

  HttpResult updated = PatchUser(alice, JsonBody().Set("manager_id", "1234567"), admin_token_);

  EXPECT_EQ(updated.status, 422) << updated;
  EXPECT_EQ(ErrorCode(updated.body), "invalid_manager");
}

TEST_F(PeopleIntegrationTest, DisplayNameLimitCountsCharactersNotBytes) {
  TestUser alice = CreateAndLogin("alice");
  std::string hundred;
  for (int i = 0; i < 100; ++i) hundred += "é";  // 100 characters, 200 bytes

  HttpResult at_limit = PatchUser(alice.id, JsonBody().Set("display_name", hundred), alice.token);
  HttpResult over_limit =
      PatchUser(alice.id, JsonBody().Set("display_name", hundred + "e"), alice.token);

  EXPECT_EQ(at_limit.status, 200) << at_limit;
  EXPECT_EQ(over_limit.status, 422) << over_limit;
  EXPECT_EQ(ErrorCode(over_limit.body), "invalid_display_name");
  EXPECT_EQ(JsonString(Get("/api/v1/me", alice.token).body, "/display_name"), hundred);
}

TEST_F(PeopleIntegrationTest, BlankDisplayNameIsRefused) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult updated = PatchUser(alice.id, JsonBody().Set("display_name", "   "), alice.token);

  EXPECT_EQ(updated.status, 422) << updated;
  EXPECT_EQ(ErrorCode(updated.body), "invalid_display_name");
}

TEST_F(PeopleIntegrationTest, AtMostFiftySkills) {
  TestUser alice = CreateAndLogin("alice");
  std::vector<std::string> skills;
  for (int i = 1; i <= 50; ++i) skills.push_back("skill-" + std::to_string(i));

  HttpResult fifty = PatchUser(alice.id, JsonBody().Set("skills", skills), alice.token);
  skills.push_back("skill-51");
  HttpResult fifty_one = PatchUser(alice.id, JsonBody().Set("skills", skills), alice.token);

  EXPECT_EQ(fifty.status, 200) << fifty;
  EXPECT_EQ(fifty_one.status, 422) << fifty_one;
  EXPECT_EQ(ErrorCode(fifty_one.body), "invalid_skills");
  EXPECT_EQ(JsonStrings(Get("/api/v1/me", alice.token).body, "/skills").size(), 50u);
}

TEST_F(PeopleIntegrationTest, DuplicateSkillIsRefused) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult updated = PatchUser(
      alice.id, JsonBody().Set("skills", std::vector<std::string>{"Go", "SQL", "go"}), alice.token);

  EXPECT_EQ(updated.status, 422) << updated;
  EXPECT_EQ(ErrorCode(updated.body), "invalid_skills");
  EXPECT_TRUE(JsonStrings(Get("/api/v1/me", alice.token).body, "/skills").empty());
}

TEST_F(PeopleIntegrationTest, FieldOfWrongTypeIsRefused) {
  TestUser alice = CreateAndLogin("alice");
  const std::vector<JsonBody> attempts = {
      JsonBody().Set("skills", "C++"),
      JsonBody().SetRaw("skills", R"(["C++", 42])"),
      JsonBody().SetInt("display_name", 7),
      JsonBody().SetBool("bio", true),
  };
  for (const JsonBody& attempt : attempts) {
    SCOPED_TRACE(attempt.str());
    HttpResult updated = PatchUser(alice.id, attempt, alice.token);

    EXPECT_EQ(updated.status, 422) << updated;
    EXPECT_EQ(ErrorCode(updated.body), "invalid_field");
  }
}

TEST_F(PeopleIntegrationTest, FollowReturnsTheRelationship) {
  TestUser alice = CreateAndLogin("alice");
  TestUser bob = CreateAndLogin("bob");

  HttpResult follow = Follow(bob.id, alice.token);

  ASSERT_EQ(follow.status, 200) << follow;
  EXPECT_EQ(JsonBool(follow.body, "/following"), true);
  EXPECT_EQ(JsonBool(follow.body, "/followed_by"), false);
  HttpResult back = Follow("@alice", bob.token);
  EXPECT_EQ(JsonBool(back.body, "/following"), true);
  EXPECT_EQ(JsonBool(back.body, "/followed_by"), true);
}

TEST_F(PeopleIntegrationTest, FollowIsIdempotent) {
  TestUser alice = CreateAndLogin("alice");
  std::string bob = CreateUser("bob");

  ASSERT_EQ(Follow(bob, alice.token).status, 200);
  HttpResult again = Follow(bob, alice.token);

  EXPECT_EQ(again.status, 200) << again;
  EXPECT_EQ(JsonBool(again.body, "/following"), true);
  EXPECT_EQ(FollowersCount(bob), 1);
  EXPECT_EQ(FollowingCount(alice.id), 1);
  EXPECT_EQ(JsonIds(Get("/api/v1/users/" + bob + "/followers", admin_token_).body).size(), 1u);
}

TEST_F(PeopleIntegrationTest, SelfFollowIsRefused) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult follow = Follow(alice.id, alice.token);

  EXPECT_EQ(follow.status, 422) << follow;
  EXPECT_EQ(ErrorCode(follow.body), "self_follow");
  EXPECT_EQ(FollowersCount(alice.id), 0);
}

TEST_F(PeopleIntegrationTest, FollowingUnknownUserIsNotFound) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult by_id = Follow("1234567", alice.token);
  HttpResult by_name = Follow("@nobody", alice.token);

  EXPECT_EQ(by_id.status, 404) << by_id;
  EXPECT_EQ(by_name.status, 404) << by_name;
  EXPECT_EQ(FollowingCount(alice.id), 0);
}

TEST_F(PeopleIntegrationTest, FollowingDeactivatedUserIsNotFound) {
  TestUser alice = CreateAndLogin("alice");
  std::string bob = CreateUser("bob");
  ASSERT_EQ(Post("/api/v1/users/" + bob + "/deactivate", "", admin_token_).status, 200);

  HttpResult follow = Follow(bob, alice.token);

  EXPECT_EQ(follow.status, 404) << follow;
  EXPECT_EQ(FollowersCount(bob), 0);
  EXPECT_EQ(FollowingCount(alice.id), 0);
}

TEST_F(PeopleIntegrationTest, FollowersAndFollowingListsAndCounts) {
  TestUser alice = CreateAndLogin("alice");
  TestUser bob = CreateAndLogin("bob");
  std::string carol = CreateUser("carol");
  ASSERT_EQ(Follow(carol, alice.token).status, 200);
  ASSERT_EQ(Follow(carol, bob.token).status, 200);
  ASSERT_EQ(Follow(bob.id, alice.token).status, 200);

  HttpResult carol_followers = Get("/api/v1/users/" + carol + "/followers", alice.token);
  HttpResult alice_following = Get("/api/v1/users/@alice/following", bob.token);

  ASSERT_EQ(carol_followers.status, 200) << carol_followers;
  std::vector<std::string> followers = JsonIds(carol_followers.body);
  EXPECT_EQ(std::set<std::string>(followers.begin(), followers.end()),
            (std::set<std::string>{alice.id, bob.id}));
  EXPECT_FALSE(JsonHas(carol_followers.body, "/next_cursor"));
  ASSERT_EQ(alice_following.status, 200) << alice_following;
  std::vector<std::string> following = JsonIds(alice_following.body);
  EXPECT_EQ(std::set<std::string>(following.begin(), following.end()),
            (std::set<std::string>{carol, bob.id}));
  EXPECT_EQ(FollowersCount(carol), 2);
  EXPECT_EQ(FollowingCount(carol), 0);
  EXPECT_EQ(FollowingCount(alice.id), 2);
  EXPECT_EQ(FollowersCount(bob.id), 1);
  EXPECT_EQ(FollowingCount(bob.id), 1);
}

TEST_F(PeopleIntegrationTest, FollowersOfUnknownUserIsNotFound) {
  EXPECT_EQ(Get("/api/v1/users/1234567/followers", admin_token_).status, 404);
  EXPECT_EQ(Get("/api/v1/users/@nobody/following", admin_token_).status, 404);
}

TEST_F(PeopleIntegrationTest, UnfollowIsNoContentAndIdempotent) {
  TestUser alice = CreateAndLogin("alice");
  std::string bob = CreateUser("bob");
  ASSERT_EQ(Follow(bob, alice.token).status, 200);

  HttpResult unfollow = Unfollow(bob, alice.token);
  HttpResult again = Unfollow(bob, alice.token);

  EXPECT_EQ(unfollow.status, 204) << unfollow;
  EXPECT_TRUE(unfollow.body.empty());
  EXPECT_EQ(again.status, 204) << again;
  EXPECT_EQ(FollowersCount(bob), 0);
  EXPECT_EQ(FollowingCount(alice.id), 0);
  EXPECT_TRUE(JsonIds(Get("/api/v1/users/" + bob + "/followers", admin_token_).body).empty());
}

TEST_F(PeopleIntegrationTest, FollowersPagingVisitsEveryoneExactlyOnce) {
  std::string star = CreateUser("star");
  std::set<std::string> expected;
  for (int i = 1; i <= 5; ++i) {
    TestUser fan = CreateAndLogin("fan" + std::to_string(i));
    ASSERT_EQ(Follow(star, fan.token).status, 200);
    expected.insert(fan.id);
  }

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    std::string target = "/api/v1/users/" + star + "/followers?limit=2";
    if (!cursor.empty()) target += "&cursor=" + cursor;
    HttpResult page = Get(target, admin_token_);
    ASSERT_EQ(page.status, 200) << page;
    std::vector<std::string> ids = JsonIds(page.body);
    EXPECT_LE(ids.size(), 2u);
    seen.insert(seen.end(), ids.begin(), ids.end());
    cursor = JsonString(page.body, "/next_cursor").value_or("");
    ASSERT_LT(++pages, 10) << "paging does not end";
  } while (!cursor.empty());

  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u) << "a follower was repeated or missed";
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
}

TEST_F(PeopleIntegrationTest, InvalidLimitIsRefused) {
  std::string alice = CreateUser("alice");
  for (const std::string& limit : std::vector<std::string>{"0", "101", "abc", "-1", "", "2.5"}) {
    SCOPED_TRACE("limit=" + limit);
    HttpResult page = Get("/api/v1/users/" + alice + "/followers?limit=" + limit, admin_token_);

    EXPECT_EQ(page.status, 400) << page;
    EXPECT_EQ(ErrorCode(page.body), "invalid_limit");
  }
  EXPECT_EQ(Get("/api/v1/users/" + alice + "/followers?limit=100", admin_token_).status, 200);
  EXPECT_EQ(Get("/api/v1/users/" + alice + "/followers?limit=1", admin_token_).status, 200);
}

TEST_F(PeopleIntegrationTest, InvalidCursorIsRefused) {
  std::string alice = CreateUser("alice");
  for (const std::string& cursor : std::vector<std::string>{"abc", "-3", "0"}) {
    SCOPED_TRACE("cursor=" + cursor);
    HttpResult page = Get("/api/v1/users/" + alice + "/following?cursor=" + cursor, admin_token_);

    EXPECT_EQ(page.status, 400) << page;
    EXPECT_EQ(ErrorCode(page.body), "invalid_cursor");
  }
}

}  // namespace
}  // namespace agora::integration
