// JSON bodies per endpoint: the first byte picks a route that reads a body, the second who
// sends it (the admin or a member), the rest is the body; run through the router and the
// handler on the calling thread, on a temporary store. Routes that end the sender's sessions
// (logout, password change, deactivation) are left out so later inputs stay signed in.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <string>
#include <vector>

#include "core/json.h"
#include "fuzz/fuzz_server.h"

namespace {

struct Route {
  const char* method;
  const char* path;  // with the placeholders of fuzz_server.h
};

constexpr Route kRoutes[] = {
    {"POST", "/api/v1/auth/login"},
    {"POST", "/api/v1/users"},
    {"PATCH", "/api/v1/users/@USER@"},
    {"PUT", "/api/v1/users/@USER@/guest"},
    {"PUT", "/api/v1/users/@USER@/roles"},
    {"POST", "/api/v1/users/@USER@/reactivate"},
    {"POST", "/api/v1/users/@USER@/password_reset"},
    {"POST", "/api/v1/auth/password_reset"},
    {"POST", "/api/v1/me/tokens"},
    {"POST", "/api/v1/users/@USER@/follow"},
    {"POST", "/api/v1/posts"},
    {"PATCH", "/api/v1/posts/@POST@"},
    {"POST", "/api/v1/posts/@POST@/reactions"},
    {"POST", "/api/v1/posts/@POST@/report"},
    {"POST", "/api/v1/posts/@POST@/accept"},
    {"POST", "/api/v1/communities"},
    {"PATCH", "/api/v1/communities/@COMMUNITY@"},
    {"POST", "/api/v1/communities/@COMMUNITY@/invitations"},
    {"PUT", "/api/v1/communities/@COMMUNITY@/members/@USER@"},
    {"POST", "/api/v1/communities/@COMMUNITY@/bans"},
    {"PUT", "/api/v1/communities/@COMMUNITY@/membership_rules"},
    {"POST", "/api/v1/communities/@COMMUNITY@/pins"},
    {"POST", "/api/v1/reports/1/resolve"},
    {"POST", "/api/v1/notifications/read"},
    {"POST", "/api/v1/deals"},
    {"POST", "/api/v1/deals/import"},
    {"PATCH", "/api/v1/deals/1"},
    {"POST", "/api/v1/campaigns"},
    {"POST", "/api/v1/quizzes"},
    {"PATCH", "/api/v1/quizzes/1"},
    {"POST", "/api/v1/quizzes/1/attempts"},
    {"PUT", "/api/v1/settings/currency"},
    {"POST", "/api/v1/admin/people/import"},
    {"POST", "/api/v1/auth/oidc/exchange"},
};

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> segments;
  for (size_t start = 1; start <= path.size();) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) end = path.size();
    segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return segments;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  auto& server = agora::fuzz::FuzzServer::Get(/*listen=*/false);
  const Route& route = kRoutes[data[0] % std::size(kRoutes)];
  agora::server::ApiRequest request;
  request.method = route.method;
  request.path = Segments(agora::fuzz::Substitute(route.path, server));
  request.authorization =
      "Bearer " + ((data[1] & 1) ? server.member_token() : server.admin_token());
  request.content_type = "application/json";
  request.client_address = "127.0.0.1";
  request.body = agora::fuzz::Substitute(
      std::string(reinterpret_cast<const char*>(data) + 2, size - 2), server);
  agora::server::ApiResponse response = server.Handle(request);

  // Whatever the body, the answer is a documented one: never a 500, and valid JSON.
  if (response.status >= 500 && response.status != 503) {
    std::fprintf(stderr, "%s %s answered %d: %s\n", route.method, route.path, response.status,
                 response.body.c_str());
    std::abort();
  }
  if (response.content_type == "application/json" && !response.body.empty()) {
    rapidjson::Document doc;
    if (!agora::ParseJson(response.body, doc, {.max_bytes = 64 << 20}).ok()) {
      std::fprintf(stderr, "%s %s answered JSON that does not parse: %s\n", route.method,
                   route.path, response.body.c_str());
      std::abort();
    }
  }
  return 0;
}
