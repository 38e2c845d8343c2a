// Issue 14's lifecycle for admins and people (api.md "Accounts and sessions"): changing one's
// password, admin password resets, reactivation, the admin's list of accounts, and personal
// access tokens with their scopes.

#include <atomic>
#include <ctime>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"
#include "tests/integration/ws_client.h"

namespace agora::integration {
namespace {

constexpr const char* kNewPassword = "a-brand-new-password-2";

// The RFC 3339 UTC time `days` from now, to the second.
std::string DaysFromNow(int days) {
  std::time_t at = std::time(nullptr) + static_cast<std::time_t>(days) * 24 * 3600;
  std::tm utc{};
  gmtime_r(&at, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

class AccountLifecycleTest : public IntegrationTest {
 protected:
  HttpResult LoginAttempt(const std::string& username, const std::string& password) {
    return Post("/api/v1/auth/login",
                JsonBody().Set("username", username).Set("password", password).str(), "");
  }
  HttpResult ChangePassword(const std::string& token, const std::string& current,
                            const std::string& next) {
    return Post("/api/v1/me/password",
                JsonBody().Set("current_password", current).Set("new_password", next).str(), token);
  }
  // POST /api/v1/users/{id}/password_reset as the admin; the reset token.
  std::string IssueReset(const std::string& user_id) {
    HttpResult issued = Post("/api/v1/users/" + user_id + "/password_reset", "", admin_token_);
    EXPECT_EQ(issued.status, 201) << issued;
    return JsonString(issued.body, "/reset_token").value_or("");
  }
  HttpResult Redeem(const std::string& reset_token, const std::string& password) {
    return Post("/api/v1/auth/password_reset",
                JsonBody().Set("reset_token", reset_token).Set("new_password", password).str(), "");
  }
  // POST /api/v1/me/tokens by `owner_token`; the whole answer.
  HttpResult CreateToken(const std::string& owner_token, const std::string& name,
                         const std::vector<std::string>& scopes) {
    return Post("/api/v1/me/tokens", JsonBody().Set("name", name).Set("scopes", scopes).str(),
                owner_token);
  }
  // A new token's secret ("" and a failure else).
  std::string NewToken(const std::string& owner_token, const std::vector<std::string>& scopes,
                       const std::string& name = "bot") {
    HttpResult created = CreateToken(owner_token, name, scopes);
    EXPECT_EQ(created.status, 201) << created;
    return JsonString(created.body, "/token").value_or("");
  }
  // Runs `sql` on the server's store, as an operator (or time) would change it.
  void ExecSql(const std::string& sql) { server().ExecSql(sql); }
  // The actions of account_audit about `user_id`, oldest first.
  std::vector<std::string> AuditActions(const std::string& user_id) {
    return server().SqlColumn("SELECT action FROM account_audit WHERE user_id = " + user_id +
                              " ORDER BY id");
  }
};

// --- Changing one's password ---

TEST_F(AccountLifecycleTest, ChangingThePasswordEndsEveryOtherSessionButTheCallers) {
  TestUser alice = CreateAndLogin("alice");
  std::string other_session = server().Login("alice", TestServer::kDefaultPassword);

  HttpResult changed = ChangePassword(alice.token, TestServer::kDefaultPassword, kNewPassword);

  ASSERT_EQ(changed.status, 204) << changed;
  EXPECT_EQ(Get("/api/v1/me", alice.token).status, 200);
  EXPECT_EQ(Get("/api/v1/me", other_session).status, 401);
  EXPECT_EQ(LoginAttempt("alice", TestServer::kDefaultPassword).status, 401);
  EXPECT_EQ(LoginAttempt("alice", kNewPassword).status, 200);
}

TEST_F(AccountLifecycleTest, WrongCurrentPasswordIsRefusedAndThrottledLikeALogin) {
  TestUser alice = CreateAndLogin("alice");
  for (int attempt = 1; attempt <= 10; ++attempt) {
    HttpResult wrong = ChangePassword(alice.token, "not-my-password", kNewPassword);
    ASSERT_EQ(wrong.status, 403) << "attempt " << attempt << ": " << wrong;
    ASSERT_EQ(ErrorCode(wrong.body), "wrong_password");
  }

  HttpResult throttled = ChangePassword(alice.token, TestServer::kDefaultPassword, kNewPassword);

  EXPECT_EQ(throttled.status, 429) << throttled;
  EXPECT_TRUE(throttled.has_header("Retry-After"));
  // One account, one throttle: guessing here locks the login too, and nothing changed.
  EXPECT_EQ(LoginAttempt("alice", kNewPassword).status, 429);
  EXPECT_EQ(Get("/api/v1/me", alice.token).status, 200);
}

TEST_F(AccountLifecycleTest, NewPasswordFollowsThePasswordRules) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult too_short = ChangePassword(alice.token, TestServer::kDefaultPassword, "short");
  HttpResult too_long =
      ChangePassword(alice.token, TestServer::kDefaultPassword, std::string(1025, 'x'));
  HttpResult missing =
      Post("/api/v1/me/password",
           JsonBody().Set("current_password", TestServer::kDefaultPassword).str(), alice.token);
  HttpResult unknown_field = Post("/api/v1/me/password",
                                  JsonBody()
                                      .Set("current_password", TestServer::kDefaultPassword)
                                      .Set("new_password", kNewPassword)
                                      .Set("user_id", alice.id)
                                      .str(),
                                  alice.token);

  EXPECT_EQ(too_short.status, 422) << too_short;
  EXPECT_EQ(ErrorCode(too_short.body), "invalid_password");
  EXPECT_EQ(too_long.status, 422) << too_long;
  EXPECT_EQ(missing.status, 422) << missing;
  EXPECT_EQ(unknown_field.status, 422) << unknown_field;
  EXPECT_EQ(ChangePassword(alice.token, TestServer::kDefaultPassword, std::string(8, 'x')).status,
            204);
  EXPECT_EQ(Post("/api/v1/me/password", "", "").status, 401);
}

// Real password hashing (~0.1 s a check), so a change can land while a login verifies.
class InteractiveAccountLifecycleTest : public AccountLifecycleTest {
 protected:
  std::vector<std::string> ServeArgs() const override { return {"--password-cost", "interactive"}; }
};

TEST_F(InteractiveAccountLifecycleTest,
       LoginRacingAPasswordChangeNeverKeepsTheOldPasswordsSession) {
  // A login that checked the old password just before the change must not hand out a session
  // that outlives it: once the change answered, only the caller's own session remains.
  for (int delay_ms : {0, 50, 100, 150, 200}) {
    SCOPED_TRACE("change " + std::to_string(delay_ms) + " ms into the login");
    TestUser person = CreateAndLogin("racer" + std::to_string(delay_ms));
    HttpResult login;
    std::thread logging_in(
        [&] { login = LoginAttempt(person.username, TestServer::kDefaultPassword); });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    HttpResult changed = ChangePassword(person.token, TestServer::kDefaultPassword, kNewPassword);
    logging_in.join();

    ASSERT_EQ(changed.status, 204) << changed;
    if (login.status == 200) {
      HttpResult me = Get("/api/v1/me", JsonString(login.body, "/token").value_or(""));
      EXPECT_EQ(me.status, 401) << "a session won with the old password survived: " << me;
    } else {
      EXPECT_EQ(login.status, 401) << login;
    }
    EXPECT_EQ(Get("/api/v1/me", person.token).status, 200);
  }
}

// --- Admin password reset ---

TEST_F(AccountLifecycleTest, ResetTokenSetsANewPasswordOnceAndEndsEverySession) {
  TestUser alice = CreateAndLogin("alice");
  HttpResult issued = Post("/api/v1/users/" + alice.id + "/password_reset", "", admin_token_);
  ASSERT_EQ(issued.status, 201) << issued;
  std::string reset_token = JsonString(issued.body, "/reset_token").value_or("");
  EXPECT_TRUE(JsonHas(issued.body, "/expires_at"));

  HttpResult redeemed = Redeem(reset_token, kNewPassword);

  EXPECT_EQ(redeemed.status, 204) << redeemed;
  EXPECT_EQ(Get("/api/v1/me", alice.token).status, 401);
  EXPECT_EQ(LoginAttempt("alice", TestServer::kDefaultPassword).status, 401);
  EXPECT_EQ(LoginAttempt("alice", kNewPassword).status, 200);
  HttpResult again = Redeem(reset_token, "yet-another-password");
  EXPECT_EQ(again.status, 422) << again;
  EXPECT_EQ(ErrorCode(again.body), "invalid_reset_token");
  EXPECT_EQ(LoginAttempt("alice", kNewPassword).status, 200);
}

TEST_F(AccountLifecycleTest, UsedExpiredAndUnknownResetTokensAllAnswerTheSame) {
  std::string alice = CreateUser("alice");
  std::string bob = CreateUser("bob");
  std::string used = IssueReset(alice);
  ASSERT_EQ(Redeem(used, kNewPassword).status, 204);
  std::string expired = IssueReset(bob);
  ExecSql("UPDATE password_resets SET expires_at = 1");

  HttpResult answers[] = {Redeem(used, kNewPassword), Redeem(expired, kNewPassword),
                          Redeem("agx_not-a-token-anyone-was-given", kNewPassword),
                          Redeem("garbage", kNewPassword)};

  for (const HttpResult& answer : answers) {
    EXPECT_EQ(answer.status, 422) << answer;
    EXPECT_EQ(answer.body, answers[0].body);
  }
  EXPECT_EQ(ErrorCode(answers[0].body), "invalid_reset_token");
  EXPECT_EQ(LoginAttempt("bob", TestServer::kDefaultPassword).status, 200);
}

TEST_F(AccountLifecycleTest, ANewResetTokenReplacesTheOlderOne) {
  std::string alice = CreateUser("alice");
  std::string first = IssueReset(alice);
  std::string second = IssueReset(alice);

  EXPECT_EQ(Redeem(first, kNewPassword).status, 422);
  EXPECT_EQ(Redeem(second, kNewPassword).status, 204);
}

TEST_F(AccountLifecycleTest, AWeakPasswordDoesNotSpendTheResetToken) {
  std::string alice = CreateUser("alice");
  std::string reset_token = IssueReset(alice);

  HttpResult weak = Redeem(reset_token, "short");

  EXPECT_EQ(weak.status, 422) << weak;
  EXPECT_EQ(ErrorCode(weak.body), "invalid_password");
  EXPECT_EQ(Redeem(reset_token, kNewPassword).status, 204);
}

TEST_F(AccountLifecycleTest, ADeactivatedAccountCannotBeResetInto) {
  std::string alice = CreateUser("alice");
  std::string reset_token = IssueReset(alice);
  ASSERT_EQ(Post("/api/v1/users/" + alice + "/deactivate", "", admin_token_).status, 200);

  HttpResult redeemed = Redeem(reset_token, kNewPassword);
  HttpResult issued = Post("/api/v1/users/" + alice + "/password_reset", "", admin_token_);

  EXPECT_EQ(redeemed.status, 422) << redeemed;
  EXPECT_EQ(ErrorCode(redeemed.body), "invalid_reset_token");
  EXPECT_EQ(issued.status, 409) << issued;
  EXPECT_EQ(ErrorCode(issued.body), "account_inactive");
  ASSERT_EQ(Post("/api/v1/users/" + alice + "/reactivate", "", admin_token_).status, 200);
  EXPECT_EQ(LoginAttempt("alice", kNewPassword).status, 401);
  EXPECT_EQ(LoginAttempt("alice", TestServer::kDefaultPassword).status, 200);
}

TEST_F(AccountLifecycleTest, OnlyAdminsIssueResetTokens) {
  TestUser alice = CreateAndLogin("alice");
  std::string bob = CreateUser("bob");

  EXPECT_EQ(Post("/api/v1/users/" + bob + "/password_reset", "", alice.token).status, 403);
  EXPECT_EQ(Post("/api/v1/users/" + alice.id + "/password_reset", "", alice.token).status, 403);
  EXPECT_EQ(Post("/api/v1/users/424242/password_reset", "", admin_token_).status, 404);
  EXPECT_EQ(Post("/api/v1/users/@bob/password_reset", "", admin_token_).status, 201);
}

TEST_F(AccountLifecycleTest, TwoConcurrentUsesOfOneResetTokenExactlyOneSucceeds) {
  for (int round = 0; round < 8; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    std::string id = CreateUser("twice" + std::to_string(round));
    std::string reset_token = IssueReset(id);
    HttpResult answers[2];
    std::thread racers[2];
    for (int i = 0; i < 2; ++i) {
      racers[i] = std::thread(
          [&, i] { answers[i] = Redeem(reset_token, "password-of-racer-" + std::to_string(i)); });
    }
    for (auto& racer : racers) racer.join();

    int succeeded = (answers[0].status == 204) + (answers[1].status == 204);
    EXPECT_EQ(succeeded, 1) << answers[0] << " / " << answers[1];
    int winner = answers[0].status == 204 ? 0 : 1;
    EXPECT_EQ(answers[1 - winner].status, 422);
    EXPECT_EQ(
        LoginAttempt("twice" + std::to_string(round), "password-of-racer-" + std::to_string(winner))
            .status,
        200);
  }
}

// --- Reactivation ---

TEST_F(AccountLifecycleTest, AReactivatedPersonLogsInAgain) {
  std::string alice = CreateUser("alice");
  ASSERT_EQ(Post("/api/v1/users/" + alice + "/deactivate", "", admin_token_).status, 200);
  ASSERT_EQ(LoginAttempt("alice", TestServer::kDefaultPassword).status, 401);

  HttpResult reactivated = Post("/api/v1/users/" + alice + "/reactivate", "", admin_token_);

  ASSERT_EQ(reactivated.status, 200) << reactivated;
  EXPECT_EQ(JsonBool(reactivated.body, "/active"), true);
  EXPECT_EQ(JsonString(reactivated.body, "/email"), "alice@example.com");
  HttpResult login = LoginAttempt("alice", TestServer::kDefaultPassword);
  ASSERT_EQ(login.status, 200) << login;
  EXPECT_EQ(JsonBool(Get("/api/v1/users/" + alice, admin_token_).body, "/active"), true);
  // The live stream takes them back too.
  WsClient ws(server().endpoint(),
              "/api/v1/stream?access_token=" + JsonString(login.body, "/token").value_or(""));
  EXPECT_TRUE(ws.open()) << ws.refusal_status();
}

TEST_F(AccountLifecycleTest, ReactivationIsForAdminsAndKnownAccounts) {
  TestUser alice = CreateAndLogin("alice");
  std::string bob = CreateUser("bob");
  ASSERT_EQ(Post("/api/v1/users/" + bob + "/deactivate", "", admin_token_).status, 200);

  EXPECT_EQ(Post("/api/v1/users/" + bob + "/reactivate", "", alice.token).status, 403);
  EXPECT_EQ(Post("/api/v1/users/424242/reactivate", "", admin_token_).status, 404);
  EXPECT_EQ(Post("/api/v1/users/not-an-id/reactivate", "", admin_token_).status, 400);
  // Reactivating an active account changes nothing and says so.
  HttpResult active = Post("/api/v1/users/" + alice.id + "/reactivate", "", admin_token_);
  EXPECT_EQ(active.status, 200) << active;
  EXPECT_EQ(Get("/api/v1/me", alice.token).status, 200);
}

TEST_F(AccountLifecycleTest, LifecycleChangesAreAudited) {
  TestUser alice = CreateAndLogin("alice");
  ASSERT_EQ(ChangePassword(alice.token, TestServer::kDefaultPassword, kNewPassword).status, 204);
  HttpResult created = CreateToken(alice.token, "ci", {"read"});
  ASSERT_EQ(created.status, 201);
  ASSERT_EQ(Delete("/api/v1/me/tokens/" + JsonString(created.body, "/id").value_or(""), alice.token)
                .status,
            204);
  ASSERT_EQ(Redeem(IssueReset(alice.id), "reset-password-3").status, 204);
  ASSERT_EQ(Post("/api/v1/users/" + alice.id + "/deactivate", "", admin_token_).status, 200);
  ASSERT_EQ(Post("/api/v1/users/" + alice.id + "/reactivate", "", admin_token_).status, 200);

  EXPECT_EQ(AuditActions(alice.id),
            (std::vector<std::string>{"change_password", "create_token", "revoke_token",
                                      "issue_password_reset", "reset_password", "deactivate",
                                      "reactivate"}));
}

// --- The admin's list of accounts ---

TEST_F(AccountLifecycleTest, AdminsListAccountsWithFiltersAndPrivateFields) {
  std::string ann = CreateUser("ann", JsonBody().Set("department", "Sales"));
  std::string ben = CreateUser("ben", JsonBody().Set("department", "Sales"));
  std::string cat =
      CreateUser("cat", JsonBody().Set("department", "Legal").Set("email", "Cat@Example.COM"));
  ASSERT_EQ(Post("/api/v1/users/" + ben + "/deactivate", "", admin_token_).status, 200);

  HttpResult sales = Get("/api/v1/users?department=Sales", admin_token_);
  HttpResult inactive = Get("/api/v1/users?active=false", admin_token_);
  HttpResult active_sales = Get("/api/v1/users?active=true&department=Sales", admin_token_);
  HttpResult by_email = Get("/api/v1/users?email=cat%40example.com", admin_token_);

  ASSERT_EQ(sales.status, 200) << sales;
  EXPECT_EQ(JsonIds(sales.body), (std::vector<std::string>{ann, ben}));
  EXPECT_EQ(JsonIds(inactive.body), std::vector<std::string>{ben});
  EXPECT_EQ(JsonIds(active_sales.body), std::vector<std::string>{ann});
  EXPECT_EQ(JsonIds(by_email.body), std::vector<std::string>{cat});
  EXPECT_EQ(JsonString(sales.body, "/items/0/email"), "ann@example.com");
  EXPECT_EQ(JsonStrings(sales.body, "/items/0/roles"), std::vector<std::string>{"member"});
  EXPECT_EQ(JsonBool(sales.body, "/items/1/active"), false);
}

TEST_F(AccountLifecycleTest, TheListOfAccountsPagesThroughEveryone) {
  std::vector<std::string> expected = {
      JsonString(Get("/api/v1/me", admin_token_).body, "/id").value_or("")};
  for (int i = 0; i < 5; ++i) expected.push_back(CreateUser("person" + std::to_string(i)));

  std::vector<std::string> seen;
  std::string cursor;
  int pages = 0;
  do {
    HttpResult page =
        Get("/api/v1/users?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor), admin_token_);
    ASSERT_EQ(page.status, 200) << page;
    for (const auto& id : JsonIds(page.body)) seen.push_back(id);
    cursor = JsonString(page.body, "/next_cursor").value_or("");
    ++pages;
  } while (!cursor.empty() && pages < 10);

  EXPECT_EQ(seen, expected);
  EXPECT_EQ(pages, 3);
}

TEST_F(AccountLifecycleTest, OnlyAdminsListAccountsAndFiltersAreChecked) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult member = Get("/api/v1/users", alice.token);

  EXPECT_EQ(member.status, 403) << member;
  EXPECT_EQ(member.body.find("admin@example.com"), std::string::npos);
  EXPECT_EQ(Get("/api/v1/users?active=maybe", admin_token_).status, 400);
  EXPECT_EQ(Get("/api/v1/users?limit=0", admin_token_).status, 400);
  EXPECT_EQ(Get("/api/v1/users?limit=101", admin_token_).status, 400);
  EXPECT_EQ(Get("/api/v1/users?cursor=xyz", admin_token_).status, 400);
  EXPECT_EQ(JsonIds(Get("/api/v1/users?email=nobody%40example.com", admin_token_).body).size(), 0u);
}

// --- Personal access tokens ---

TEST_F(AccountLifecycleTest, ATokenIsShownOnceAndActsForItsOwnerUntilRevoked) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult created = CreateToken(alice.token, "deploy bot", {"read", "write"});

  ASSERT_EQ(created.status, 201) << created;
  std::string token = JsonString(created.body, "/token").value_or("");
  std::string id = JsonString(created.body, "/id").value_or("");
  EXPECT_TRUE(token.starts_with("agp_")) << token;
  EXPECT_EQ(JsonString(created.body, "/name"), "deploy bot");
  EXPECT_EQ(JsonStrings(created.body, "/scopes"), (std::vector<std::string>{"read", "write"}));
  EXPECT_TRUE(JsonIsNull(created.body, "/expires_at"));
  EXPECT_TRUE(JsonIsNull(created.body, "/last_used_at"));
  HttpResult me = Get("/api/v1/me", token);
  ASSERT_EQ(me.status, 200) << me;
  EXPECT_EQ(JsonString(me.body, "/id"), alice.id);
  HttpResult listed = Get("/api/v1/me/tokens", alice.token);
  EXPECT_EQ(JsonIds(listed.body), std::vector<std::string>{id});
  EXPECT_EQ(listed.body.find(token), std::string::npos) << "the secret is shown only once";
  EXPECT_FALSE(JsonIsNull(listed.body, "/items/0/last_used_at"));

  ASSERT_EQ(Delete("/api/v1/me/tokens/" + id, alice.token).status, 204);

  EXPECT_EQ(Get("/api/v1/me", token).status, 401);
  EXPECT_TRUE(JsonIds(Get("/api/v1/me/tokens", alice.token).body).empty());
  EXPECT_EQ(Delete("/api/v1/me/tokens/" + id, alice.token).status, 404);
}

TEST_F(AccountLifecycleTest, AReadTokenOnlyReads) {
  TestUser alice = CreateAndLogin("alice");
  std::string reader = NewToken(alice.token, {"read"});
  std::string writer = NewToken(alice.token, {"write"});

  HttpResult read = Get("/api/v1/feeds/home", reader);
  HttpResult write = Post("/api/v1/posts", JsonBody().Set("text", "from a bot").str(), reader);
  HttpResult follow = Post("/api/v1/users/" + alice.id + "/follow", "", reader);

  EXPECT_EQ(read.status, 200) << read;
  EXPECT_EQ(write.status, 403) << write;
  EXPECT_EQ(ErrorCode(write.body), "insufficient_scope");
  EXPECT_EQ(ErrorCode(follow.body), "insufficient_scope");
  EXPECT_EQ(Post("/api/v1/posts", JsonBody().Set("text", "from a bot").str(), writer).status, 201);
  // The stream is a read.
  WsClient ws(server().endpoint(), "/api/v1/stream?access_token=" + reader);
  EXPECT_TRUE(ws.open()) << ws.refusal_status();
}

TEST_F(AccountLifecycleTest, AReadTokenMayStillSignItselfOut) {
  TestUser alice = CreateAndLogin("alice");
  std::string reader = NewToken(alice.token, {"read"});
  std::string other = NewToken(alice.token, {"read"});
  HttpResult out = Post("/api/v1/auth/logout", "", reader);
  EXPECT_EQ(out.status, 204) << out;
  EXPECT_EQ(Get("/api/v1/me", reader).status, 401);
  // It ended itself only: the session and the owner's other tokens stand.
  EXPECT_EQ(Get("/api/v1/me", other).status, 200);
  EXPECT_EQ(Get("/api/v1/me", alice.token).status, 200);
}

TEST_F(AccountLifecycleTest, ATokenCannotMakeTokensNorChangeThePassword) {
  TestUser alice = CreateAndLogin("alice");
  std::string token = NewToken(alice.token, {"read", "write"});

  HttpResult another = CreateToken(token, "child", {"read"});
  HttpResult password = ChangePassword(token, TestServer::kDefaultPassword, kNewPassword);

  EXPECT_EQ(another.status, 403) << another;
  EXPECT_EQ(ErrorCode(another.body), "session_required");
  EXPECT_EQ(password.status, 403) << password;
  EXPECT_EQ(ErrorCode(password.body), "session_required");
  EXPECT_EQ(LoginAttempt("alice", TestServer::kDefaultPassword).status, 200);
}

TEST_F(AccountLifecycleTest, TokenRequestsAreValidated) {
  TestUser alice = CreateAndLogin("alice");
  struct Case {
    std::string body;
    int status;
    std::string code;
  };
  std::vector<Case> cases = {
      {R"({"scopes":["read"]})", 422, "missing_field"},
      {R"({"name":"x"})", 422, "missing_field"},
      {R"({"name":"","scopes":["read"]})", 422, "invalid_name"},
      {R"({"name":"   ","scopes":["read"]})", 422, "invalid_name"},
      {JsonBody()
           .Set("name", std::string(101, 'n'))
           .Set("scopes", std::vector<std::string>{"read"})
           .str(),
       422, "invalid_name"},
      {R"({"name":"x","scopes":[]})", 422, "invalid_scopes"},
      {R"({"name":"x","scopes":["admin"]})", 422, "invalid_scopes"},
      {R"({"name":"x","scopes":"read"})", 422, ""},
      {R"({"name":"x","scopes":["read"],"expires_at":"yesterday"})", 400, "invalid_expires_at"},
      {R"({"name":"x","scopes":["read"],"expires_at":"2020-01-01T00:00:00Z"})", 422,
       "invalid_expires_at"},
      {JsonBody()
           .Set("name", "x")
           .Set("scopes", std::vector<std::string>{"read"})
           .Set("expires_at", DaysFromNow(400))
           .str(),
       422, "invalid_expires_at"},
      {R"({"name":"x","scopes":["read"],"user_id":"1"})", 422, "field_not_writable"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    HttpResult r = Post("/api/v1/me/tokens", c.body, alice.token);
    EXPECT_EQ(r.status, c.status) << r;
    if (!c.code.empty()) {
      EXPECT_EQ(ErrorCode(r.body), c.code);
    }
  }
  EXPECT_EQ(Get("/api/v1/me/tokens?limit=0", alice.token).status, 400);
  EXPECT_EQ(Delete("/api/v1/me/tokens/abc", alice.token).status, 400);
  // The limits themselves pass.
  EXPECT_EQ(CreateToken(alice.token, std::string(100, 'n'), {"read", "write"}).status, 201);
  EXPECT_EQ(Post("/api/v1/me/tokens",
                 JsonBody()
                     .Set("name", "y")
                     .Set("scopes", std::vector<std::string>{"read"})
                     .Set("expires_at", DaysFromNow(365))
                     .str(),
                 alice.token)
                .status,
            201);
}

TEST_F(AccountLifecycleTest, AnAccountHoldsAtMostFiftyLiveTokens) {
  TestUser alice = CreateAndLogin("alice");
  std::string first_id;
  for (int i = 0; i < 50; ++i) {
    HttpResult created = CreateToken(alice.token, "bot " + std::to_string(i), {"read"});
    ASSERT_EQ(created.status, 201) << "token " << i << ": " << created;
    if (i == 0) first_id = JsonString(created.body, "/id").value_or("");
  }

  HttpResult fifty_first = CreateToken(alice.token, "one too many", {"read"});

  EXPECT_EQ(fifty_first.status, 409) << fifty_first;
  EXPECT_EQ(ErrorCode(fifty_first.body), "too_many_tokens");
  ASSERT_EQ(Delete("/api/v1/me/tokens/" + first_id, alice.token).status, 204);
  EXPECT_EQ(CreateToken(alice.token, "one again", {"read"}).status, 201);
  // Expired tokens do not count.
  ExecSql("UPDATE access_tokens SET expires_at = 1 WHERE name = 'bot 1'");
  EXPECT_EQ(CreateToken(alice.token, "in its place", {"read"}).status, 201);
}

TEST_F(AccountLifecycleTest, ATokenEndsAtItsExpiry) {
  TestUser alice = CreateAndLogin("alice");
  const std::string in_a_month = DaysFromNow(30);
  HttpResult created = Post("/api/v1/me/tokens",
                            JsonBody()
                                .Set("name", "short-lived")
                                .Set("scopes", std::vector<std::string>{"read"})
                                .Set("expires_at", in_a_month)
                                .str(),
                            alice.token);
  ASSERT_EQ(created.status, 201) << created;
  EXPECT_EQ(JsonString(created.body, "/expires_at"), in_a_month.substr(0, 19) + ".000Z");
  std::string token = JsonString(created.body, "/token").value_or("");
  ASSERT_EQ(Get("/api/v1/me", token).status, 200);

  ExecSql("UPDATE access_tokens SET expires_at = 1");  // the clock passes its expiry

  EXPECT_EQ(Get("/api/v1/me", token).status, 401);
  EXPECT_TRUE(JsonIds(Get("/api/v1/me/tokens", alice.token).body).empty());
}

TEST_F(AccountLifecycleTest, DeactivationEndsTokensForGood) {
  TestUser alice = CreateAndLogin("alice");
  std::string token = NewToken(alice.token, {"read"});
  ASSERT_EQ(Post("/api/v1/users/" + alice.id + "/deactivate", "", admin_token_).status, 200);

  EXPECT_EQ(Get("/api/v1/me", token).status, 401);
  ASSERT_EQ(Post("/api/v1/users/" + alice.id + "/reactivate", "", admin_token_).status, 200);
  EXPECT_EQ(Get("/api/v1/me", token).status, 401);
}

TEST_F(AccountLifecycleTest, AdminsListAndRevokeAnyonesTokensAndOthersCannot) {
  TestUser alice = CreateAndLogin("alice");
  TestUser bob = CreateAndLogin("bob");
  HttpResult created = CreateToken(alice.token, "alice's bot", {"read"});
  std::string token = JsonString(created.body, "/token").value_or("");
  std::string id = JsonString(created.body, "/id").value_or("");

  EXPECT_EQ(Get("/api/v1/users/" + alice.id + "/tokens", bob.token).status, 403);
  EXPECT_EQ(Delete("/api/v1/users/" + alice.id + "/tokens/" + id, bob.token).status, 403);
  EXPECT_EQ(Delete("/api/v1/me/tokens/" + id, bob.token).status, 404);
  EXPECT_TRUE(JsonIds(Get("/api/v1/me/tokens", bob.token).body).empty());
  EXPECT_EQ(Get("/api/v1/me", token).status, 200);

  HttpResult listed = Get("/api/v1/users/" + alice.id + "/tokens", admin_token_);
  EXPECT_EQ(JsonIds(listed.body), std::vector<std::string>{id});
  EXPECT_EQ(Get("/api/v1/users/424242/tokens", admin_token_).status, 404);
  EXPECT_EQ(Delete("/api/v1/users/" + bob.id + "/tokens/" + id, admin_token_).status, 404);
  EXPECT_EQ(Delete("/api/v1/users/" + alice.id + "/tokens/" + id, admin_token_).status, 204);
  EXPECT_EQ(Get("/api/v1/me", token).status, 401);
}

TEST_F(AccountLifecycleTest, ATokenNeverSeesMoreThanItsOwner) {
  TestUser alice = CreateAndLogin("alice");
  std::string token = NewToken(alice.token, {"read", "write"});
  std::string admin_id = JsonString(Get("/api/v1/me", admin_token_).body, "/id").value_or("");

  EXPECT_EQ(Get("/api/v1/users", token).status, 403);
  EXPECT_EQ(Get("/api/v1/users/" + admin_id + "/tokens", token).status, 403);
  EXPECT_EQ(Post("/api/v1/users", JsonBody().Set("username", "eve").str(), token).status, 403);
  EXPECT_FALSE(JsonHas(Get("/api/v1/users/" + admin_id, token).body, "/email"));
}

TEST_F(AccountLifecycleTest, LoggingOutWithATokenRevokesIt) {
  TestUser alice = CreateAndLogin("alice");
  std::string token = NewToken(alice.token, {"read", "write"});

  EXPECT_EQ(Post("/api/v1/auth/logout", "", token).status, 204);

  EXPECT_EQ(Get("/api/v1/me", token).status, 401);
  EXPECT_EQ(Get("/api/v1/me", alice.token).status, 200);
}

TEST_F(AccountLifecycleTest, NoRequestSucceedsOnceARevocationAnswered) {
  // A bot hammers the API while its owner revokes the token: whatever it sent before may pass,
  // nothing it sends after the revocation answered may.
  TestUser alice = CreateAndLogin("alice");
  for (int round = 0; round < 5; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    HttpResult created = CreateToken(alice.token, "racer", {"read"});
    std::string token = JsonString(created.body, "/token").value_or("");
    std::string id = JsonString(created.body, "/id").value_or("");
    std::atomic<bool> revoked{false};
    std::atomic<int> after_revocation_ok{0};
    std::atomic<int> before_ok{0};
    std::thread bot([&] {
      HttpConnection connection(server().endpoint());
      for (int i = 0; i < 400; ++i) {
        bool was_revoked = revoked.load();
        HttpResult r = connection.Request("GET", "/api/v1/me", "", token);
        if (r.status == 200) (was_revoked ? after_revocation_ok : before_ok)++;
        if (was_revoked && r.status == 401) break;
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(5 * round));
    HttpResult revoke = Delete("/api/v1/me/tokens/" + id, alice.token);
    revoked.store(true);
    bot.join();

    ASSERT_EQ(revoke.status, 204) << revoke;
    EXPECT_EQ(after_revocation_ok.load(), 0);
    EXPECT_EQ(Get("/api/v1/me", token).status, 401);
  }
}

}  // namespace
}  // namespace agora::integration
