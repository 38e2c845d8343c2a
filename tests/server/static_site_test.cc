#include "server/static_site.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace agora::server {
namespace {

namespace fs = std::filesystem;

std::string Header(const ApiResponse& response, const std::string& name) {
  for (const auto& [key, value] : response.headers) {
    if (key == name) return value;
  }
  return "";
}

class StaticSiteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/agora-static-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    fs::create_directories(dir_ / "dist/assets");
    Write("dist/index.html", "<!doctype html><title>Agora</title>");
    Write("dist/assets/index-abc123.js", "console.log(1)");
    Write("dist/assets/index-abc123.css", "body{}");
    Write("dist/favicon.svg", "<svg/>");
    Write("secret.txt", "outside");
    fs::create_symlink(dir_ / "secret.txt", dir_ / "dist/leak.txt");
    fs::create_directory_symlink(dir_, dir_ / "dist/up");
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
  }

  fs::path dir_;
};

TEST_F(StaticSiteTest, ServesIndexForTheRootAndClientRoutes) {
  auto site = StaticSite::Load(dir_ / "dist");
  ASSERT_TRUE(site.ok()) << site.status().message();
  for (const std::vector<std::string>& path : std::vector<std::vector<std::string>>{
           {}, {""}, {"people", "@ana"}, {"people", "@ana.lopez"}, {"search", ""}}) {
    auto answer = site->Get(path);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(answer->status, 200);
    EXPECT_EQ(answer->body, "<!doctype html><title>Agora</title>");
    EXPECT_EQ(answer->content_type, "text/html; charset=utf-8");
    EXPECT_EQ(Header(*answer, "Cache-Control"), "no-cache");
    EXPECT_EQ(Header(*answer, "Content-Security-Policy"), kContentSecurityPolicy);
    EXPECT_EQ(Header(*answer, "Referrer-Policy"), "no-referrer");
  }
}

TEST_F(StaticSiteTest, HashedAssetsAreImmutableWithTheirType) {
  auto site = StaticSite::Load(dir_ / "dist");
  ASSERT_TRUE(site.ok());
  auto js = site->Get({"assets", "index-abc123.js"});
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->body, "console.log(1)");
  EXPECT_EQ(js->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(*js, "Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(site->Get({"assets", "index-abc123.css"})->content_type, "text/css; charset=utf-8");
  auto icon = site->Get({"favicon.svg"});
  ASSERT_TRUE(icon.has_value());
  EXPECT_EQ(icon->content_type, "image/svg+xml");
  EXPECT_EQ(Header(*icon, "Cache-Control"), "no-cache");
}

TEST_F(StaticSiteTest, LeavesTheApiAndMissingFilesToTheRouter) {
  auto site = StaticSite::Load(dir_ / "dist");
  ASSERT_TRUE(site.ok());
  EXPECT_FALSE(site->Get({"api", "v1", "nope"}).has_value());
  EXPECT_FALSE(site->Get({"scim", "v2", "Users"}).has_value());
  EXPECT_FALSE(site->Get({"assets", "missing.js"}).has_value());
}

TEST_F(StaticSiteTest, NoPathLeavesTheFolder) {
  auto site = StaticSite::Load(dir_ / "dist");
  ASSERT_TRUE(site.ok());
  EXPECT_FALSE(site->Get({"..", "secret.txt"}).has_value());
  EXPECT_FALSE(site->Get({"assets", "..", "..", "secret.txt"}).has_value());
  EXPECT_FALSE(site->Get({"..%2fsecret.txt"}).has_value());
  EXPECT_FALSE(site->Get({"../secret.txt"}).has_value());
  EXPECT_FALSE(site->Get({"leak.txt"}).has_value());  // a link out of the folder
  EXPECT_FALSE(site->Get({"up", "secret.txt"}).has_value());
  EXPECT_FALSE(site->Get({"up", "dist", "index.html"}).has_value());
  for (const auto& path : std::vector<std::vector<std::string>>{{".."}, {"a", ".."}}) {
    auto answer = site->Get(path);
    EXPECT_FALSE(answer.has_value() && answer->body.find("outside") != std::string::npos);
  }
}

TEST_F(StaticSiteTest, AFolderWithoutIndexIsRefused) {
  EXPECT_FALSE(StaticSite::Load(dir_).ok());  // no index.html at its top
  EXPECT_FALSE(StaticSite::Load(dir_ / "nope").ok());
  StaticSiteLimits tiny;
  tiny.max_total_bytes = 10;
  EXPECT_FALSE(StaticSite::Load(dir_ / "dist", tiny).ok());
}

TEST_F(StaticSiteTest, WithoutFilesTheClientRoutesSayWhy) {
  StaticSite empty("the web client is not built");
  auto answer = empty.Get({});
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->status, 503);
  EXPECT_NE(answer->body.find("not built"), std::string::npos);
  EXPECT_FALSE(empty.Get({"api", "v1", "me"}).has_value());
  EXPECT_FALSE(empty.Get({"assets", "x.js"}).has_value());
}

TEST(StaticSiteContentType, ByExtension) {
  EXPECT_EQ(ContentTypeOf("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeOf("a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeOf("README"), "application/octet-stream");
  EXPECT_EQ(ContentTypeOf("x.exe"), "application/octet-stream");
}

}  // namespace
}  // namespace agora::server
