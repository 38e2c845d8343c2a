// SCIM 2.0 provisioning over HTTP, as Okta and Microsoft Entra ID drive it: the provisioning
// token, Users (create, read, filter, page, replace, patch in both dialects, deactivate),
// the discovery documents, SCIM's error shape, and two IdP writes racing for one externalId.
#include <atomic>
#include <thread>

#include "tests/integration/integration_test.h"
#include "tests/integration/ws_client.h"

namespace agora::integration {
namespace {

constexpr char kEnterprise[] = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
constexpr char kGroupSchema[] = "urn:ietf:params:scim:schemas:core:2.0:Group";

std::string UrlEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// An Okta-shaped User: userName is the work email.
std::string OktaUser(const std::string& email, const std::string& given, const std::string& family,
                     const std::string& external_id, const std::string& extra = "") {
  return R"({"schemas":["urn:ietf:params:scim:schemas:core:2.0:User",")" +
         std::string(kEnterprise) + R"("],"userName":")" + email + R"(","externalId":")" +
         external_id + R"(","name":{"givenName":")" + given + R"(","familyName":")" + family +
         R"("},"emails":[{"primary":true,"value":")" + email +
         R"(","type":"work"}],"active":true)" + extra + "}";
}

class ScimTest : public IntegrationTest {
 protected:
  void SetUp() override {
    IntegrationTest::SetUp();
    scim_token_ = CreateToken("okta");
    ASSERT_FALSE(scim_token_.empty());
  }

  std::string CreateToken(const std::string& name) {
    CommandResult made = RunAgora(
        {"scim-token", "create", "--data", server().data_dir(), "--name", name}, std::nullopt);
    EXPECT_EQ(made.exit_status, 0) << made.output;
    size_t at = made.output.find("agscim_");
    if (at == std::string::npos) return "";
    return made.output.substr(at, made.output.find('\n', at) - at);
  }

  HttpResult Scim(const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return server().Request(method, "/scim/v2" + path, body, scim_token_);
  }
  std::string CreateScimUser(const std::string& body) {
    HttpResult r = Scim("POST", "/Users", body);
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  // The ids of the users a filter selects.
  std::vector<std::string> Filtered(const std::string& filter) {
    HttpResult r = Scim("GET", "/Users?filter=" + UrlEncode(filter));
    EXPECT_EQ(r.status, 200) << filter << "\n" << r;
    return JsonIds(r.body, "/Resources", "/id");
  }
  std::string ScimTypeOf(const HttpResult& r) {
    EXPECT_EQ(JsonStrings(r.body, "/schemas"),
              std::vector<std::string>{"urn:ietf:params:scim:api:messages:2.0:Error"})
        << r;
    EXPECT_EQ(JsonString(r.body, "/status"), std::to_string(r.status)) << r;
    return JsonString(r.body, "/scimType").value_or("");
  }
  HttpResult PatchOps(const std::string& id, const std::string& operations) {
    return Scim("PATCH", "/Users/" + id,
                R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" +
                    operations + "}");
  }

  // Groups.
  std::string CreateGroup(const std::string& name, const std::string& external_id = "",
                          const std::vector<std::string>& members = {}) {
    HttpResult r = Scim("POST", "/Groups", GroupBody(name, external_id, members));
    EXPECT_EQ(r.status, 201) << r;
    return JsonString(r.body, "/id").value_or("");
  }
  static std::string GroupBody(const std::string& name, const std::string& external_id,
                               const std::vector<std::string>& members) {
    std::string list;
    for (const auto& id : members) {
      list += std::string(list.empty() ? "" : ",") + R"({"value":")" + id + "\"}";
    }
    return R"({"schemas":[")" + std::string(kGroupSchema) + R"("],"displayName":")" + name +
           R"(","externalId":")" + external_id + R"(","members":[)" + list + "]}";
  }
  HttpResult PatchGroup(const std::string& id, const std::string& operations) {
    return Scim("PATCH", "/Groups/" + id,
                R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" +
                    operations + "}");
  }
  // The members SCIM shows, sorted.
  std::vector<std::string> GroupMembers(const std::string& id) {
    HttpResult r = Scim("GET", "/Groups/" + id);
    EXPECT_EQ(r.status, 200) << r;
    auto members = JsonIds(r.body, "/members", "/value");
    std::sort(members.begin(), members.end());
    return members;
  }
  // The community's members as Agora shows them to an admin: "id:source", sorted.
  std::vector<std::string> CommunityMembers(const std::string& id) {
    return MembersWithSource(id, admin_token_);
  }
  std::vector<std::string> GroupIds(const std::string& query) {
    HttpResult r = Scim("GET", "/Groups" + query);
    EXPECT_EQ(r.status, 200) << query << "\n" << r;
    return JsonIds(r.body, "/Resources", "/id");
  }
  std::string AdminId() {
    return JsonString(Get("/api/v1/me", admin_token_).body, "/id").value_or("");
  }
  static std::vector<std::string> Sorted(std::vector<std::string> values) {
    std::sort(values.begin(), values.end());
    return values;
  }

  std::string scim_token_;
};

TEST_F(ScimTest, OnlyAProvisioningTokenOpensScimAndItOpensNothingElse) {
  HttpResult none = server().Request("GET", "/scim/v2/Users");
  EXPECT_EQ(none.status, 401) << none;
  EXPECT_EQ(ScimTypeOf(none), "");
  EXPECT_EQ(server().Request("GET", "/scim/v2/Users", "", admin_token_).status, 401);
  EXPECT_EQ(Get("/api/v1/me", scim_token_).status, 401);
  EXPECT_EQ(Get("/api/v1/users/@admin", scim_token_).status, 401);
  HttpResult ok = Scim("GET", "/Users");
  EXPECT_EQ(ok.status, 200) << ok;
  EXPECT_EQ(ok.headers["content-type"], "application/scim+json");
}

TEST_F(ScimTest, ARevokedTokenStopsAtItsNextRequest) {
  ASSERT_EQ(Scim("GET", "/Users").status, 200);
  CommandResult listed =
      RunAgora({"scim-token", "list", "--data", server().data_dir()}, std::nullopt);
  ASSERT_EQ(listed.exit_status, 0) << listed.output;
  std::string id = listed.output.substr(0, listed.output.find('\t'));
  EXPECT_NE(listed.output.find("okta"), std::string::npos) << listed.output;
  CommandResult revoked =
      RunAgora({"scim-token", "revoke", "--data", server().data_dir(), id}, std::nullopt);
  ASSERT_EQ(revoked.exit_status, 0) << revoked.output;
  EXPECT_EQ(Scim("GET", "/Users").status, 401);
  CommandResult again =
      RunAgora({"scim-token", "revoke", "--data", server().data_dir(), id}, std::nullopt);
  EXPECT_EQ(again.exit_status, 2) << again.output;
}

TEST_F(ScimTest, CreatesAPersonWithAnEmailAsUserName) {
  HttpResult created =
      Scim("POST", "/Users",
           OktaUser("Ada.Lovelace@example.com", "Ada", "Lovelace", "00u1",
                    R"(,"title":"Engineer","addresses":[{"type":"work","locality":"London"}],)" +
                        std::string(R"(")") + kEnterprise +
                        R"(":{"department":"R&D","employeeNumber":"E-7"})"));
  ASSERT_EQ(created.status, 201) << created;
  std::string id = JsonString(created.body, "/id").value_or("");
  EXPECT_EQ(created.headers["location"], "/scim/v2/Users/" + id);
  EXPECT_FALSE(created.headers["etag"].empty());
  EXPECT_EQ(JsonString(created.body, "/userName"), "Ada.Lovelace@example.com");
  EXPECT_EQ(JsonString(created.body, "/displayName"), "Ada Lovelace");
  EXPECT_EQ(JsonString(created.body, "/meta/resourceType"), "User");
  EXPECT_EQ(JsonString(created.body, "/meta/version"), created.headers["etag"]);
  EXPECT_EQ(JsonString(created.body, "/addresses/0/locality"), "London");
  EXPECT_EQ(
      JsonString(created.body, std::string("/" + std::string(kEnterprise) + "/department").c_str()),
      "R&D");

  // The person, as the rest of Agora sees them: the email's local part as username.
  HttpResult person = Get("/api/v1/users/" + id, admin_token_);
  ASSERT_EQ(person.status, 200) << person;
  EXPECT_EQ(JsonString(person.body, "/username"), "ada.lovelace");
  EXPECT_EQ(JsonString(person.body, "/department"), "R&D");
  EXPECT_EQ(JsonString(person.body, "/location"), "London");
  // Nobody can sign in with a password SCIM never set.
  HttpResult login = Post(
      "/api/v1/auth/login",
      JsonBody().Set("username", "ada.lovelace").Set("password", "!provisioned-by-scim").str(), "");
  EXPECT_EQ(login.status, 401);

  HttpResult read = Scim("GET", "/Users/" + id);
  ASSERT_EQ(read.status, 200) << read;
  EXPECT_EQ(JsonString(read.body, "/externalId"), "00u1");
  EXPECT_EQ(Scim("GET", "/Users/999999").status, 404);
  EXPECT_EQ(Scim("GET", "/Users/nope").status, 404);

  // A second userName with the same local part gets the next free username.
  std::string other = CreateScimUser(OktaUser("ada.lovelace@other.example", "Ada", "L", "00u2"));
  EXPECT_EQ(JsonString(Get("/api/v1/users/" + other, admin_token_).body, "/username"),
            "ada.lovelace-2");
}

TEST_F(ScimTest, ATakenUserNameExternalIdOrEmailIsAUniquenessConflict) {
  CreateScimUser(OktaUser("grace@example.com", "Grace", "Hopper", "ext-1"));
  HttpResult same_name = Scim("POST", "/Users", OktaUser("GRACE@example.com", "G", "H", "ext-2"));
  EXPECT_EQ(same_name.status, 409) << same_name;
  EXPECT_EQ(ScimTypeOf(same_name), "uniqueness");
  HttpResult same_external = Scim("POST", "/Users", OktaUser("g2@example.com", "G", "H", "ext-1"));
  EXPECT_EQ(same_external.status, 409) << same_external;
  EXPECT_EQ(ScimTypeOf(same_external), "uniqueness");
  // An account made elsewhere holds its username as userName.
  HttpResult admin_name =
      Scim("POST", "/Users",
           R"({"userName":"admin","emails":[{"value":"other-admin@example.com","primary":true}]})");
  EXPECT_EQ(admin_name.status, 409) << admin_name;
}

TEST_F(ScimTest, BadResourcesAreRefusedAsInvalidValueOrSyntax) {
  HttpResult no_user_name = Scim("POST", "/Users", R"({"emails":[{"value":"a@example.com"}]})");
  EXPECT_EQ(no_user_name.status, 400) << no_user_name;
  EXPECT_EQ(ScimTypeOf(no_user_name), "invalidValue");
  HttpResult no_email = Scim("POST", "/Users", R"({"userName":"plainname"})");
  EXPECT_EQ(no_email.status, 400);
  EXPECT_EQ(ScimTypeOf(no_email), "invalidValue");
  HttpResult wrong_type =
      Scim("POST", "/Users", R"({"userName":"x@example.com","active":"maybe"})");
  EXPECT_EQ(ScimTypeOf(wrong_type), "invalidValue");
  HttpResult unknown_manager = Scim("POST", "/Users",
                                    R"({"userName":"y@example.com",")" + std::string(kEnterprise) +
                                        R"(":{"manager":{"value":"123456"}}})");
  EXPECT_EQ(unknown_manager.status, 400) << unknown_manager;
  HttpResult broken = Scim("POST", "/Users", R"({"userName":)");
  EXPECT_EQ(broken.status, 400);
  EXPECT_EQ(ScimTypeOf(broken), "invalidSyntax");
}

TEST_F(ScimTest, FiltersSelectUsersAsTheIdentityProvidersAsk) {
  std::string ada =
      CreateScimUser(OktaUser("ada@example.com", "Ada", "Lovelace", "A1",
                              R"(,"title":"Engineer",")" + std::string(kEnterprise) +
                                  R"(":{"department":"Research","employeeNumber":"100"})"));
  std::string bob =
      CreateScimUser(OktaUser("bob@example.com", "Bob", "Lovelock", "B2",
                              R"(,")" + std::string(kEnterprise) + R"(":{"department":"Sales"})"));
  std::string cy = CreateScimUser(OktaUser("cy@corp.example", "Cy", "Young", "C3"));
  ASSERT_EQ(PatchOps(cy, R"([{"op":"replace","path":"active","value":false}])").status, 200);

  using Ids = std::vector<std::string>;
  EXPECT_EQ(Filtered(R"(userName eq "ADA@example.com")"), Ids{ada});
  EXPECT_EQ(Filtered(R"(UserName Eq "bob@example.com")"), Ids{bob});
  EXPECT_EQ(Filtered(R"(externalId eq "B2")"), Ids{bob});
  EXPECT_EQ(Filtered(R"(externalId eq "b2")"), Ids{});  // caseExact
  EXPECT_EQ(Filtered(R"(emails[type eq "work"].value eq "cy@corp.example")"), Ids{cy});
  // Equality without case is equality of names: case, invisible characters and spaces around.
  EXPECT_EQ(Filtered("emails.value eq \" CY@Corp.\u200bExample\""), Ids{cy});
  EXPECT_EQ(Filtered("emails.value ne \"CY@CORP.EXAMPLE\" and name.familyName sw \"love\""),
            (Ids{ada, bob}));
  EXPECT_EQ(Filtered(R"(emails.value ew "@example.com" and externalId pr)"), (Ids{ada, bob}));
  EXPECT_EQ(Filtered(R"(name.familyName sw "love")"), (Ids{ada, bob}));
  EXPECT_EQ(Filtered(R"(name.familyName sw "love" and not (department eq "sales"))"), Ids{ada});
  EXPECT_EQ(Filtered(R"(title pr)"), Ids{ada});
  EXPECT_EQ(Filtered(R"(active eq false)"), Ids{cy});
  EXPECT_EQ(Filtered(R"(displayName co "ov" or userName eq "cy@corp.example")"),
            (Ids{ada, bob, cy}));
  EXPECT_EQ(Filtered(std::string(kEnterprise) + R"(:employeeNumber eq "100")"), Ids{ada});
  EXPECT_EQ(Filtered("id eq \"" + bob + "\""), Ids{bob});
  EXPECT_EQ(Filtered(R"(meta.lastModified gt "2000-01-01T00:00:00Z" and userName sw "ada@")"),
            (Ids{ada}));
  EXPECT_EQ(Filtered(R"((userName eq "x") or ((externalId eq "A1")))"), Ids{ada});

  for (const char* bad : {"userName", "userName eq", "userName zz \"a\"", "(userName eq \"a\"",
                          "nickName eq \"a\"", "active co \"t\"", "meta.lastModified gt \"soon\"",
                          "userName eq \"a\" and", "emails[type eq \"work\"", "urn:x:y eq \"a\""}) {
    HttpResult r = Scim("GET", "/Users?filter=" + UrlEncode(bad));
    EXPECT_EQ(r.status, 400) << bad << "\n" << r;
    EXPECT_EQ(ScimTypeOf(r), "invalidFilter") << bad;
  }
  // A value that looks like SQL is only ever a bound value.
  EXPECT_EQ(Filtered(R"(userName eq "x' OR '1'='1")"), Ids{});
}

TEST_F(ScimTest, ListsArePagedWithStartIndexAndCount) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ids.push_back(CreateScimUser(OktaUser("p" + std::to_string(i) + "@example.com", "P",
                                          std::to_string(i), "P" + std::to_string(i))));
  }
  std::string filter = "?filter=" + UrlEncode(R"(userName sw "p")");
  HttpResult page = Scim("GET", "/Users" + filter + "&startIndex=2&count=2");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(JsonInt(page.body, "/totalResults"), 5);
  EXPECT_EQ(JsonInt(page.body, "/startIndex"), 2);
  EXPECT_EQ(JsonInt(page.body, "/itemsPerPage"), 2);
  EXPECT_EQ(JsonIds(page.body, "/Resources", "/id"), (std::vector<std::string>{ids[1], ids[2]}));
  HttpResult counted = Scim("GET", "/Users" + filter + "&count=0");
  EXPECT_EQ(JsonInt(counted.body, "/totalResults"), 5);
  EXPECT_TRUE(JsonIds(counted.body, "/Resources", "/id").empty());
  EXPECT_EQ(Scim("GET", "/Users?count=many").status, 400);
}

TEST_F(ScimTest, PatchFollowsTheRfc) {
  std::string id = CreateScimUser(OktaUser("lin@example.com", "Lin", "Chen", "L1"));
  std::string boss = CreateScimUser(OktaUser("boss@example.com", "Big", "Boss", "B0"));
  HttpResult patched = PatchOps(id, R"([
    {"op":"replace","path":"name.familyName","value":"Chen-Wu"},
    {"op":"add","path":"title","value":"Lead"},
    {"op":"replace","path":"emails[type eq \"work\"].value","value":"lin.chen@example.com"},
    {"op":"add","path":"addresses[type eq \"work\"].locality","value":"Lyon"},
    {"op":"replace","path":")" + std::string(kEnterprise) +
                                        R"(:department","value":"Ops"},
    {"op":"add","path":")" + std::string(kEnterprise) +
                                        R"(:manager","value":{"value":")" + boss + R"("}},
    {"op":"replace","value":{"displayName":"Lin C.","externalId":"L1-new"}}])");
  ASSERT_EQ(patched.status, 200) << patched;
  EXPECT_EQ(JsonString(patched.body, "/name/familyName"), "Chen-Wu");
  EXPECT_EQ(JsonString(patched.body, "/title"), "Lead");
  EXPECT_EQ(JsonString(patched.body, "/emails/0/value"), "lin.chen@example.com");
  EXPECT_EQ(JsonString(patched.body, "/addresses/0/locality"), "Lyon");
  EXPECT_EQ(JsonString(patched.body, "/displayName"), "Lin C.");
  EXPECT_EQ(JsonString(patched.body, "/externalId"), "L1-new");
  HttpResult person = Get("/api/v1/users/" + id, admin_token_);
  EXPECT_EQ(JsonString(person.body, "/manager_id"), boss);
  EXPECT_EQ(JsonString(person.body, "/department"), "Ops");

  HttpResult removed = PatchOps(id, R"([{"op":"remove","path":"title"},
    {"op":"remove","path":")" + std::string(kEnterprise) +
                                        R"(:manager"}])");
  ASSERT_EQ(removed.status, 200) << removed;
  EXPECT_FALSE(JsonHas(removed.body, "/title"));
  EXPECT_TRUE(JsonIsNull(Get("/api/v1/users/" + id, admin_token_).body, "/manager_id"));
}

TEST_F(ScimTest, PatchSpeaksEntraIdsDialect) {
  std::string boss = CreateScimUser(OktaUser("chief@example.com", "Chief", "One", "E0"));
  std::string id = CreateScimUser(OktaUser("sam@example.com", "Sam", "Doe", "E1"));
  HttpResult patched = PatchOps(id, R"([
    {"op":"Add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":")" +
                                        boss + R"("},
    {"op":"Replace","value":{"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department":"Finance","name.givenName":"Samuel"}},
    {"op":"Add","path":"emails[type eq \"work\"].value","value":"samuel@example.com"}])");
  ASSERT_EQ(patched.status, 200) << patched;
  EXPECT_EQ(JsonString(patched.body, "/name/givenName"), "Samuel");
  EXPECT_EQ(JsonString(patched.body, "/emails/0/value"), "samuel@example.com");
  HttpResult person = Get("/api/v1/users/" + id, admin_token_);
  EXPECT_EQ(JsonString(person.body, "/manager_id"), boss);
  EXPECT_EQ(JsonString(person.body, "/department"), "Finance");

  // Entra ID disables an account with the string "False".
  HttpResult disabled = PatchOps(id, R"([{"op":"Replace","path":"active","value":"False"}])");
  ASSERT_EQ(disabled.status, 200) << disabled;
  EXPECT_EQ(JsonBool(disabled.body, "/active"), false);
  HttpResult enabled = PatchOps(id, R"([{"op":"Replace","path":"active","value":"True"}])");
  EXPECT_EQ(JsonBool(enabled.body, "/active"), true);
}

TEST_F(ScimTest, PatchErrorsCarryTheRfcsScimTypes) {
  std::string id = CreateScimUser(OktaUser("err@example.com", "E", "R", "X1"));
  auto type_of = [&](const std::string& operations) {
    HttpResult r = PatchOps(id, operations);
    EXPECT_EQ(r.status, 400) << operations << "\n" << r;
    return ScimTypeOf(r);
  };
  EXPECT_EQ(type_of(R"([{"op":"remove"}])"), "noTarget");
  EXPECT_EQ(
      type_of(
          R"([{"op":"replace","path":"emails[type eq \"home\"].value","value":"x@example.com"}])"),
      "noTarget");
  EXPECT_EQ(type_of(R"([{"op":"replace","path":"id","value":"1"}])"), "mutability");
  EXPECT_EQ(type_of(R"([{"op":"replace","path":"meta.created","value":"x"}])"), "mutability");
  EXPECT_EQ(type_of(R"([{"op":"replace","path":"shoeSize","value":"42"}])"), "invalidPath");
  EXPECT_EQ(type_of(R"([{"op":"replace","path":"emails[type eq","value":"x"}])"), "invalidPath");
  EXPECT_EQ(type_of(R"([{"op":"move","path":"title","value":"x"}])"), "invalidSyntax");
  EXPECT_EQ(type_of(R"([])"), "invalidSyntax");
  EXPECT_EQ(type_of(R"([{"op":"replace","path":"active","value":"perhaps"}])"), "invalidValue");
  EXPECT_EQ(type_of(R"([{"op":"remove","path":"userName"}])"), "invalidValue");
  // Nothing of a refused PATCH was kept.
  EXPECT_EQ(JsonString(Scim("GET", "/Users/" + id).body, "/userName"), "err@example.com");
  EXPECT_EQ(PatchOps("424242", R"([{"op":"remove","path":"title"}])").status, 404);
}

TEST_F(ScimTest, PutReplacesTheWholeResource) {
  std::string id =
      CreateScimUser(OktaUser("kim@example.com", "Kim", "Lee", "K1", R"(,"title":"Analyst")"));
  HttpResult put =
      Scim("PUT", "/Users/" + id,
           R"({"userName":"kim.lee@example.com","name":{"givenName":"Kim","familyName":"Lee"},
                            "emails":[{"value":"kim.lee@example.com","primary":true}]})");
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(JsonString(put.body, "/userName"), "kim.lee@example.com");
  EXPECT_FALSE(JsonHas(put.body, "/title"));
  EXPECT_FALSE(JsonHas(put.body, "/externalId"));
  EXPECT_EQ(Scim("PUT", "/Users/31337", R"({"userName":"z@example.com"})").status, 404);
}

TEST_F(ScimTest, DeactivationEndsSessionsAndKeepsContent) {
  // Accounts made with a password (not by SCIM), so that signing in can be checked.
  TestUser colleague = CreateAndLogin("colleague");
  std::string post = WritePost(colleague, "a post that stays");
  ASSERT_FALSE(post.empty());

  TestUser other = CreateAndLogin("otherone");
  HttpResult gone = Scim("DELETE", "/Users/" + std::string(other.id));
  EXPECT_EQ(gone.status, 204) << gone;
  EXPECT_EQ(Get("/api/v1/me", other.token).status, 401);
  HttpResult read = Scim("GET", "/Users/" + other.id);
  EXPECT_EQ(JsonBool(read.body, "/active"), false);

  WsClient stream(server().endpoint(), "/api/v1/stream?access_token=" + colleague.token);
  ASSERT_TRUE(stream.open());
  ASSERT_EQ(PatchOps(colleague.id, R"([{"op":"replace","value":{"active":false}}])").status, 200);
  EXPECT_EQ(Get("/api/v1/me", colleague.token).status, 401);
  EXPECT_TRUE(stream.WaitClosed());
  HttpResult kept = Get("/api/v1/posts/" + post, admin_token_);
  EXPECT_EQ(kept.status, 200) << kept;
  EXPECT_EQ(JsonString(kept.body, "/author/id"), colleague.id);
  HttpResult login = Post(
      "/api/v1/auth/login",
      JsonBody().Set("username", "colleague").Set("password", TestServer::kDefaultPassword).str(),
      "");
  EXPECT_EQ(login.status, 401);
  // Reactivated, the person signs in again.
  ASSERT_EQ(PatchOps(colleague.id, R"([{"op":"replace","path":"active","value":true}])").status,
            200);
  EXPECT_EQ(Post("/api/v1/auth/login",
                 JsonBody()
                     .Set("username", "colleague")
                     .Set("password", TestServer::kDefaultPassword)
                     .str(),
                 "")
                .status,
            200);
}

TEST_F(ScimTest, TwoProvisioningsOfOneExternalIdMakeOneAccount) {
  for (int round = 0; round < 15; ++round) {
    std::string external = "race-" + std::to_string(round);
    std::atomic<int> created{0};
    std::atomic<int> conflicts{0};
    auto provision = [&](const std::string& email) {
      HttpResult r = Scim("POST", "/Users", OktaUser(email, "R", "Ace", external));
      if (r.status == 201) ++created;
      if (r.status == 409 && JsonString(r.body, "/scimType") == "uniqueness") ++conflicts;
    };
    std::thread okta(provision, "r" + std::to_string(round) + "a@example.com");
    std::thread entra(provision, "r" + std::to_string(round) + "b@example.com");
    okta.join();
    entra.join();
    EXPECT_EQ(created.load(), 1) << "round " << round;
    EXPECT_EQ(conflicts.load(), 1) << "round " << round;
    EXPECT_EQ(Filtered("externalId eq \"" + external + "\"").size(), 1u);
  }
}

TEST_F(ScimTest, DiscoveryDocumentsDescribeTheService) {
  HttpResult config = Scim("GET", "/ServiceProviderConfig");
  ASSERT_EQ(config.status, 200) << config;
  EXPECT_EQ(JsonBool(config.body, "/patch/supported"), true);
  EXPECT_EQ(JsonBool(config.body, "/filter/supported"), true);
  EXPECT_EQ(JsonString(config.body, "/authenticationSchemes/0/type"), "oauthbearertoken");
  HttpResult schemas = Scim("GET", "/Schemas");
  EXPECT_EQ(JsonIds(schemas.body, "/Resources", "/id"),
            (std::vector<std::string>{"urn:ietf:params:scim:schemas:core:2.0:User", kEnterprise,
                                      kGroupSchema}));
  HttpResult user_schema = Scim("GET", "/Schemas/urn:ietf:params:scim:schemas:core:2.0:User");
  EXPECT_EQ(JsonString(user_schema.body, "/attributes/0/name"), "userName");
  EXPECT_EQ(Scim("GET", "/Schemas/urn:nope").status, 404);
  HttpResult types = Scim("GET", "/ResourceTypes");
  EXPECT_EQ(JsonIds(types.body, "/Resources", "/id"), (std::vector<std::string>{"User", "Group"}));
  EXPECT_EQ(JsonString(Scim("GET", "/ResourceTypes/Group").body, "/endpoint"), "/Groups");
  HttpResult bulk = Scim("POST", "/Bulk", "{}");
  EXPECT_EQ(bulk.status, 404) << bulk;
  EXPECT_EQ(ScimTypeOf(bulk), "");
  EXPECT_EQ(JsonString(Scim("GET", "/ResourceTypes/User").body, "/schemaExtensions/0/schema"),
            kEnterprise);
}

TEST_F(ScimTest, TheLastActiveAdminIsNotDeactivated) {
  std::string admin = AdminId();
  HttpResult deleted = Scim("DELETE", "/Users/" + admin);
  EXPECT_EQ(deleted.status, 400) << deleted;
  EXPECT_EQ(ScimTypeOf(deleted), "mutability");
  HttpResult patched = PatchOps(admin, R"([{"op":"replace","path":"active","value":false}])");
  EXPECT_EQ(patched.status, 400) << patched;
  EXPECT_EQ(ScimTypeOf(patched), "mutability");
  EXPECT_EQ(JsonBool(Scim("GET", "/Users/" + admin).body, "/active"), true);
  EXPECT_EQ(Get("/api/v1/me", admin_token_).status, 200);
}

TEST_F(ScimTest, APostedGroupIsAPrivateCommunityOwnedByTheFirstAdmin) {
  std::string ada = CreateUser("ada");
  HttpResult created = Scim("POST", "/Groups", GroupBody("Platform team", "okta-g1", {ada}));
  ASSERT_EQ(created.status, 201) << created;
  std::string id = JsonString(created.body, "/id").value_or("");
  EXPECT_EQ(created.headers["location"], "/scim/v2/Groups/" + id);
  EXPECT_EQ(JsonString(created.body, "/displayName"), "Platform team");
  EXPECT_EQ(JsonString(created.body, "/externalId"), "okta-g1");
  EXPECT_EQ(JsonString(created.body, "/meta/resourceType"), "Group");
  EXPECT_EQ(JsonIds(created.body, "/members", "/value"), std::vector<std::string>{ada});
  HttpResult community = Get("/api/v1/communities/" + id, admin_token_);
  ASSERT_EQ(community.status, 200) << community;
  EXPECT_EQ(JsonString(community.body, "/name"), "Platform team");
  EXPECT_EQ(JsonString(community.body, "/visibility"), "private");
  EXPECT_EQ(CommunityMembers(id), Sorted({ada + ":scim", AdminId() + ":manual"}));
  HttpResult audit = Get("/api/v1/communities/" + id + "/audit", admin_token_);
  EXPECT_NE(audit.body.find("scim_join"), std::string::npos) << audit;
  EXPECT_NE(audit.body.find("scim token 'okta'"), std::string::npos) << audit;
}

TEST_F(ScimTest, GroupsAreRefusedWhatAgoraCannotKeep) {
  std::string ada = CreateUser("ada");
  CreateGroup("Taken name");
  HttpResult taken = Scim("POST", "/Groups", GroupBody("taken NAME", "", {}));
  EXPECT_EQ(taken.status, 409) << taken;
  EXPECT_EQ(ScimTypeOf(taken), "uniqueness");
  HttpResult nobody = Scim("POST", "/Groups", GroupBody("Ghosts", "", {ada, "999999"}));
  EXPECT_EQ(nobody.status, 400) << nobody;
  EXPECT_EQ(ScimTypeOf(nobody), "invalidValue");
  HttpResult unnamed = Scim("POST", "/Groups", R"({"members":[]})");
  EXPECT_EQ(unnamed.status, 400) << unnamed;
  EXPECT_EQ(ScimTypeOf(unnamed), "invalidValue");
  HttpResult bad_filter = Scim("GET", "/Groups?filter=" + UrlEncode("shoeSize eq \"42\""));
  EXPECT_EQ(bad_filter.status, 400) << bad_filter;
  EXPECT_EQ(ScimTypeOf(bad_filter), "invalidFilter");
  EXPECT_EQ(Scim("GET", "/Groups/999999").status, 404);
  // Nothing of a refused Group was kept.
  EXPECT_EQ(GroupIds("").size(), 1u);
}

TEST_F(ScimTest, GroupsAreFilteredAndPagedAsTheIdentityProvidersAsk) {
  std::string ada = CreateUser("ada");
  std::string bob = CreateUser("bob");
  std::string first = CreateGroup("Design guild", "ext-1", {ada});
  std::string second = CreateGroup("Data guild", "ext-2", {ada, bob});
  std::string third = CreateGroup("Support", "ext-3", {});
  // A community made in Agora is not a Group.
  CreateCommunity(TestUser{AdminId(), "admin", admin_token_}, "Made by hand", "open");
  EXPECT_EQ(GroupIds(""), (std::vector<std::string>{first, second, third}));
  auto filtered = [&](const std::string& filter) {
    return GroupIds("?filter=" + UrlEncode(filter));
  };
  EXPECT_EQ(filtered("displayName eq \"design GUILD\""), std::vector<std::string>{first});
  EXPECT_EQ(filtered("externalId eq \"ext-3\""), std::vector<std::string>{third});
  EXPECT_EQ(filtered("id eq \"" + second + "\""), std::vector<std::string>{second});
  EXPECT_EQ(filtered("members[value eq \"" + bob + "\"]"), std::vector<std::string>{second});
  EXPECT_EQ(filtered("id eq \"" + first + "\" and members[value eq \"" + bob + "\"]"),
            std::vector<std::string>{});
  EXPECT_EQ(filtered("displayName sw \"d\" or members pr"),
            (std::vector<std::string>{first, second}));
  HttpResult page = Scim("GET", "/Groups?startIndex=2&count=1");
  EXPECT_EQ(JsonInt(page.body, "/totalResults"), 3);
  EXPECT_EQ(JsonInt(page.body, "/startIndex"), 2);
  EXPECT_EQ(JsonIds(page.body, "/Resources", "/id"), std::vector<std::string>{second});
  HttpResult lean = Scim("GET", "/Groups?excludedAttributes=members&filter=" +
                                    UrlEncode("displayName eq \"Data guild\""));
  EXPECT_EQ(JsonIds(lean.body, "/Resources", "/id"), std::vector<std::string>{second});
  EXPECT_EQ(lean.body.find("\"members\""), std::string::npos) << lean;
  HttpResult one = Scim("GET", "/Groups/" + second + "?excludedAttributes=members");
  EXPECT_EQ(one.body.find("\"members\""), std::string::npos) << one;
}

TEST_F(ScimTest, GroupPatchFollowsTheRfc) {
  std::string ada = CreateUser("ada");
  std::string bob = CreateUser("bob");
  std::string id = CreateGroup("Guild", "g", {});
  HttpResult added = PatchGroup(id, R"([{"op":"add","path":"members","value":[{"value":")" + ada +
                                        R"("},{"value":")" + bob + R"("}]}])");
  ASSERT_EQ(added.status, 200) << added;
  EXPECT_EQ(GroupMembers(id), Sorted({ada, bob}));
  HttpResult removed =
      PatchGroup(id, R"([{"op":"remove","path":"members[value eq \")" + ada + R"(\"]"}])");
  ASSERT_EQ(removed.status, 200) << removed;
  EXPECT_EQ(GroupMembers(id), std::vector<std::string>{bob});
  HttpResult renamed =
      PatchGroup(id, R"([{"op":"replace","path":"displayName","value":"Guild of makers"}])");
  ASSERT_EQ(renamed.status, 200) << renamed;
  EXPECT_EQ(JsonString(Get("/api/v1/communities/" + id, admin_token_).body, "/name"),
            "Guild of makers");
  HttpResult emptied = PatchGroup(id, R"([{"op":"remove","path":"members"}])");
  ASSERT_EQ(emptied.status, 200) << emptied;
  EXPECT_EQ(GroupMembers(id), std::vector<std::string>{});
  EXPECT_EQ(CommunityMembers(id), std::vector<std::string>{AdminId() + ":manual"});
  HttpResult no_target = PatchGroup(id, R"([{"op":"remove","path":"members[value eq \"404\"]"}])");
  EXPECT_EQ(no_target.status, 400) << no_target;
  EXPECT_EQ(ScimTypeOf(no_target), "noTarget");
  HttpResult read_only = PatchGroup(id, R"([{"op":"replace","path":"id","value":"1"}])");
  EXPECT_EQ(ScimTypeOf(read_only), "mutability");
}

TEST_F(ScimTest, GroupPatchSpeaksEntraAndOktaDialects) {
  std::string ada = CreateUser("ada");
  std::string bob = CreateUser("bob");
  std::string id = CreateGroup("Entra group", "e", {});
  HttpResult added = PatchGroup(id, R"([{"op":"Add","path":"members","value":[{"value":")" + ada +
                                        R"("},{"value":")" + bob + R"("}]}])");
  ASSERT_EQ(added.status, 200) << added;
  EXPECT_EQ(GroupMembers(id), Sorted({ada, bob}));
  HttpResult removed =
      PatchGroup(id, R"([{"op":"Remove","path":"members","value":[{"value":")" + bob + R"("}]}])");
  ASSERT_EQ(removed.status, 200) << removed;
  EXPECT_EQ(GroupMembers(id), std::vector<std::string>{ada});
  HttpResult entra_rename =
      PatchGroup(id, R"([{"op":"Replace","value":{"displayName":"Renamed by Entra"}}])");
  ASSERT_EQ(entra_rename.status, 200) << entra_rename;
  EXPECT_EQ(JsonString(entra_rename.body, "/displayName"), "Renamed by Entra");
  // Okta restates the id in a path-less replace.
  HttpResult okta_rename = PatchGroup(
      id, R"([{"op":"replace","value":{"id":")" + id + R"(","displayName":"Renamed by Okta"}}])");
  ASSERT_EQ(okta_rename.status, 200) << okta_rename;
  EXPECT_EQ(JsonString(okta_rename.body, "/displayName"), "Renamed by Okta");
  EXPECT_EQ(GroupMembers(id), std::vector<std::string>{ada});
}

TEST_F(ScimTest, TheIdentityProvidersMembersLeaveOnlyThroughIt) {
  TestUser ada = CreateAndLogin("ada");
  std::string id = CreateGroup("Managed", "m", {ada.id});
  HttpResult removed = Delete("/api/v1/communities/" + id + "/members/" + ada.id, admin_token_);
  EXPECT_EQ(removed.status, 409) << removed;
  EXPECT_EQ(ErrorCode(removed.body), "idp_managed");
  HttpResult left = Post("/api/v1/communities/" + id + "/leave", "", ada.token);
  EXPECT_EQ(left.status, 409) << left;
  EXPECT_EQ(ErrorCode(left.body), "idp_managed");
  EXPECT_EQ(CommunityMembers(id), Sorted({ada.id + ":scim", AdminId() + ":manual"}));
  // A member by hand whom the group then names is the identity provider's from then on.
  TestUser bob = CreateAndLogin("bob");
  HttpResult invited = Post("/api/v1/communities/" + id + "/invitations",
                            JsonBody().Set("user_id", bob.id).str(), admin_token_);
  ASSERT_LT(invited.status, 300) << invited;
  ASSERT_EQ(
      PatchGroup(id, R"([{"op":"add","path":"members","value":[{"value":")" + bob.id + R"("}]}])")
          .status,
      200);
  EXPECT_EQ(CommunityMembers(id),
            Sorted({ada.id + ":scim", bob.id + ":scim", AdminId() + ":manual"}));
  // PUT says who is in: ada leaves, bob stays.
  HttpResult put = Scim("PUT", "/Groups/" + id, GroupBody("Managed", "m", {bob.id}));
  ASSERT_EQ(put.status, 200) << put;
  EXPECT_EQ(CommunityMembers(id), Sorted({bob.id + ":scim", AdminId() + ":manual"}));
  HttpResult audit = Get("/api/v1/communities/" + id + "/audit", admin_token_);
  EXPECT_NE(audit.body.find("scim_leave"), std::string::npos) << audit;
}

TEST_F(ScimTest, DeletingAGroupKeepsTheCommunityAndHandsItsMembersToItsOwners) {
  TestUser ada = CreateAndLogin("ada");
  std::string id = CreateGroup("Short lived", "s", {ada.id});
  HttpResult deleted = Scim("DELETE", "/Groups/" + id);
  EXPECT_EQ(deleted.status, 204) << deleted;
  EXPECT_EQ(Scim("GET", "/Groups/" + id).status, 404);
  EXPECT_EQ(Scim("DELETE", "/Groups/" + id).status, 404);
  EXPECT_EQ(GroupIds(""), std::vector<std::string>{});
  EXPECT_EQ(Get("/api/v1/communities/" + id, admin_token_).status, 200);
  EXPECT_EQ(CommunityMembers(id), Sorted({ada.id + ":manual", AdminId() + ":manual"}));
  EXPECT_LT(Post("/api/v1/communities/" + id + "/leave", "", ada.token).status, 300);
}

TEST_F(ScimTest, TwoPatchesAddingMembersAtOnceLoseNothing) {
  std::string id = CreateGroup("Raced", "r", {});
  std::vector<std::string> everyone;
  for (int round = 0; round < 10; ++round) {
    std::string first = CreateUser("race" + std::to_string(round) + "a");
    std::string second = CreateUser("race" + std::to_string(round) + "b");
    auto add = [&](const std::string& user) {
      HttpResult r = PatchGroup(
          id, R"([{"op":"add","path":"members","value":[{"value":")" + user + R"("}]}])");
      EXPECT_EQ(r.status, 200) << r;
    };
    std::thread okta(add, first);
    std::thread entra(add, second);
    okta.join();
    entra.join();
    everyone.push_back(first);
    everyone.push_back(second);
    EXPECT_EQ(GroupMembers(id), Sorted(everyone)) << "round " << round;
  }
}

}  // namespace
}  // namespace agora::integration
