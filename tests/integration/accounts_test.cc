// api.md "Accounts and sessions": login, logout, sessions, account creation, deactivation,
// login throttling; and the command line contract.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

class AccountsIntegrationTest : public IntegrationTest {
 protected:
  HttpResult LoginAttempt(const std::string& username, const std::string& password) {
    return Post("/api/v1/auth/login",
                JsonBody().Set("username", username).Set("password", password).str(), "");
  }
};

TEST_F(AccountsIntegrationTest, LoginReturnsTokenExpiryAndUserWithRoles) {
  HttpResult login = LoginAttempt(TestServer::kAdminUsername, TestServer::kAdminPassword);

  ASSERT_EQ(login.status, 200) << login;
  EXPECT_FALSE(JsonString(login.body, "/token").value_or("").empty());
  // RFC 3339 UTC, e.g. 2026-11-29T07:05:36Z.
  std::string expires_at = JsonString(login.body, "/expires_at").value_or("");
  EXPECT_TRUE(expires_at.size() >= 20 && expires_at[4] == '-' && expires_at[10] == 'T' &&
              expires_at.back() == 'Z')
      << expires_at;
  EXPECT_EQ(JsonString(login.body, "/user/username"), "admin");
  EXPECT_EQ(JsonString(login.body, "/user/email"), "admin@example.com");
  EXPECT_EQ(JsonStrings(login.body, "/user/roles"), std::vector<std::string>{"admin"});
}

TEST_F(AccountsIntegrationTest, LoginTokenAuthenticatesLaterRequests) {
  std::string token = server().LoginAdmin();

  HttpResult me = Get("/api/v1/me", token);

  EXPECT_EQ(me.status, 200) << me;
  EXPECT_EQ(JsonString(me.body, "/username"), "admin");
}

TEST_F(AccountsIntegrationTest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  HttpResult wrong_password = LoginAttempt("admin", "not-the-password");
  HttpResult unknown_user = LoginAttempt("nobody-here", "not-the-password");

  EXPECT_EQ(wrong_password.status, 401) << wrong_password;
  EXPECT_EQ(ErrorCode(wrong_password.body), "invalid_credentials");
  EXPECT_EQ(unknown_user.status, 401) << unknown_user;
  EXPECT_EQ(ErrorCode(unknown_user.body), "invalid_credentials");
  // Telling them apart would let anyone probe which usernames exist.
  EXPECT_EQ(wrong_password.body, unknown_user.body);
}

TEST_F(AccountsIntegrationTest, LoginWithoutCredentialsIsUnprocessable) {
  for (const std::string& body : std::vector<std::string>{
           "{}", R"({"username":"admin"})", R"({"password":"admin-password-1"})",
           R"({"username":"admin","password":42})"}) {
    SCOPED_TRACE(body);
    HttpResult login = Post("/api/v1/auth/login", body, "");

    EXPECT_EQ(login.status, 422) << login;
    EXPECT_FALSE(JsonHas(login.body, "/token"));
  }
}

TEST_F(AccountsIntegrationTest, RequestWithoutTokenIsUnauthenticated) {
  HttpResult me = Get("/api/v1/me", "");

  EXPECT_EQ(me.status, 401) << me;
  EXPECT_EQ(ErrorCode(me.body), "unauthenticated");
  EXPECT_TRUE(JsonHas(me.body, "/error/message"));
  EXPECT_EQ(me.header("WWW-Authenticate"), "Bearer");
}

TEST_F(AccountsIntegrationTest, RequestWithUnknownTokenIsUnauthenticated) {
  for (const std::string& token :
       std::vector<std::string>{"agr_thisisnotatokenanyoneissued", "garbage"}) {
    SCOPED_TRACE(token);
    HttpResult me = Get("/api/v1/me", token);

    EXPECT_EQ(me.status, 401) << me;
    EXPECT_EQ(ErrorCode(me.body), "unauthenticated");
    EXPECT_EQ(me.header("WWW-Authenticate"), "Bearer");
  }
}

TEST_F(AccountsIntegrationTest, LogoutEndsTheSession) {
  std::string token = server().LoginAdmin();
  ASSERT_EQ(Get("/api/v1/me", token).status, 200);

  HttpResult logout = Post("/api/v1/auth/logout", "", token);

  EXPECT_EQ(logout.status, 204) << logout;
  EXPECT_TRUE(logout.body.empty());
  HttpResult after = Get("/api/v1/me", token);
  EXPECT_EQ(after.status, 401) << after;
  // Other sessions of the same person are not affected.
  EXPECT_EQ(Get("/api/v1/me", admin_token_).status, 200);
}

TEST_F(AccountsIntegrationTest, MeShowsPrivateFields) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult me = Get("/api/v1/me", alice.token);

  ASSERT_EQ(me.status, 200) << me;
  EXPECT_EQ(JsonString(me.body, "/id"), alice.id);
  EXPECT_EQ(JsonString(me.body, "/username"), "alice");
  EXPECT_EQ(JsonString(me.body, "/email"), "alice@example.com");
  EXPECT_EQ(JsonStrings(me.body, "/roles"), std::vector<std::string>{"member"});
  EXPECT_EQ(JsonBool(me.body, "/active"), true);
}

TEST_F(AccountsIntegrationTest, AdminCreatesUser) {
  HttpResult created = Post("/api/v1/users",
                            JsonBody()
                                .Set("username", "bob.smith")
                                .Set("display_name", "Bob Smith")
                                .Set("email", "bob@example.com")
                                .Set("password", "bobs-password")
                                .Set("title", "Engineer")
                                .Set("department", "R&D")
                                .Set("location", "Lyon")
                                .Set("skills", std::vector<std::string>{"C++", "SQL"})
                                .Set("languages", std::vector<std::string>{"fr", "en-GB"})
                                .Set("bio", "Builds things.")
                                .str(),
                            admin_token_);

  ASSERT_EQ(created.status, 201) << created;
  std::string id = JsonString(created.body, "/id").value_or("");
  EXPECT_FALSE(id.empty());
  EXPECT_EQ(JsonString(created.body, "/username"), "bob.smith");
  EXPECT_EQ(JsonString(created.body, "/display_name"), "Bob Smith");
  EXPECT_EQ(JsonString(created.body, "/title"), "Engineer");
  EXPECT_EQ(JsonStrings(created.body, "/skills"), (std::vector<std::string>{"C++", "SQL"}));
  EXPECT_EQ(JsonStrings(created.body, "/roles"), std::vector<std::string>{"member"});
  EXPECT_EQ(JsonInt(created.body, "/followers_count"), 0);
  // The new account can log in with the password it was given.
  EXPECT_FALSE(server().Login("bob.smith", "bobs-password").empty());
  EXPECT_EQ(Get("/api/v1/users/" + id, admin_token_).status, 200);
}

TEST_F(AccountsIntegrationTest, AdminCreatesAnotherAdmin) {
  CreateUser("second-admin", JsonBody().Set("role", "admin"));
  std::string token = server().Login("second-admin", TestServer::kDefaultPassword);

  HttpResult me = Get("/api/v1/me", token);

  EXPECT_EQ(JsonStrings(me.body, "/roles"), std::vector<std::string>{"admin"});
  EXPECT_EQ(Post("/api/v1/users",
                 JsonBody()
                     .Set("username", "made-by-second")
                     .Set("display_name", "Made")
                     .Set("email", "made@example.com")
                     .Set("password", "password-1")
                     .str(),
                 token)
                .status,
            201);
}

TEST_F(AccountsIntegrationTest, MemberCannotCreateUsers) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult created = Post("/api/v1/users",
                            JsonBody()
                                .Set("username", "mallory")
                                .Set("display_name", "Mallory")
                                .Set("email", "mallory@example.com")
                                .Set("password", "mallory-password")
                                .str(),
                            alice.token);

  EXPECT_EQ(created.status, 403) << created;
  EXPECT_EQ(ErrorCode(created.body), "forbidden");
  EXPECT_EQ(Get("/api/v1/users/@mallory", admin_token_).status, 404);
}

TEST_F(AccountsIntegrationTest, MemberIsRefusedBeforeTheBodyIsRead) {
  TestUser alice = CreateAndLogin("alice");

  HttpResult created = Post("/api/v1/users", "{not json", alice.token);

  // Admin-only routes say 403 whatever the body, so members learn nothing from validation.
  EXPECT_EQ(created.status, 403) << created;
  EXPECT_EQ(ErrorCode(created.body), "forbidden");
}

TEST_F(AccountsIntegrationTest, TakenUsernameIsConflict) {
  CreateUser("alice");

  HttpResult again = Post("/api/v1/users",
                          JsonBody()
                              .Set("username", "alice")
                              .Set("display_name", "Another Alice")
                              .Set("email", "another-alice@example.com")
                              .Set("password", "password-123")
                              .str(),
                          admin_token_);

  EXPECT_EQ(again.status, 409) << again;
  EXPECT_EQ(ErrorCode(again.body), "username_taken");
}

TEST_F(AccountsIntegrationTest, TakenEmailIsConflict) {
  CreateUser("alice", JsonBody().Set("email", "shared@example.com"));

  HttpResult again = Post("/api/v1/users",
                          JsonBody()
                              .Set("username", "alice2")
                              .Set("display_name", "Alice Two")
                              .Set("email", "shared@example.com")
                              .Set("password", "password-123")
                              .str(),
                          admin_token_);

  EXPECT_EQ(again.status, 409) << again;
  EXPECT_EQ(ErrorCode(again.body), "email_taken");
  EXPECT_EQ(Get("/api/v1/users/@alice2", admin_token_).status, 404);
}

TEST_F(AccountsIntegrationTest, InvalidUsernamesAreRefused) {
  for (const std::string& username :
       std::vector<std::string>{"Alice", "ab", "bad name", "bad/char", "émile", "a!b@c"}) {
    SCOPED_TRACE(username);
    HttpResult created = Post("/api/v1/users",
                              JsonBody()
                                  .Set("username", username)
                                  .Set("display_name", "Someone")
                                  .Set("email", "someone@example.com")
                                  .Set("password", "password-123")
                                  .str(),
                              admin_token_);

    EXPECT_EQ(created.status, 422) << created;
    EXPECT_EQ(ErrorCode(created.body), "invalid_username");
  }
}

TEST_F(AccountsIntegrationTest, ShortPasswordIsRefused) {
  HttpResult created = Post("/api/v1/users",
                            JsonBody()
                                .Set("username", "alice")
                                .Set("display_name", "Alice")
                                .Set("email", "alice@example.com")
                                .Set("password", "short")
                                .str(),
                            admin_token_);

  EXPECT_EQ(created.status, 422) << created;
  EXPECT_EQ(ErrorCode(created.body), "invalid_password");
  EXPECT_EQ(Get("/api/v1/users/@alice", admin_token_).status, 404);
}

TEST_F(AccountsIntegrationTest, DeactivatedUsersTokenIsRefusedAtOnce) {
  TestUser alice = CreateAndLogin("alice");
  ASSERT_EQ(Get("/api/v1/me", alice.token).status, 200);  // the session is cached now

  HttpResult deactivated = Post("/api/v1/users/" + alice.id + "/deactivate", "", admin_token_);

  ASSERT_EQ(deactivated.status, 200) << deactivated;
  EXPECT_EQ(JsonBool(deactivated.body, "/active"), false);
  HttpResult me = Get("/api/v1/me", alice.token);
  EXPECT_EQ(me.status, 401) << me;
}

TEST_F(AccountsIntegrationTest, DeactivationEndsEverySessionOfThatUser) {
  TestUser alice = CreateAndLogin("alice");
  std::string second_token = server().Login("alice", TestServer::kDefaultPassword);
  TestUser bob = CreateAndLogin("bob");

  ASSERT_EQ(Post("/api/v1/users/@alice/deactivate", "", admin_token_).status, 200);

  EXPECT_EQ(Get("/api/v1/me", alice.token).status, 401);
  EXPECT_EQ(Get("/api/v1/me", second_token).status, 401);
  EXPECT_EQ(Get("/api/v1/me", bob.token).status, 200);  // only alice's sessions end
}

TEST_F(AccountsIntegrationTest, DeactivatedUserCannotLogIn) {
  TestUser alice = CreateAndLogin("alice");
  ASSERT_EQ(Post("/api/v1/users/" + alice.id + "/deactivate", "", admin_token_).status, 200);

  HttpResult login = LoginAttempt("alice", TestServer::kDefaultPassword);

  EXPECT_EQ(login.status, 401) << login;
  EXPECT_EQ(ErrorCode(login.body), "invalid_credentials");
}

TEST_F(AccountsIntegrationTest, DeactivatedProfileStillReadsAsInactive) {
  TestUser alice = CreateAndLogin("alice");
  TestUser bob = CreateAndLogin("bob");
  ASSERT_EQ(Post("/api/v1/users/" + alice.id + "/deactivate", "", admin_token_).status, 200);

  HttpResult profile = Get("/api/v1/users/" + alice.id, bob.token);

  ASSERT_EQ(profile.status, 200) << profile;
  EXPECT_EQ(JsonString(profile.body, "/username"), "alice");
  EXPECT_EQ(JsonBool(profile.body, "/active"), false);
}

TEST_F(AccountsIntegrationTest, MemberCannotDeactivate) {
  TestUser alice = CreateAndLogin("alice");
  TestUser bob = CreateAndLogin("bob");

  HttpResult deactivated = Post("/api/v1/users/" + bob.id + "/deactivate", "", alice.token);

  EXPECT_EQ(deactivated.status, 403) << deactivated;
  EXPECT_EQ(ErrorCode(deactivated.body), "forbidden");
  EXPECT_EQ(Get("/api/v1/me", bob.token).status, 200);
  EXPECT_EQ(JsonBool(Get("/api/v1/users/" + bob.id, admin_token_).body, "/active"), true);
}

TEST_F(AccountsIntegrationTest, AdminCannotDeactivateThemselves) {
  HttpResult deactivated = Post("/api/v1/users/@admin/deactivate", "", admin_token_);

  EXPECT_EQ(deactivated.status, 422) << deactivated;
  EXPECT_EQ(ErrorCode(deactivated.body), "self_deactivation");
  EXPECT_EQ(Get("/api/v1/me", admin_token_).status, 200);
}

TEST_F(AccountsIntegrationTest, DeactivatingUnknownUserIsNotFound) {
  HttpResult deactivated = Post("/api/v1/users/1234567/deactivate", "", admin_token_);

  EXPECT_EQ(deactivated.status, 404) << deactivated;
  EXPECT_EQ(ErrorCode(deactivated.body), "not_found");
}

TEST_F(AccountsIntegrationTest, LoginIgnoresUsernameCase) {
  std::string alice = CreateUser("alice");

  HttpResult login = LoginAttempt("ALICE", TestServer::kDefaultPassword);

  EXPECT_EQ(login.status, 200) << login;
  EXPECT_EQ(JsonString(login.body, "/user/id"), alice);
}

TEST_F(AccountsIntegrationTest, RepeatedFailedLoginsAreThrottledWithRetryAfter) {
  CreateUser("alice");
  for (int attempt = 1; attempt <= 10; ++attempt) {
    HttpResult failed = LoginAttempt("alice", "wrong-password-" + std::to_string(attempt));
    ASSERT_EQ(failed.status, 401) << "attempt " << attempt << ": " << failed;
  }

  HttpResult throttled = LoginAttempt("alice", "wrong-password-11");

  EXPECT_EQ(throttled.status, 429) << throttled;
  EXPECT_EQ(ErrorCode(throttled.body), "rate_limited");
  ASSERT_TRUE(throttled.has_header("Retry-After"));
  int retry_after = std::stoi(throttled.header("Retry-After"));
  EXPECT_GE(retry_after, 1);
  EXPECT_LE(retry_after, 15 * 60);
}

TEST_F(AccountsIntegrationTest, ThrottledAccountRefusesEvenTheCorrectPassword) {
  CreateUser("alice");
  for (int attempt = 1; attempt <= 10; ++attempt) {
    ASSERT_EQ(LoginAttempt("alice", "wrong-password").status, 401) << "attempt " << attempt;
  }

  HttpResult correct = LoginAttempt("alice", TestServer::kDefaultPassword);

  EXPECT_EQ(correct.status, 429) << correct;
  EXPECT_TRUE(correct.has_header("Retry-After"));
  EXPECT_FALSE(JsonHas(correct.body, "/token"));
}

TEST_F(AccountsIntegrationTest, ThrottlingOneAccountLeavesOtherAccountsAlone) {
  // Colleagues share an address (one office, one NAT): one person's typos, or someone
  // guessing one account's password, must not lock everyone else out.
  CreateUser("alice");
  CreateUser("bob");
  for (int attempt = 1; attempt <= 10; ++attempt) {
    ASSERT_EQ(LoginAttempt("alice", "wrong-password").status, 401) << "attempt " << attempt;
  }
  ASSERT_EQ(LoginAttempt("alice", "wrong-password").status, 429);

  HttpResult bob = LoginAttempt("bob", TestServer::kDefaultPassword);

  EXPECT_EQ(bob.status, 200) << bob;
}

TEST_F(AccountsIntegrationTest, SessionSurvivesRestart) {
  TestUser alice = CreateAndLogin("alice");
  ASSERT_EQ(server().Stop(), 0);

  server().Restart();

  HttpResult me = Get("/api/v1/me", alice.token);
  EXPECT_EQ(me.status, 200) << me;
  EXPECT_EQ(JsonString(me.body, "/username"), "alice");
}

TEST_F(AccountsIntegrationTest, LogoutSurvivesRestart) {
  std::string token = server().LoginAdmin();
  ASSERT_EQ(Post("/api/v1/auth/logout", "", token).status, 204);
  ASSERT_EQ(server().Stop(), 0);

  server().Restart();

  EXPECT_EQ(Get("/api/v1/me", token).status, 401);
  EXPECT_EQ(Get("/api/v1/me", admin_token_).status, 200);
}

TEST_F(AccountsIntegrationTest, UserAddedByCommandLineCanLogIn) {
  // `agora user add` works on the data folder while no server runs.
  ASSERT_EQ(server().Stop(), 0);
  CommandResult added = RunAgora(
      {"user", "add", "--data", server().data_dir(), "--username", "carol", "--display-name",
       "Carol", "--email", "carol@example.com", "--password-cost", "minimum"},
      "carols-password\n");
  ASSERT_EQ(added.exit_status, 0) << added.output;
  server().Restart();

  std::string token = server().Login("carol", "carols-password");

  HttpResult me = Get("/api/v1/me", token);
  EXPECT_EQ(JsonStrings(me.body, "/roles"), std::vector<std::string>{"member"});
}

// Real password hashing (~0.1 s a login), so a deactivation can land while a login verifies.
class InteractiveHashingIntegrationTest : public IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override { return {"--password-cost", "interactive"}; }
};

TEST_F(InteractiveHashingIntegrationTest, LoginRacingDeactivationNeverYieldsAWorkingToken) {
  // Deactivation promises that every session ends at once; a login that checked the account
  // before the deactivation must not hand out a session that outlives it. The delays aim the
  // deactivation at the password check of the login in flight.
  for (int delay_ms : {20, 40, 60}) {
    SCOPED_TRACE("deactivation " + std::to_string(delay_ms) + " ms into the login");
    std::string username = "racer" + std::to_string(delay_ms);
    std::string id = CreateUser(username);
    HttpResult login;
    std::thread logging_in([&] {
      login = server().Request(
          "POST", "/api/v1/auth/login",
          JsonBody().Set("username", username).Set("password", TestServer::kDefaultPassword).str());
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    HttpResult deactivated = Post("/api/v1/users/" + id + "/deactivate", "", admin_token_);
    logging_in.join();

    ASSERT_EQ(deactivated.status, 200) << deactivated;
    if (login.status == 200) {
      std::string token = JsonString(login.body, "/token").value_or("");
      HttpResult me = Get("/api/v1/me", token);
      EXPECT_EQ(me.status, 401) << "a deactivated account kept a working session: " << me;
    } else {
      EXPECT_EQ(login.status, 401) << login;
    }
  }
}

// The command line needs no running server.
class CommandLineIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agora-cli-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string dir_;
};

TEST_F(CommandLineIntegrationTest, UserAddWithoutPasswordOnStdinExits2) {
  CommandResult added = RunAgora({"user", "add", "--data", dir_ + "/data", "--username", "dave",
                                  "--display-name", "Dave", "--email", "dave@example.com"},
                                 std::nullopt);

  EXPECT_EQ(added.exit_status, 2) << added.output;
  EXPECT_NE(added.output.find("password"), std::string::npos) << added.output;
}

TEST_F(CommandLineIntegrationTest, HelpExits0) {
  CommandResult help = RunAgora({"--help"}, std::nullopt);

  EXPECT_EQ(help.exit_status, 0) << help.output;
  EXPECT_NE(help.output.find("serve"), std::string::npos) << help.output;
}

TEST_F(CommandLineIntegrationTest, SubcommandHelpExits0) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"serve", "--help"}, {"user", "add", "--help"}, {"demo", "--help"}}) {
    SCOPED_TRACE(args.front());
    CommandResult help = RunAgora(args, std::nullopt);

    EXPECT_EQ(help.exit_status, 0) << help.output;
  }
}

TEST_F(CommandLineIntegrationTest, ServeWithNonsenseListenExits2) {
  CommandResult serve =
      RunAgora({"serve", "--data", dir_ + "/data", "--listen", "nonsense"}, std::nullopt);

  EXPECT_EQ(serve.exit_status, 2) << serve.output;
  EXPECT_NE(serve.output.find("--listen"), std::string::npos) << serve.output;
}

TEST_F(CommandLineIntegrationTest, UnknownOptionExits2) {
  CommandResult serve = RunAgora({"serve", "--data", dir_ + "/data", "--no-such-option"},
                                 std::nullopt, std::chrono::seconds(10));

  EXPECT_EQ(serve.exit_status, 2) << serve.output;
}

TEST_F(AccountsIntegrationTest, AdminsGrantSalesOpsAndTheSessionSeesItAtOnce) {
  TestUser rep = CreateAndLogin("rep");
  ASSERT_EQ(JsonStrings(Get("/api/v1/me", rep.token).body, "/roles"),
            std::vector<std::string>{"member"});

  std::string roles_path = "/api/v1/users/" + rep.id + "/roles";
  HttpResult granted = Put(
      roles_path, JsonBody().Set("roles", std::vector<std::string>{"member", "sales_ops"}).str(),
      admin_token_);

  ASSERT_EQ(granted.status, 200) << granted;
  std::vector<std::string> expected{"member", "sales_ops"};
  EXPECT_EQ(JsonStrings(granted.body, "/roles"), expected);
  // The rep's existing session, not only a new one, carries the new role.
  EXPECT_EQ(JsonStrings(Get("/api/v1/me", rep.token).body, "/roles"), expected);
}

TEST_F(AccountsIntegrationTest, RolesAreSetByAdminsOnlyAndValidated) {
  TestUser rep = CreateAndLogin("rep");
  TestUser other = CreateAndLogin("other");
  std::string roles_path = "/api/v1/users/" + other.id + "/roles";
  auto body = [](std::vector<std::string> roles) { return JsonBody().Set("roles", roles).str(); };

  EXPECT_EQ(Put(roles_path, body({"admin"}), rep.token).status, 403);
  HttpResult unknown = Put(roles_path, body({"root"}), admin_token_);
  EXPECT_EQ(unknown.status, 422) << unknown;
  EXPECT_EQ(ErrorCode(unknown.body), "invalid_roles");
  EXPECT_EQ(ErrorCode(Put(roles_path, body({"admin", "member"}), admin_token_).body),
            "invalid_roles");
  EXPECT_EQ(ErrorCode(Put(roles_path, "{}", admin_token_).body), "missing_field");
  HttpResult me = Get("/api/v1/me", admin_token_);
  std::string admin_id = JsonString(me.body, "/id").value_or("");
  HttpResult demotion = Put("/api/v1/users/" + admin_id + "/roles", body({"member"}), admin_token_);
  EXPECT_EQ(demotion.status, 422) << demotion;
  EXPECT_EQ(ErrorCode(demotion.body), "self_demotion");
  EXPECT_EQ(Put("/api/v1/users/999999/roles", body({"member"}), admin_token_).status, 404);
  // Nothing refused was written.
  EXPECT_EQ(JsonStrings(Get("/api/v1/me", other.token).body, "/roles"),
            std::vector<std::string>{"member"});
}

}  // namespace
}  // namespace agora::integration

namespace agora::integration {
namespace {

// Behind the reverse proxy the operations guide recommends: every request reaches the server
// from 127.0.0.1, the person's address in X-Forwarded-For.
class ProxiedLoginTest : public IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    return {"--trusted-proxy", "127.0.0.1/32", "--trusted-proxy", "::1/128"};
  }
  HttpResult LoginFrom(const std::string& address, const std::string& username,
                       const std::string& password) {
    return server().Request("POST", "/api/v1/auth/login",
                            JsonBody().Set("username", username).Set("password", password).str(),
                            "", {{"X-Forwarded-For", address}});
  }
  // The issue's spray: 10 guesses at one account, then 90 made-up usernames, from `address`.
  void Spray(const std::string& address, const std::string& victim) {
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(LoginFrom(address, victim, "guess-" + std::to_string(i)).status, 401) << i;
    }
    for (int i = 0; i < 90; ++i) {
      ASSERT_EQ(LoginFrom(address, "sprayed" + std::to_string(i), "guess").status, 401) << i;
    }
  }
};

TEST_F(ProxiedLoginTest, ASprayThroughTheProxyLocksOutNobodyElse) {
  CreateUser("ceo");
  CreateUser("alice");
  Spray("203.0.113.66", "alice");

  HttpResult ceo = LoginFrom("203.0.113.10", "ceo", TestServer::kDefaultPassword);
  HttpResult victim = LoginFrom("203.0.113.11", "alice", TestServer::kDefaultPassword);
  HttpResult attacker = LoginFrom("203.0.113.66", "ceo", "one-more-guess");

  EXPECT_EQ(ceo.status, 200) << ceo;
  EXPECT_EQ(victim.status, 200) << "the victim signs in from a clean address: " << victim;
  EXPECT_EQ(attacker.status, 429) << attacker;
  EXPECT_TRUE(attacker.has_header("Retry-After"));
}

TEST_F(ProxiedLoginTest, AGuessedAccountIsRefusedWhereTheGuessesCameFrom) {
  CreateUser("alice");
  for (int i = 0; i < 10; ++i) {
    ASSERT_EQ(LoginFrom("203.0.113.66", "alice", "guess").status, 401) << i;
  }
  EXPECT_EQ(LoginFrom("203.0.113.66", "alice", TestServer::kDefaultPassword).status, 429);
  EXPECT_EQ(LoginFrom("203.0.113.12", "alice", TestServer::kDefaultPassword).status, 200);
}

TEST_F(ProxiedLoginTest, BehindOneNatColleaguesWhoSignedInBeforeKeepSigningIn) {
  CreateUser("ceo");
  CreateUser("newcomer");
  const std::string office = "198.51.100.1";
  ASSERT_EQ(LoginFrom(office, "ceo", TestServer::kDefaultPassword).status, 200);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(LoginFrom(office, "sprayed" + std::to_string(i), "guess").status, 401) << i;
  }

  EXPECT_EQ(LoginFrom(office, "ceo", TestServer::kDefaultPassword).status, 200);
  // Someone never seen at that address waits out the spray there, or signs in elsewhere.
  EXPECT_EQ(LoginFrom(office, "newcomer", TestServer::kDefaultPassword).status, 429);
  EXPECT_EQ(LoginFrom("198.51.100.2", "newcomer", TestServer::kDefaultPassword).status, 200);
}

TEST_F(AccountsIntegrationTest, ForwardedHeadersFromAnUntrustedPeerChangeNothing) {
  // No --trusted-proxy: a client naming a new address on each guess is still one address.
  for (int i = 0; i < 100; ++i) {
    HttpResult guess = server().Request(
        "POST", "/api/v1/auth/login",
        JsonBody().Set("username", "sprayed" + std::to_string(i)).Set("password", "x").str(), "",
        {{"X-Forwarded-For", "203.0.113." + std::to_string(i)}});
    ASSERT_EQ(guess.status, 401) << i << ": " << guess;
  }
  EXPECT_EQ(LoginAttempt("never-seen-here", "x").status, 429);
}

TEST_F(AccountsIntegrationTest, MegabyteUsernamesAreRefusedWithoutBeingCounted) {
  auto throttle_keys = [&] {
    HttpResult metrics = Get("/metrics", "");
    size_t at = metrics.body.find("\nagora_login_throttle_keys ");
    return at == std::string::npos ? -1.0 : std::stod(metrics.body.substr(at + 27));
  };
  double before = throttle_keys();
  ASSERT_GE(before, 0);
  for (int i = 0; i < 20; ++i) {
    std::string huge(500'000, static_cast<char>('a' + i));
    ASSERT_EQ(LoginAttempt(huge, "wrong-password").status, 401) << i;
  }
  EXPECT_EQ(throttle_keys(), before);
  // A name of ordinary length is counted as before.
  ASSERT_EQ(LoginAttempt("nobody", "wrong-password").status, 401);
  EXPECT_GT(throttle_keys(), before);
}

TEST_F(AccountsIntegrationTest, SuccessfulLoginsPerAccountAreLimited) {
  CreateUser("alice");
  for (int i = 0; i < 30; ++i) {
    ASSERT_EQ(LoginAttempt("alice", TestServer::kDefaultPassword).status, 200) << i;
  }
  HttpResult too_many = LoginAttempt("alice", TestServer::kDefaultPassword);
  EXPECT_EQ(too_many.status, 429) << too_many;
  EXPECT_TRUE(too_many.has_header("Retry-After"));
  // Another account from the same address is not affected.
  CreateUser("bob");
  EXPECT_EQ(LoginAttempt("bob", TestServer::kDefaultPassword).status, 200);
}

class SessionCapTest : public AccountsIntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    return {"--max-sessions-per-account", "3"};
  }
};

TEST_F(SessionCapTest, AnAccountKeepsItsLastSessionsUpToTheCap) {
  CreateUser("alice");
  std::vector<std::string> tokens;
  for (int i = 0; i < 3; ++i)
    tokens.push_back(server().Login("alice", TestServer::kDefaultPassword));
  for (const auto& token : tokens) EXPECT_EQ(Get("/api/v1/me", token).status, 200);

  tokens.push_back(server().Login("alice", TestServer::kDefaultPassword));

  EXPECT_EQ(Get("/api/v1/me", tokens[0]).status, 401) << "the oldest session ends";
  for (size_t i = 1; i < tokens.size(); ++i) EXPECT_EQ(Get("/api/v1/me", tokens[i]).status, 200);
  EXPECT_EQ(Get("/api/v1/me", admin_token_).status, 200);
}

}  // namespace
}  // namespace agora::integration
