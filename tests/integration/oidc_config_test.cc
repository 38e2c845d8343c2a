// OpenID Connect sign-in as far as it goes without a provider: what GET /api/v1/auth/methods
// says, the routes' answers when the issuer is down or the request is forged, and the serve
// options that are refused. The flows against a real provider are tests/oidc/sign_in.test.mjs.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

// A client secret file readable by its owner only (mkstemp makes it 0600).
std::string SecretFile() {
  std::string path = "/tmp/agora-oidc-secret-XXXXXX";
  int fd = mkstemp(path.data());
  EXPECT_GE(fd, 0);
  EXPECT_EQ(write(fd, "s3cret\n", 7), 7);
  close(fd);
  return path;
}

TEST_F(IntegrationTest, MethodsOfferOnlyPasswordsWithoutAnIssuer) {
  HttpResult methods = server().Request("GET", "/api/v1/auth/methods");
  ASSERT_EQ(methods.status, 200) << methods;
  EXPECT_EQ(JsonBool(methods.body, "/password"), true);
  EXPECT_FALSE(JsonHas(methods.body, "/oidc")) << methods;
  for (const auto& [method, target] :
       {std::pair{"GET", "/api/v1/auth/oidc/start"}, std::pair{"GET", "/api/v1/auth/oidc/callback"},
        std::pair{"POST", "/api/v1/auth/oidc/exchange"}}) {
    HttpResult answer = server().Request(method, target);
    EXPECT_EQ(answer.status, 404) << target << " " << answer;
    EXPECT_EQ(ErrorCode(answer.body), "not_found") << answer;
  }
}

class OidcUnreachableIssuerTest : public IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    // Port 1 on loopback: nothing listens, so every request to the issuer fails at once.
    return {"--oidc-issuer",
            "http://127.0.0.1:1",
            "--oidc-client-id",
            "agora",
            "--oidc-client-secret-file",
            secret_file_,
            "--oidc-name",
            "Okta"};
  }
  void TearDown() override {
    IntegrationTest::TearDown();
    std::remove(secret_file_.c_str());
  }

  std::string secret_file_ = SecretFile();
};

TEST_F(OidcUnreachableIssuerTest, StartsAndNamesTheProviderInTheMethods) {
  HttpResult methods = server().Request("GET", "/api/v1/auth/methods");
  ASSERT_EQ(methods.status, 200) << methods;
  EXPECT_EQ(JsonBool(methods.body, "/password"), true);
  EXPECT_EQ(JsonString(methods.body, "/oidc/name"), "Okta");
  EXPECT_EQ(JsonString(methods.body, "/oidc/start_url"), "/api/v1/auth/oidc/start");
}

TEST_F(OidcUnreachableIssuerTest, StartAnswers503WhileTheIssuerIsDown) {
  HttpResult start = server().Request("GET", "/api/v1/auth/oidc/start");
  EXPECT_EQ(start.status, 503) << start;
  EXPECT_EQ(ErrorCode(start.body), "idp_unreachable") << start;
  EXPECT_FALSE(start.has_header("set-cookie"));
}

TEST_F(OidcUnreachableIssuerTest, StartRefusesAReturnToOnAnotherOrigin) {
  for (const char* bad : {"//evil.example", "https%3A%2F%2Fevil.example", "%2F%5Cevil.example",
                          "%2Fok%23frag", "x"}) {
    HttpResult start =
        server().Request("GET", std::string("/api/v1/auth/oidc/start?return_to=") + bad);
    EXPECT_EQ(start.status, 400) << bad << " " << start;
    EXPECT_EQ(ErrorCode(start.body), "invalid_return_to") << start;
  }
}

TEST_F(OidcUnreachableIssuerTest, CallbackWithAForgedStateIsRefusedWithoutAskingTheIssuer) {
  HttpResult json = server().Request("GET", "/api/v1/auth/oidc/callback?state=forged&code=c", "",
                                     "", {{"Cookie", "agora_oidc=forged"}});
  EXPECT_EQ(json.status, 401) << json;
  EXPECT_EQ(ErrorCode(json.body), "invalid_state") << json;
  HttpResult browser = server().Request("GET", "/api/v1/auth/oidc/callback?state=forged&code=c", "",
                                        "", {{"Accept", "text/html"}});
  EXPECT_EQ(browser.status, 302) << browser;
  EXPECT_EQ(browser.header("location"), "/#oidc_error=invalid_state");
  EXPECT_NE(browser.header("set-cookie").find("Max-Age=0"), std::string::npos);
}

TEST_F(OidcUnreachableIssuerTest, ExchangeRefusesUnknownCodesAndBadBodies) {
  HttpResult unknown =
      server().Request("POST", "/api/v1/auth/oidc/exchange", R"({"login_code":"nope"})");
  EXPECT_EQ(unknown.status, 401) << unknown;
  EXPECT_EQ(ErrorCode(unknown.body), "invalid_login_code");
  HttpResult missing = server().Request("POST", "/api/v1/auth/oidc/exchange", "{}");
  EXPECT_EQ(missing.status, 422) << missing;
  HttpResult extra =
      server().Request("POST", "/api/v1/auth/oidc/exchange", R"({"login_code":"a","user_id":"1"})");
  EXPECT_EQ(extra.status, 422) << extra;
  HttpResult not_json = server().Request("POST", "/api/v1/auth/oidc/exchange", "[");
  EXPECT_EQ(not_json.status, 400) << not_json;
}

// `agora serve` with options that cannot work: exit status 2 and a one-line reason.
TEST(OidcServeOptions, RefusesWhatCannotWork) {
  std::string secret = SecretFile();
  std::string open_secret = SecretFile();
  chmod(open_secret.c_str(), 0644);
  const std::vector<std::string> base = {"serve", "--data", "/tmp/agora-oidc-unused", "--listen",
                                         "127.0.0.1:0"};
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--no-password-login"}, "nobody could sign in"},
      {{"--oidc-issuer", "http://idp.example.com", "--oidc-client-id", "a",
        "--oidc-client-secret-file", secret},
       "loopback"},
      {{"--oidc-issuer", "https://idp.example.com", "--oidc-client-secret-file", secret},
       "--oidc-client-id"},
      {{"--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "a",
        "--oidc-client-secret-file", open_secret},
       "chmod 600"},
      {{"--oidc-client-id", "a"}, "need --oidc-issuer"},
  };
  for (const auto& [extra, reason] : cases) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult result = RunAgora(args, std::nullopt);
    EXPECT_EQ(result.exit_status, 2) << result.output;
    EXPECT_NE(result.output.find(reason), std::string::npos) << result.output;
  }
  std::remove(secret.c_str());
  std::remove(open_secret.c_str());
}

}  // namespace
}  // namespace agora::integration
