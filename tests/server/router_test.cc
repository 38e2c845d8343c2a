#include "server/router.h"

#include <gtest/gtest.h>

namespace agora::server {
namespace {

Router MakeRouter() {
  Router router;
  auto named = [](const char* name) {
    return [name](RouteContext&) { return ApiResponse(200, name); };
  };
  router.add("GET", "/api/v1/me", Access::kAuthenticated, Lane::kDefault, named("me"));
  router.add("GET", "/api/v1/users/{id}", Access::kAuthenticated, Lane::kDefault, named("user"));
  router.add("POST", "/api/v1/users/{id}/follow", Access::kAuthenticated, Lane::kDefault,
             named("follow"));
  return router;
}

TEST(Router, MatchesLiteralPaths) {
  Router router = MakeRouter();
  RouteMatch m = router.match("GET", {"api", "v1", "me"});
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/me");
}

TEST(Router, CapturesParameters) {
  Router router = MakeRouter();
  RouteMatch m = router.match("POST", {"api", "v1", "users", "@ana", "follow"});
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("id"), "@ana");
}

TEST(Router, ReportsAWrongMethodSeparately) {
  Router router = MakeRouter();
  RouteMatch m = router.match("DELETE", {"api", "v1", "me"});
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.allowed_methods, (std::vector<std::string>{"GET", "HEAD"}));
}

TEST(Router, HeadMatchesTheGetRoute) {
  Router router = MakeRouter();
  RouteMatch m = router.match("HEAD", {"api", "v1", "users", "@ana"});
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->pattern, "/api/v1/users/{id}");
  EXPECT_EQ(m.params.at("id"), "@ana");

  RouteMatch post_only = router.match("HEAD", {"api", "v1", "users", "@ana", "follow"});
  EXPECT_EQ(post_only.route, nullptr);
  EXPECT_EQ(post_only.allowed_methods, std::vector<std::string>{"POST"});
}

TEST(Router, RefusesUnknownAndEmptySegments) {
  Router router = MakeRouter();
  EXPECT_EQ(router.match("GET", {"api", "v1", "nothing"}).route, nullptr);
  EXPECT_TRUE(router.match("GET", {"api", "v1", "nothing"}).allowed_methods.empty());
  EXPECT_EQ(router.match("GET", {"api", "v1", "users", ""}).route, nullptr);
  EXPECT_EQ(router.match("GET", {"api", "v1", "me", ""}).route, nullptr);
}

}  // namespace
}  // namespace agora::server
