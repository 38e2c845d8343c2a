#include "oidc/url.h"

#include <gtest/gtest.h>

#include "oidc/base64url.h"
#include "oidc/pkce.h"

namespace agora::oidc {
namespace {

TEST(HttpUrl, SplitsSchemeHostPortAndTarget) {
  auto url = ParseHttpUrl("https://Login.Example.com/oauth2/v1/token?x=1");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->host, "login.example.com");
  EXPECT_EQ(url->port, "443");
  EXPECT_EQ(url->target, "/oauth2/v1/token?x=1");
  auto bare = ParseHttpUrl("http://127.0.0.1:8081");
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ(bare->port, "8081");
  EXPECT_EQ(bare->target, "/");
  auto v6 = ParseHttpUrl("http://[::1]:9000/x");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
}

TEST(HttpUrl, RefusesWhatIsNotAPlainAbsoluteHttpUrl) {
  for (const char* bad : {"ftp://example.com/", "example.com/x", "https://user:pw@example.com/",
                          "https://example.com/#frag", "https://:443/", "https://example.com:0/",
                          "https://example.com:99999/", "https://example.com:12ab/"}) {
    EXPECT_FALSE(ParseHttpUrl(bad).ok()) << bad;
  }
}

TEST(HttpUrl, AllowsPlainHttpOnlyToLoopback) {
  EXPECT_TRUE(CheckTransport(*ParseHttpUrl("https://idp.example.com/")).ok());
  EXPECT_TRUE(CheckTransport(*ParseHttpUrl("http://127.0.0.1:4000/")).ok());
  EXPECT_TRUE(CheckTransport(*ParseHttpUrl("http://localhost/")).ok());
  EXPECT_TRUE(CheckTransport(*ParseHttpUrl("http://[::1]/")).ok());
  Status plain = CheckTransport(*ParseHttpUrl("http://idp.example.com/"));
  EXPECT_EQ(plain.error_code(), "insecure_url");
  EXPECT_FALSE(CheckTransport(*ParseHttpUrl("http://127.evil.example/")).ok());
}

TEST(HttpUrl, EncodesQueriesWithPercentEscapes) {
  EXPECT_EQ(EncodeQuery({{"scope", "openid email"}, {"redirect_uri", "http://h/cb?a=1&b"}}),
            "scope=openid%20email&redirect_uri=http%3A%2F%2Fh%2Fcb%3Fa%3D1%26b");
  EXPECT_EQ(AppendQuery("https://h/authorize", {{"a", "1"}}), "https://h/authorize?a=1");
  EXPECT_EQ(AppendQuery("https://h/authorize?tenant=x", {{"a", "1"}}),
            "https://h/authorize?tenant=x&a=1");
}

TEST(Base64Url, RoundTripsWithoutPaddingAndRefusesOtherAlphabets) {
  std::string bytes("\xfb\xff\x00\x01", 4);
  EXPECT_EQ(Base64UrlEncode(bytes), "-_8AAQ");
  EXPECT_EQ(Base64UrlDecode("-_8AAQ"), bytes);
  EXPECT_FALSE(Base64UrlDecode("+/8AAQ").has_value());
  EXPECT_FALSE(Base64UrlDecode("-_8AAQ==").has_value());
}

TEST(Pkce, ChallengeIsTheS256OfRfc7636AppendixB) {
  EXPECT_EQ(S256Challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

TEST(Pkce, RandomTokensAre256BitsAndDiffer) {
  std::string a = RandomToken();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, RandomToken());
}

}  // namespace
}  // namespace agora::oidc
