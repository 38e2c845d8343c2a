// Communities over HTTP: visibility, joining, invitations, requests, roles, removal, bans and
// the audit log, with every refusal.
#include <string>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class CommunitiesIntegrationTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    owner_ = CreateAndLogin("owner");
    mod_ = CreateAndLogin("moderator");
    member_ = CreateAndLogin("member");
    outsider_ = CreateAndLogin("outsider");
  }

  std::string Path(const std::string& id, const std::string& rest = "") {
    return "/api/v1/communities/" + id + rest;
  }
  HttpResult Invite(const std::string& id, const TestUser& by, const TestUser& whom) {
    return Post(Path(id, "/invitations"), JsonBody().Set("user_id", whom.id).str(), by.token);
  }
  // A community with owner_, mod_ as moderator and member_ as member.
  std::string Staffed(const std::string& name, const std::string& visibility) {
    std::string id = CreateCommunity(owner_, name, visibility);
    for (const TestUser* who : {&mod_, &member_}) {
      EXPECT_EQ(Invite(id, owner_, *who).status, 201);
      EXPECT_EQ(Post(Path(id, "/invitations/accept"), "", who->token).status, 200);
    }
    EXPECT_EQ(server()
                  .Request("PUT", Path(id, "/members/" + mod_.id),
                           JsonBody().Set("role", "moderator").str(), owner_.token)
                  .status,
              200);
    return id;
  }
  std::vector<std::string> Actions(const std::string& id) {
    HttpResult r = Get(Path(id, "/audit?limit=100"), owner_.token);
    EXPECT_EQ(r.status, 200) << r;
    std::vector<std::string> actions;
    for (int i = 0;; ++i) {
      auto action = JsonString(r.body, ("/items/" + std::to_string(i) + "/action").c_str());
      if (!action) break;
      actions.push_back(*action);
    }
    return actions;
  }

  TestUser owner_, mod_, member_, outsider_;
};

TEST_F(CommunitiesIntegrationTest, CreatorIsOwnerAndInputIsValidated) {
  HttpResult r = Post("/api/v1/communities",
                      JsonBody()
                          .Set("name", "Field Sales EMEA")
                          .Set("description", "Deals in Europe")
                          .Set("visibility", "open")
                          .str(),
                      owner_.token);
  ASSERT_EQ(r.status, 201) << r;
  EXPECT_EQ(JsonString(r.body, "/membership/role"), "owner");
  EXPECT_EQ(JsonInt(r.body, "/members_count"), 1);
  EXPECT_EQ(Post("/api/v1/communities",
                 JsonBody().Set("name", "field sales emea").Set("visibility", "open").str(),
                 member_.token)
                .status,
            409);
  for (const auto& [body, code] : std::vector<std::pair<std::string, std::string>>{
           {JsonBody().Set("name", "ab").Set("visibility", "open").str(), "invalid_name"},
           {JsonBody().Set("name", "Valid name").Set("visibility", "hidden").str(),
            "invalid_visibility"},
           {JsonBody().Set("name", "Valid name").str(), "missing_field"},
           {JsonBody()
                .Set("name", "Valid name")
                .Set("visibility", "open")
                .Set("members_count", "9")
                .str(),
            "field_not_writable"}}) {
    HttpResult bad = Post("/api/v1/communities", body, owner_.token);
    EXPECT_EQ(bad.status, 422) << body << " " << bad;
    EXPECT_EQ(ErrorCode(bad.body), code) << body;
  }
}

TEST_F(CommunitiesIntegrationTest, SecretCommunitiesDoNotExistForOutsiders) {
  std::string id = Staffed("Project Falcon", "secret");
  EXPECT_EQ(Get(Path(id), outsider_.token).status, 404);
  EXPECT_EQ(Post(Path(id, "/join"), "", outsider_.token).status, 404);
  EXPECT_EQ(Get(Path(id, "/members"), outsider_.token).status, 404);
  EXPECT_EQ(Get(Path(id, "/audit"), outsider_.token).status, 404);
  EXPECT_EQ(Post(Path(id, "/leave"), "", outsider_.token).status, 404);
  HttpResult list = Get("/api/v1/communities?q=falcon", outsider_.token);
  ASSERT_EQ(list.status, 200) << list;
  EXPECT_TRUE(JsonIds(list.body).empty());
  EXPECT_EQ(JsonIds(Get("/api/v1/communities?q=falcon", member_.token).body),
            std::vector<std::string>{id});
  EXPECT_EQ(Get(Path(id), member_.token).status, 200);
}

TEST_F(CommunitiesIntegrationTest, OpenCommunitiesAreJoinedAtOnce) {
  std::string id = CreateCommunity(owner_, "Coffee lovers", "open");
  HttpResult r = Post(Path(id, "/join"), "", outsider_.token);
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(JsonString(r.body, "/state"), "member");
  EXPECT_EQ(Post(Path(id, "/join"), "", outsider_.token).status, 200);  // idempotent
  EXPECT_EQ(JsonInt(Get(Path(id), owner_.token).body, "/members_count"), 2);
  HttpResult members = Get(Path(id, "/members"), member_.token);
  EXPECT_EQ(JsonString(members.body, "/items/1/user/username"), "outsider");
  EXPECT_EQ(Post(Path(id, "/leave"), "", outsider_.token).status, 204);
  EXPECT_EQ(JsonInt(Get(Path(id), owner_.token).body, "/members_count"), 1);
}

TEST_F(CommunitiesIntegrationTest, PrivateCommunitiesNeedApproval) {
  std::string id = Staffed("Pricing council", "private");
  EXPECT_EQ(Get(Path(id), outsider_.token).status, 200);  // listed
  EXPECT_EQ(Get(Path(id, "/members"), outsider_.token).status, 403);
  HttpResult r = Post(Path(id, "/join"), "", outsider_.token);
  ASSERT_EQ(r.status, 202) << r;
  EXPECT_EQ(JsonString(r.body, "/state"), "pending");
  EXPECT_EQ(Get(Path(id, "/requests"), member_.token).status, 403);
  HttpResult requests = Get(Path(id, "/requests"), mod_.token);
  ASSERT_EQ(requests.status, 200) << requests;
  EXPECT_EQ(JsonString(requests.body, "/items/0/user/id"), outsider_.id);
  EXPECT_EQ(Post(Path(id, "/requests/" + outsider_.id + "/approve"), "", member_.token).status,
            403);
  EXPECT_EQ(Post(Path(id, "/requests/" + outsider_.id + "/approve"), "", mod_.token).status, 200);
  EXPECT_EQ(Get(Path(id, "/members"), outsider_.token).status, 200);
  EXPECT_EQ(Post(Path(id, "/requests/" + outsider_.id + "/approve"), "", mod_.token).status, 404);

  TestUser late = CreateAndLogin("late");
  ASSERT_EQ(Post(Path(id, "/join"), "", late.token).status, 202);
  EXPECT_EQ(Post(Path(id, "/requests/" + late.id + "/reject"), "", mod_.token).status, 200);
  EXPECT_EQ(JsonString(Get(Path(id), late.token).body, "/membership/state"), std::nullopt);
}

TEST_F(CommunitiesIntegrationTest, InvitationsLetPeopleIntoSecretCommunities) {
  std::string id = CreateCommunity(owner_, "Board prep", "secret");
  EXPECT_EQ(Invite(id, member_, outsider_).status, 404);  // not even visible to member_ yet
  HttpResult invited = Invite(id, owner_, outsider_);
  ASSERT_EQ(invited.status, 201) << invited;
  EXPECT_EQ(JsonString(invited.body, "/state"), "invited");
  EXPECT_EQ(Get(Path(id), outsider_.token).status, 200);  // the invitee may see it
  EXPECT_EQ(Post(Path(id, "/invitations/accept"), "", outsider_.token).status, 200);
  EXPECT_EQ(ErrorCode(Invite(id, owner_, outsider_).body), "already_member");
  EXPECT_EQ(Post(Path(id, "/invitations/accept"), "", member_.token).status, 404);
  EXPECT_EQ(Invite(id, outsider_, member_).status, 403);  // members do not invite
  EXPECT_EQ(
      Post(Path(id, "/invitations"), JsonBody().Set("user_id", "999").str(), owner_.token).status,
      404);
}

TEST_F(CommunitiesIntegrationTest, RolesFollowTheHierarchy) {
  std::string id = Staffed("Engineering guild", "open");
  auto set_role = [&](const TestUser& by, const TestUser& whom, const char* role) {
    return server().Request("PUT", Path(id, "/members/" + whom.id),
                            JsonBody().Set("role", role).str(), by.token);
  };
  EXPECT_EQ(set_role(member_, outsider_, "moderator").status, 403);
  EXPECT_EQ(set_role(mod_, member_, "owner").status, 403);
  EXPECT_EQ(set_role(mod_, owner_, "member").status, 403);
  EXPECT_EQ(set_role(owner_, outsider_, "moderator").status, 404);  // not a member
  EXPECT_EQ(ErrorCode(set_role(owner_, member_, "emperor").body), "invalid_role");
  HttpResult promoted = set_role(mod_, member_, "moderator");
  ASSERT_EQ(promoted.status, 200) << promoted;
  EXPECT_EQ(JsonString(promoted.body, "/role"), "moderator");
  EXPECT_EQ(ErrorCode(set_role(owner_, owner_, "member").body), "last_owner");
  EXPECT_EQ(ErrorCode(Post(Path(id, "/leave"), "", owner_.token).body), "last_owner");
  ASSERT_EQ(set_role(owner_, mod_, "owner").status, 200);
  EXPECT_EQ(Post(Path(id, "/leave"), "", owner_.token).status, 204);
  HttpResult owners = Get(Path(id, "/members?role=owner"), member_.token);
  EXPECT_EQ(JsonString(owners.body, "/items/0/user/username"), "moderator");
  EXPECT_FALSE(JsonHas(owners.body, "/items/1"));
}

TEST_F(CommunitiesIntegrationTest, ModeratorsRemoveAndBanMembersButNotEachOther) {
  std::string id = Staffed("Support leads", "open");
  TestUser second_mod = CreateAndLogin("second.mod");
  ASSERT_EQ(Post(Path(id, "/join"), "", second_mod.token).status, 200);
  ASSERT_EQ(server()
                .Request("PUT", Path(id, "/members/" + second_mod.id),
                         JsonBody().Set("role", "moderator").str(), owner_.token)
                .status,
            200);
  EXPECT_EQ(Delete(Path(id, "/members/" + second_mod.id), mod_.token).status, 403);
  EXPECT_EQ(Delete(Path(id, "/members/" + owner_.id), mod_.token).status, 403);
  EXPECT_EQ(Delete(Path(id, "/members/" + member_.id), outsider_.token).status, 403);
  EXPECT_EQ(Delete(Path(id, "/members/" + member_.id), mod_.token).status, 204);
  EXPECT_EQ(Delete(Path(id, "/members/" + member_.id), mod_.token).status, 404);

  HttpResult ban =
      Post(Path(id, "/bans"), JsonBody().Set("user_id", outsider_.id).Set("reason", "spam").str(),
           mod_.token);
  ASSERT_EQ(ban.status, 201) << ban;
  HttpResult refused = Post(Path(id, "/join"), "", outsider_.token);
  EXPECT_EQ(refused.status, 403) << refused;
  EXPECT_EQ(ErrorCode(refused.body), "banned");
  EXPECT_EQ(ErrorCode(Invite(id, mod_, outsider_).body), "banned");
  EXPECT_EQ(Delete(Path(id, "/bans/" + outsider_.id), mod_.token).status, 204);
  EXPECT_EQ(Delete(Path(id, "/bans/" + outsider_.id), mod_.token).status, 404);
  EXPECT_EQ(Post(Path(id, "/join"), "", outsider_.token).status, 200);
}

TEST_F(CommunitiesIntegrationTest, BanningAMemberTakesTheirMembership) {
  std::string id = Staffed("Partners", "private");
  ASSERT_EQ(Post(Path(id, "/bans"), JsonBody().Set("user_id", member_.id).str(), mod_.token).status,
            201);
  EXPECT_EQ(Get(Path(id, "/members"), member_.token).status, 403);
  EXPECT_EQ(JsonInt(Get(Path(id), owner_.token).body, "/members_count"), 2);
  std::string secret = Staffed("Inner circle", "secret");
  ASSERT_EQ(
      Post(Path(secret, "/bans"), JsonBody().Set("user_id", member_.id).str(), mod_.token).status,
      201);
  EXPECT_EQ(Get(Path(secret), member_.token).status, 404);
}

TEST_F(CommunitiesIntegrationTest, OnlyModeratorsEditAndOnlyOwnersChangeVisibility) {
  std::string id = Staffed("Marketing", "open");
  EXPECT_EQ(Patch(Path(id), JsonBody().Set("description", "x").str(), member_.token).status, 403);
  HttpResult edited = Patch(Path(id), JsonBody().Set("description", "Campaigns").str(), mod_.token);
  ASSERT_EQ(edited.status, 200) << edited;
  EXPECT_EQ(JsonString(edited.body, "/description"), "Campaigns");
  EXPECT_EQ(Patch(Path(id), JsonBody().Set("visibility", "secret").str(), mod_.token).status, 403);
  EXPECT_EQ(
      JsonString(Patch(Path(id), JsonBody().Set("visibility", "private").str(), owner_.token).body,
                 "/visibility"),
      "private");
}

TEST_F(CommunitiesIntegrationTest, EveryModeratorActionIsAudited) {
  std::string id = Staffed("Audited", "private");
  ASSERT_EQ(Post(Path(id, "/join"), "", outsider_.token).status, 202);
  ASSERT_EQ(Post(Path(id, "/requests/" + outsider_.id + "/approve"), "", mod_.token).status, 200);
  ASSERT_EQ(Delete(Path(id, "/members/" + outsider_.id), mod_.token).status, 204);
  ASSERT_EQ(Post(Path(id, "/bans"),
                 JsonBody().Set("user_id", outsider_.id).Set("reason", "rude").str(), mod_.token)
                .status,
            201);
  ASSERT_EQ(Delete(Path(id, "/bans/" + outsider_.id), mod_.token).status, 204);
  ASSERT_EQ(Patch(Path(id), JsonBody().Set("description", "new").str(), mod_.token).status, 200);
  EXPECT_EQ(Actions(id),
            (std::vector<std::string>{"update", "unban", "ban", "remove_member", "approve_request",
                                      "set_role", "invite", "invite", "create"}));
  HttpResult audit = Get(Path(id, "/audit?limit=100"), owner_.token);
  EXPECT_EQ(JsonString(audit.body, "/items/2/note"), "rude");
  EXPECT_EQ(JsonString(audit.body, "/items/2/actor_id"), mod_.id);
  EXPECT_EQ(JsonString(audit.body, "/items/2/target_user_id"), outsider_.id);
  EXPECT_EQ(Get(Path(id, "/audit"), member_.token).status, 403);
  EXPECT_EQ(Get(Path(id, "/audit"), admin_token_).status, 200);
}

TEST_F(CommunitiesIntegrationTest, ListingSearchesAndPages) {
  for (int i = 0; i < 5; ++i) CreateCommunity(owner_, "Team " + std::to_string(i), "open");
  CreateCommunity(owner_, "100% remote", "open");
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    HttpResult r =
        Get("/api/v1/communities?q=team&limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor),
            outsider_.token);
    ASSERT_EQ(r.status, 200) << r;
    for (auto& id : JsonIds(r.body)) seen.push_back(id);
    cursor = JsonString(r.body, "/next_cursor").value_or("");
    if (cursor.empty()) break;
  }
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(JsonIds(Get("/api/v1/communities?q=100%25", outsider_.token).body).size(), 1u);
  EXPECT_EQ(JsonIds(Get("/api/v1/communities?q=%25", outsider_.token).body).size(),
            1u);  // literal %
}

}  // namespace
}  // namespace agora::integration
