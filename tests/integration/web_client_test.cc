// The web client's files, served by the real server at / (server/static_site.h): index.html
// for client routes, hashed assets cached for a year, the security headers, no way out of the
// folder, and the API untouched.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "tests/integration/integration_test.h"

namespace agora::integration {
namespace {

namespace fs = std::filesystem;

constexpr const char* kIndex = "<!doctype html><html lang=\"en\"><title>Agora test</title></html>";

class WebClientTest : public IntegrationTest {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/agora-web-root-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    fs::create_directories(root_ / "dist/assets");
    std::ofstream(root_ / "dist/index.html") << kIndex;
    std::ofstream(root_ / "dist/assets/app-1a2b3c.js") << "export const x = 1;";
    std::ofstream(root_ / "dist/assets/app-1a2b3c.css") << "body{color:#000}";
    std::ofstream(root_ / "secret.txt") << "not for the web";
    fs::create_symlink(root_ / "secret.txt", root_ / "dist/assets/link.txt");
  }
  static void TearDownTestSuite() { fs::remove_all(root_); }

  std::vector<std::string> ServeArgs() const override {
    return {"--web-root", (root_ / "dist").string()};
  }

  static fs::path root_;
};

fs::path WebClientTest::root_;

TEST_F(WebClientTest, RootAndClientRoutesAnswerIndexWithoutAToken) {
  for (std::string target :
       {"/", "/people/@camille.martin", "/search?q=x", "/communities/", "/tags/c.d"}) {
    SCOPED_TRACE(target);
    HttpResult r = Get(target, "");
    EXPECT_EQ(r.status, 200) << r;
    EXPECT_EQ(r.body, kIndex);
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    EXPECT_EQ(r.header("cache-control"), "no-cache");
    std::string csp = r.header("content-security-policy");
    EXPECT_NE(csp.find("default-src 'self'"), std::string::npos) << csp;
    EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
    EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
    EXPECT_EQ(r.header("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.header("referrer-policy"), "no-referrer");
  }
}

TEST_F(WebClientTest, HashedAssetsAreImmutable) {
  HttpResult js = Get("/assets/app-1a2b3c.js", "");
  EXPECT_EQ(js.status, 200) << js;
  EXPECT_EQ(js.body, "export const x = 1;");
  EXPECT_EQ(js.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js.header("cache-control"), "public, max-age=31536000, immutable");
  HttpResult css = Get("/assets/app-1a2b3c.css", "");
  EXPECT_EQ(css.header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(Get("/assets/missing-000.js", "").status, 404);
}

TEST_F(WebClientTest, NoPathLeavesTheFolder) {
  for (std::string target :
       {"/../secret.txt", "/assets/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
        "/assets/%2e%2e/%2e%2e/secret.txt", "/assets/link.txt", "/..%5csecret.txt",
        "/assets/..%2f..%2fsecret.txt"}) {
    SCOPED_TRACE(target);
    HttpResult r = Get(target, "");
    EXPECT_NE(r.status, 200) << r;
    EXPECT_EQ(r.body.find("not for the web"), std::string::npos) << r;
  }
}

TEST_F(WebClientTest, TheApiIsUnchanged) {
  EXPECT_EQ(Get("/api/v1/me", "").status, 401);
  EXPECT_EQ(Get("/api/v1/me", admin_token_).status, 200);
  HttpResult unknown = Get("/api/v1/no-such-thing", admin_token_);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(unknown.header("content-type"), "application/json");
  HttpResult scim = Get("/scim/v2/Users", "");  // SCIM's own 401, never the web client
  EXPECT_EQ(scim.status, 401);
  EXPECT_EQ(scim.header("content-type"), "application/scim+json");
  EXPECT_EQ(Get("/healthz", "").status, 200);
  // Only GET reads files; other methods keep the API's answers.
  EXPECT_EQ(Post("/", "{}", "").status, 404);
}

class MissingWebClientTest : public IntegrationTest {
 protected:
  std::vector<std::string> ServeArgs() const override {
    return {"--web-root", "/nonexistent/agora-web"};
  }
};

TEST_F(MissingWebClientTest, RootSaysWhyAndTheApiStillWorks) {
  HttpResult r = Get("/", "");
  EXPECT_EQ(r.status, 503) << r;
  EXPECT_NE(r.body.find("not built"), std::string::npos) << r;
  EXPECT_EQ(Get("/api/v1/me", admin_token_).status, 200);
}

}  // namespace
}  // namespace agora::integration
