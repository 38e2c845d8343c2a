// Rules-based community membership and the leaver handover over HTTP: rule validation and
// matching, automatic joins and leaves as profiles and the org chart change, rule-managed
// members refused manual removal, a profile change racing a rule change, and what a leaver's
// deactivation hands over (communities, open deals) and to whom.
#include <algorithm>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class MembershipIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    owner_ = CreateAndLogin("owner");
    HttpResult me = Get("/api/v1/me", admin_token_);
    ASSERT_EQ(me.status, 200) << me;
    admin_id_ = JsonString(me.body, "/id").value_or("");
  }

  static std::string Rules(const std::string& rules_json) {
    return "{\"rules\":" + rules_json + "}";
  }

  HttpResult SetRules(const std::string& community, const std::string& rules_json,
                      const std::string& token) {
    return Put("/api/v1/communities/" + community + "/membership_rules", Rules(rules_json), token);
  }

  // The members of `community` as "id:source", sorted, read by the owner.
  std::vector<std::string> Members(const std::string& community) {
    return MembersWithSource(community, owner_.token);
  }

  static std::vector<std::string> Sorted(std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    return values;
  }

  // The role of `user` in `community` ("" when not a member).
  std::string RoleOf(const std::string& community, const std::string& user) {
    HttpResult r = Get("/api/v1/communities/" + community + "/members?limit=100", admin_token_);
    EXPECT_EQ(r.status, 200) << r;
    auto ids = JsonIds(r.body, "/items", "/user/id");
    auto roles = JsonIds(r.body, "/items", "/role");
    for (size_t i = 0; i < ids.size() && i < roles.size(); ++i) {
      if (ids[i] == user) return roles[i];
    }
    return "";
  }

  // The notification types `who` has.
  std::vector<std::string> NotificationTypes(const TestUser& who) {
    HttpResult r = Get("/api/v1/notifications", who.token);
    EXPECT_EQ(r.status, 200) << r;
    return JsonIds(r.body, "/items", "/type");
  }

  HttpResult PatchUser(const std::string& id, JsonBody body) {
    return Patch("/api/v1/users/" + id, body.str(), admin_token_);
  }

  TestUser owner_;
  std::string admin_id_;
};

TEST_F(MembershipIntegrationTest, RulesAreValidated) {
  std::string c = CreateCommunity(owner_, "Validated", "open");
  const std::vector<std::string> bad = {
      R"([{"team":"Sales"}])",            // not a rule attribute
      R"([{}])",                          // a rule without a condition
      R"([{"department":""}])",           // an empty value
      R"([{"department":"   "}])",        // a blank value
      R"("Sales")",                       // not a list
      R"([["Sales"]])",                   // a rule that is not an object
      R"([{"manager_id":"999999999"}])",  // nobody
      "[" + std::string(R"({"location":"x"},)") + std::string(R"({"location":"x"},)") +
          R"({"location":"x"},{"location":"x"},{"location":"x"},{"location":"x"},)"
          R"({"location":"x"},{"location":"x"},{"location":"x"},{"location":"x"},)"
          R"({"location":"x"}])",                                  // 11 rules
      "[{\"title_contains\":\"" + std::string(101, 'a') + "\"}]",  // too long
  };
  for (const auto& rules : bad) {
    HttpResult r = SetRules(c, rules, owner_.token);
    EXPECT_EQ(r.status, 422) << rules << " " << r;
    EXPECT_EQ(ErrorCode(r.body), "invalid_rules") << rules << " " << r;
  }
  HttpResult not_text = SetRules(c, R"([{"department":42}])", owner_.token);
  EXPECT_EQ(not_text.status, 422) << not_text;
  EXPECT_EQ(ErrorCode(not_text.body), "invalid_field");
  HttpResult no_body = Put("/api/v1/communities/" + c + "/membership_rules", "{}", owner_.token);
  EXPECT_EQ(no_body.status, 422) << no_body;
  HttpResult unknown_member =
      Put("/api/v1/communities/" + c + "/membership_rules", R"({"rules":[],"x":1})", owner_.token);
  EXPECT_EQ(unknown_member.status, 422) << unknown_member;
  EXPECT_EQ(Get("/api/v1/communities/" + c + "/membership_rules", owner_.token).body,
            R"({"rules":[]})");
  // Ten rules are allowed; an empty list clears them.
  std::string ten = "[";
  for (int i = 0; i < 10; ++i) ten += std::string(i ? "," : "") + R"({"location":"x"})";
  ten += "]";
  EXPECT_EQ(SetRules(c, ten, owner_.token).status, 200);
  EXPECT_EQ(SetRules(c, "[]", owner_.token).status, 200);
}

TEST_F(MembershipIntegrationTest, OnlyOwnersAndAdminsSetRulesAndSecretOnesStayHidden) {
  TestUser member = CreateAndLogin("member");
  TestUser stranger = CreateAndLogin("stranger");
  std::string open = CreateCommunity(owner_, "Open club", "open");
  ASSERT_EQ(Post("/api/v1/communities/" + open + "/join", "", member.token).status, 200);
  HttpResult by_member = SetRules(open, R"([{"department":"Sales"}])", member.token);
  EXPECT_EQ(by_member.status, 403) << by_member;
  EXPECT_EQ(ErrorCode(by_member.body), "forbidden");
  EXPECT_EQ(SetRules(open, R"([{"department":"Sales"}])", admin_token_).status, 200);
  EXPECT_EQ(Get("/api/v1/communities/" + open + "/membership_rules", member.token).status, 200);

  std::string secret = CreateCommunity(owner_, "Secret club", "secret");
  ASSERT_EQ(SetRules(secret, R"([{"department":"Board"}])", owner_.token).status, 200);
  HttpResult read = Get("/api/v1/communities/" + secret + "/membership_rules", stranger.token);
  EXPECT_EQ(read.status, 404) << read;
  EXPECT_EQ(read.body.find("Board"), std::string::npos);
  HttpResult write = SetRules(secret, R"([{"department":"Sales"}])", stranger.token);
  EXPECT_EQ(write.status, 404) << write;
  EXPECT_EQ(ErrorCode(write.body), "not_found");
  EXPECT_EQ(Get("/api/v1/communities/123/membership_rules", owner_.token).status, 404);
  EXPECT_EQ(Get("/api/v1/communities/nope/membership_rules", owner_.token).status, 400);
}

TEST_F(MembershipIntegrationTest, SettingRulesAddsWhoMatchesAndRemovesOnlyRuleMembers) {
  std::string alice =
      CreateUser("alice", JsonBody().Set("department", "Sales").Set("location", "Paris"));
  std::string bob =
      CreateUser("bob", JsonBody().Set("department", "sales").Set("location", "Lyon"));
  TestUser carol = CreateAndLogin("carol", JsonBody().Set("department", "Marketing"));
  std::string c = CreateCommunity(owner_, "Sales floor", "private");
  // carol is a member by hand (invited), and stays whatever the rules say.
  ASSERT_EQ(Post("/api/v1/communities/" + c + "/invitations",
                 JsonBody().Set("user_id", carol.id).str(), owner_.token)
                .status,
            201);
  ASSERT_EQ(Post("/api/v1/communities/" + c + "/invitations/accept", "", carol.token).status, 200);

  HttpResult set = SetRules(c, R"([{"department":"SALES"}])", owner_.token);
  ASSERT_EQ(set.status, 200) << set;
  EXPECT_EQ(JsonInt(set.body, "/joined"), 2);
  EXPECT_EQ(JsonInt(set.body, "/left"), 0);
  EXPECT_EQ(JsonString(set.body, "/rules/0/department"), "SALES");
  EXPECT_EQ(Members(c),
            Sorted({alice + ":rule", bob + ":rule", carol.id + ":manual", owner_.id + ":manual"}));

  // All of a rule's conditions must hold: bob (Lyon) leaves, carol stays.
  set = SetRules(c, R"([{"department":"Sales","location":"paris"}])", owner_.token);
  ASSERT_EQ(set.status, 200) << set;
  EXPECT_EQ(JsonInt(set.body, "/joined"), 0);
  EXPECT_EQ(JsonInt(set.body, "/left"), 1);
  EXPECT_EQ(Members(c), Sorted({alice + ":rule", carol.id + ":manual", owner_.id + ":manual"}));

  HttpResult audit = Get("/api/v1/communities/" + c + "/audit", owner_.token);
  auto actions = JsonIds(audit.body, "/items", "/action");
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "rule_join"), 2);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "rule_leave"), 1);
  EXPECT_EQ(std::count(actions.begin(), actions.end(), "set_rules"), 2);

  // No rules: every rule member leaves, the others stay.
  set = SetRules(c, "[]", owner_.token);
  EXPECT_EQ(JsonInt(set.body, "/left"), 1);
  EXPECT_EQ(Members(c), Sorted({carol.id + ":manual", owner_.id + ":manual"}));
}

TEST_F(MembershipIntegrationTest, AnyRuleMatchesAndTitleContainsIgnoresCase) {
  std::string engineer =
      CreateUser("engineer", JsonBody().Set("title", "Senior Software Engineer"));
  std::string berliner = CreateUser("berliner", JsonBody().Set("location", "Berlin"));
  CreateUser("neither", JsonBody().Set("title", "Accountant").Set("location", "Paris"));
  std::string c = CreateCommunity(owner_, "Builders", "open");
  HttpResult set =
      SetRules(c, R"([{"title_contains":"engineer"},{"location":"berlin"}])", owner_.token);
  ASSERT_EQ(set.status, 200) << set;
  EXPECT_EQ(Members(c), Sorted({engineer + ":rule", berliner + ":rule", owner_.id + ":manual"}));
  HttpResult rules = Get("/api/v1/communities/" + c + "/membership_rules", owner_.token);
  EXPECT_EQ(rules.body, R"({"rules":[{"title_contains":"engineer"},{"location":"berlin"}]})");
}

TEST_F(MembershipIntegrationTest, ProfileChangesMovePeopleInAndOut) {
  std::string c = CreateCommunity(owner_, "Sales team", "secret");
  ASSERT_EQ(SetRules(c, R"([{"department":"Sales"}])", owner_.token).status, 200);
  TestUser dave = CreateAndLogin("dave", JsonBody().Set("department", "Marketing"));
  EXPECT_EQ(Members(c), std::vector<std::string>{owner_.id + ":manual"});

  // An admin moves dave to Sales: he is a member at once, and the secret community is his.
  ASSERT_EQ(PatchUser(dave.id, JsonBody().Set("department", "Sales")).status, 200);
  EXPECT_EQ(Members(c), Sorted({dave.id + ":rule", owner_.id + ":manual"}));
  HttpResult seen = Get("/api/v1/communities/" + c, dave.token);
  EXPECT_EQ(seen.status, 200) << seen;
  EXPECT_EQ(JsonString(seen.body, "/membership/source"), "rule");

  // A new account that matches joins as it is created.
  std::string eve = CreateUser("eve", JsonBody().Set("department", "Sales"));
  EXPECT_EQ(Members(c), Sorted({dave.id + ":rule", eve + ":rule", owner_.id + ":manual"}));

  // dave edits his own department away: he leaves, and no longer sees the secret community.
  ASSERT_EQ(
      Patch("/api/v1/users/" + dave.id, JsonBody().Set("department", "Support").str(), dave.token)
          .status,
      200);
  EXPECT_EQ(Members(c), Sorted({eve + ":rule", owner_.id + ":manual"}));
  EXPECT_EQ(Get("/api/v1/communities/" + c, dave.token).status, 404);
  HttpResult audit = Get("/api/v1/communities/" + c + "/audit", owner_.token);
  EXPECT_EQ(JsonString(audit.body, "/items/0/action"), "rule_leave");
  EXPECT_EQ(JsonString(audit.body, "/items/0/target_user_id"), dave.id);
}

TEST_F(MembershipIntegrationTest, ManagerChangeMovesTheWholeSubtree) {
  std::string boss = CreateUser("boss");
  std::string mid = CreateUser("mid", JsonBody().Set("manager_id", boss));
  std::string leaf = CreateUser("leaf", JsonBody().Set("manager_id", mid));
  std::string other = CreateUser("other");
  std::string stray = CreateUser("stray", JsonBody().Set("manager_id", other));
  std::string c = CreateCommunity(owner_, "Boss org", "open");
  HttpResult set = SetRules(c, "[{\"manager_id\":\"" + boss + "\"}]", owner_.token);
  ASSERT_EQ(set.status, 200) << set;
  EXPECT_EQ(Members(c),
            Sorted({boss + ":rule", mid + ":rule", leaf + ":rule", owner_.id + ":manual"}));

  // stray joins mid's team: they are under boss now.
  ASSERT_EQ(PatchUser(stray, JsonBody().Set("manager_id", mid)).status, 200);
  EXPECT_EQ(Members(c), Sorted({boss + ":rule", mid + ":rule", leaf + ":rule", stray + ":rule",
                                owner_.id + ":manual"}));
  // mid moves under other, with everyone under mid.
  ASSERT_EQ(PatchUser(mid, JsonBody().Set("manager_id", other)).status, 200);
  EXPECT_EQ(Members(c), Sorted({boss + ":rule", owner_.id + ":manual"}));
  // and back.
  ASSERT_EQ(PatchUser(mid, JsonBody().Set("manager_id", boss)).status, 200);
  EXPECT_EQ(Members(c).size(), 5u);
}

TEST_F(MembershipIntegrationTest, RuleMembersCannotBeRemovedByHandNorLeave) {
  TestUser rita = CreateAndLogin("rita", JsonBody().Set("department", "Sales"));
  std::string c = CreateCommunity(owner_, "Ruled", "open");
  ASSERT_EQ(SetRules(c, R"([{"department":"Sales"}])", owner_.token).status, 200);
  HttpResult removed = Delete("/api/v1/communities/" + c + "/members/" + rita.id, owner_.token);
  EXPECT_EQ(removed.status, 409) << removed;
  EXPECT_EQ(ErrorCode(removed.body), "rule_managed");
  EXPECT_NE(removed.body.find("rule"), std::string::npos);
  HttpResult left = Post("/api/v1/communities/" + c + "/leave", "", rita.token);
  EXPECT_EQ(left.status, 409) << left;
  EXPECT_EQ(ErrorCode(left.body), "rule_managed");
  EXPECT_EQ(Members(c), Sorted({rita.id + ":rule", owner_.id + ":manual"}));
  // Joining again changes nothing; a manual member may still leave.
  EXPECT_EQ(Post("/api/v1/communities/" + c + "/join", "", rita.token).status, 200);
  TestUser max = CreateAndLogin("max");
  ASSERT_EQ(Post("/api/v1/communities/" + c + "/join", "", max.token).status, 200);
  EXPECT_EQ(Post("/api/v1/communities/" + c + "/leave", "", max.token).status, 204);
}

// A profile change racing a rule change: whatever the order, the person is a member exactly
// when the rules in force match their department in force.
TEST_F(MembershipIntegrationTest, ProfileChangeRacingRuleChangeEndsConsistent) {
  std::string c = CreateCommunity(owner_, "Raced", "open");
  std::string ray = CreateUser("ray", JsonBody().Set("department", "Sales"));
  const std::string kSales = R"([{"department":"Sales"}])";
  const std::string kMarketing = R"([{"department":"Marketing"}])";
  for (int round = 0; round < 12; ++round) {
    bool to_marketing = round % 2 == 0;
    std::string department = (round % 3 == 0) ? "Sales" : "Marketing";
    std::thread profile(
        [&] { EXPECT_EQ(PatchUser(ray, JsonBody().Set("department", department)).status, 200); });
    std::thread rules([&] {
      EXPECT_EQ(SetRules(c, to_marketing ? kMarketing : kSales, owner_.token).status, 200);
    });
    profile.join();
    rules.join();
    bool should_be_member = (to_marketing ? "Marketing" : "Sales") == department;
    auto members = Members(c);
    bool is_member = std::find(members.begin(), members.end(), ray + ":rule") != members.end();
    EXPECT_EQ(is_member, should_be_member) << "round " << round;
    HttpResult community = Get("/api/v1/communities/" + c, owner_.token);
    EXPECT_EQ(JsonInt(community.body, "/members_count"), should_be_member ? 2 : 1);
  }
}

TEST_F(MembershipIntegrationTest, LeaverCommunitiesPassToTheNamedSuccessor) {
  TestUser manager = CreateAndLogin("manager");
  TestUser leaver = CreateAndLogin("leaver", JsonBody().Set("manager_id", manager.id));
  TestUser successor = CreateAndLogin("successor");
  std::string alone = CreateCommunity(leaver, "Leaver's club", "secret");
  std::string shared = CreateCommunity(leaver, "Shared club", "open");
  ASSERT_EQ(Post("/api/v1/communities/" + shared + "/join", "", owner_.token).status, 200);
  ASSERT_EQ(Put("/api/v1/communities/" + shared + "/members/" + owner_.id,
                JsonBody().Set("role", "owner").str(), leaver.token)
                .status,
            200);
  std::string post = WritePost(leaver, "still here after I go", alone);

  HttpResult r = Post("/api/v1/users/" + leaver.id + "/deactivate",
                      JsonBody().Set("successor_id", successor.id).str(), admin_token_);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(JsonBool(r.body, "/active"), false);
  EXPECT_EQ(JsonStrings(r.body, "/handover/communities"), std::vector<std::string>{alone});
  EXPECT_EQ(JsonString(r.body, "/handover/communities_to"), successor.id);
  EXPECT_EQ(RoleOf(alone, successor.id), "owner");
  EXPECT_EQ(RoleOf(alone, leaver.id), "member");
  // A community with another owner keeps its owners as they are.
  EXPECT_EQ(RoleOf(shared, successor.id), "");
  EXPECT_EQ(RoleOf(shared, owner_.id), "owner");
  // The successor sees the secret community, its content (still the leaver's), and was told.
  HttpResult read = Get("/api/v1/posts/" + post, successor.token);
  EXPECT_EQ(read.status, 200) << read;
  EXPECT_EQ(JsonString(read.body, "/author/id"), leaver.id);
  auto types = NotificationTypes(successor);
  EXPECT_NE(std::find(types.begin(), types.end(), "community_handed_over"), types.end());
  EXPECT_EQ(Get("/api/v1/me", leaver.token).status, 401);
  HttpResult audit = Get("/api/v1/communities/" + alone + "/audit", admin_token_);
  EXPECT_EQ(JsonString(audit.body, "/items/0/action"), "handover");
  EXPECT_EQ(JsonString(audit.body, "/items/0/actor_id"), admin_id_);
}

TEST_F(MembershipIntegrationTest, LeaverCommunitiesAndOpenDealsPassToTheManager) {
  TestUser manager = CreateAndLogin("manager");
  TestUser leaver = CreateAndLogin("leaver", JsonBody().Set("manager_id", manager.id));
  std::string c = CreateCommunity(leaver, "Team room", "private");
  auto deal = [&](const std::string& outcome) {
    JsonBody body = JsonBody()
                        .Set("customer", "Boulangerie Martin")
                        .Set("sector", "retail")
                        .Set("product", "POS terminal")
                        .Set("region", "North")
                        .Set("amount", "1000")
                        .Set("currency", "EUR")
                        .Set("outcome", outcome);
    if (outcome != "open") body.Set("closed_on", "2026-01-15");
    HttpResult r = Post("/api/v1/deals", body.str(), leaver.token);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  };
  std::string open_deal = deal("open");
  std::string won_deal = deal("won");

  HttpResult r = Post("/api/v1/users/" + leaver.id + "/deactivate", "", admin_token_);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(JsonString(r.body, "/handover/communities_to"), manager.id);
  EXPECT_EQ(JsonString(r.body, "/handover/deals_to"), manager.id);
  EXPECT_EQ(JsonStrings(r.body, "/handover/deals"), std::vector<std::string>{open_deal});
  EXPECT_EQ(RoleOf(c, manager.id), "owner");

  HttpResult open = Get("/api/v1/deals/" + open_deal, manager.token);
  ASSERT_EQ(open.status, 200) << open;
  EXPECT_EQ(JsonString(open.body, "/owner_id"), manager.id);
  EXPECT_EQ(JsonString(open.body, "/team/0/user_id"), manager.id);
  // A closed deal stays the leaver's: their results stand.
  HttpResult won = Get("/api/v1/deals/" + won_deal, manager.token);
  EXPECT_EQ(JsonString(won.body, "/owner_id"), leaver.id);
  auto types = NotificationTypes(manager);
  EXPECT_NE(std::find(types.begin(), types.end(), "deal_handed_over"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "community_handed_over"), types.end());
}

TEST_F(MembershipIntegrationTest, LeaverWithoutManagerHandsOverToTheActingAdmin) {
  TestUser leaver = CreateAndLogin("leaver");
  std::string c = CreateCommunity(leaver, "Orphan club", "open");
  HttpResult r = Post("/api/v1/users/" + leaver.id + "/deactivate", "{}", admin_token_);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(JsonString(r.body, "/handover/communities_to"), admin_id_);
  EXPECT_EQ(RoleOf(c, admin_id_), "owner");
  EXPECT_EQ(RoleOf(c, leaver.id), "member");
}

TEST_F(MembershipIntegrationTest, DeactivationRefusesABadSuccessorAndChangesNothing) {
  TestUser leaver = CreateAndLogin("leaver");
  TestUser gone = CreateAndLogin("gone");
  ASSERT_EQ(Post("/api/v1/users/" + gone.id + "/deactivate", "", admin_token_).status, 200);
  std::string c = CreateCommunity(leaver, "Kept club", "open");
  for (const std::string& successor : {gone.id, leaver.id, std::string("999999999")}) {
    HttpResult r = Post("/api/v1/users/" + leaver.id + "/deactivate",
                        JsonBody().Set("successor_id", successor).str(), admin_token_);
    EXPECT_EQ(r.status, 422) << r;
    EXPECT_EQ(ErrorCode(r.body), "invalid_successor");
  }
  HttpResult bad =
      Post("/api/v1/users/" + leaver.id + "/deactivate", R"({"successor":"1"})", admin_token_);
  EXPECT_EQ(bad.status, 422) << bad;
  // Nothing happened: still active, still the owner.
  EXPECT_EQ(Get("/api/v1/me", leaver.token).status, 200);
  EXPECT_EQ(RoleOf(c, leaver.id), "owner");
}

TEST_F(MembershipIntegrationTest, DeactivatedPeopleLeaveRuleCommunities) {
  TestUser sam = CreateAndLogin("sam", JsonBody().Set("department", "Sales"));
  std::string c = CreateCommunity(owner_, "Sales only", "open");
  ASSERT_EQ(SetRules(c, R"([{"department":"Sales"}])", owner_.token).status, 200);
  EXPECT_EQ(Members(c), Sorted({sam.id + ":rule", owner_.id + ":manual"}));
  ASSERT_EQ(Post("/api/v1/users/" + sam.id + "/deactivate", "", admin_token_).status, 200);
  EXPECT_EQ(Members(c), std::vector<std::string>{owner_.id + ":manual"});
}

}  // namespace
}  // namespace agora::integration
