#include "server/cors.h"

#include <gtest/gtest.h>

namespace agora::server {
namespace {

std::string HeaderOf(const ApiResponse& response, const std::string& name) {
  std::string value;
  for (const auto& [key, v] : response.headers) {
    if (key == name) value += (value.empty() ? "" : ", ") + v;
  }
  return value;
}

ApiRequest FromOrigin(std::string method, std::string origin) {
  ApiRequest request;
  request.method = std::move(method);
  request.origin = std::move(origin);
  return request;
}

TEST(ParseCorsOrigin, WritesTheOriginAsABrowserSendsIt) {
  EXPECT_EQ(*ParseCorsOrigin("https://App.Example.com"), "https://app.example.com");
  EXPECT_EQ(*ParseCorsOrigin("https://app.example.com:443/"), "https://app.example.com");
  EXPECT_EQ(*ParseCorsOrigin("http://localhost:5173"), "http://localhost:5173");
  EXPECT_EQ(*ParseCorsOrigin("http://[::1]:8080"), "http://[::1]:8080");
}

TEST(ParseCorsOrigin, RefusesWhatIsNotOneOrigin) {
  for (const char* text :
       {"*", "", "app.example.com", "ftp://app.example.com", "https://app.example.com/path",
        "https://user@app.example.com", "https://app.example.com?x=1", "https://"}) {
    EXPECT_EQ(ParseCorsOrigin(text).status().error_code(), "invalid_cors_origin") << text;
  }
}

TEST(CorsPolicy, AnswersAPreflightFromAnAllowedOriginOnly) {
  CorsPolicy policy({"https://app.example.com"});
  ApiRequest preflight = FromOrigin("OPTIONS", "https://app.example.com");
  preflight.access_control_request_method = "POST";
  auto answer = policy.Preflight(preflight, {"GET", "POST"});
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->status, 204);
  EXPECT_EQ(HeaderOf(*answer, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_EQ(HeaderOf(*answer, "Access-Control-Allow-Methods"), "GET, POST");
  EXPECT_NE(HeaderOf(*answer, "Access-Control-Allow-Headers").find("Authorization"),
            std::string::npos);
  EXPECT_EQ(HeaderOf(*answer, "Access-Control-Allow-Credentials"), "");

  preflight.origin = "https://evil.example.com";
  EXPECT_FALSE(policy.Preflight(preflight, {"GET", "POST"}));
  preflight.origin = "https://app.example.com";
  EXPECT_FALSE(policy.Preflight(preflight, {}));  // no such path: its 404 stands
  preflight.access_control_request_method.clear();
  EXPECT_FALSE(policy.Preflight(preflight, {"GET"}));  // a plain OPTIONS is no preflight
}

TEST(CorsPolicy, DecoratesAnswersToAllowedOriginsAndVariesOnOrigin) {
  CorsPolicy policy({"https://app.example.com"});
  ApiResponse allowed;
  policy.Decorate(FromOrigin("GET", "https://app.example.com"), allowed);
  EXPECT_EQ(HeaderOf(allowed, "Access-Control-Allow-Origin"), "https://app.example.com");
  EXPECT_NE(HeaderOf(allowed, "Access-Control-Expose-Headers").find("Location"), std::string::npos);
  EXPECT_EQ(HeaderOf(allowed, "Vary"), "Origin");

  ApiResponse other;
  policy.Decorate(FromOrigin("GET", "https://evil.example.com"), other);
  EXPECT_EQ(HeaderOf(other, "Access-Control-Allow-Origin"), "");
  EXPECT_EQ(HeaderOf(other, "Vary"), "Origin");
}

TEST(CorsPolicy, AddsNothingWhenNoOriginIsConfigured) {
  ApiResponse response;
  CorsPolicy().Decorate(FromOrigin("GET", "https://app.example.com"), response);
  EXPECT_TRUE(response.headers.empty());
}

}  // namespace
}  // namespace agora::server
