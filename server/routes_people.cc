// Routes of api.md "Accounts and sessions" about people: profiles, org chart, follow graph.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::PeopleService;

const std::vector<std::string_view> kWritableProfileFields = {
    "display_name", "email",      "title",  "department", "location",
    "bio",          "manager_id", "skills", "languages"};

ApiResponse Me(RouteContext& ctx, PeopleService& people) {
  auto user = people.Get(ctx.viewer, profiles::UserRef{ctx.viewer.user_id, {}});
  if (!user.ok()) return ErrorResponse(user.status());
  return JsonResponse(200, RenderUser(*user, ctx.viewer));
}

ApiResponse GetUser(RouteContext& ctx, PeopleService& people) {
  auto ref = ParseUserRef(ctx.param("id"));
  if (!ref.ok()) return ErrorResponse(ref.status());
  auto user = people.Get(ctx.viewer, *ref);
  if (!user.ok()) return ErrorResponse(user.status());
  return JsonResponse(200, RenderUser(*user, ctx.viewer));
}

ApiResponse UpdateUser(RouteContext& ctx, PeopleService& people) {
  auto ref = ParseUserRef(ctx.param("id"));
  if (!ref.ok()) return ErrorResponse(ref.status());
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, kWritableProfileFields); !s.ok()) {
    return ErrorResponse(s);
  }
  auto changes = ParseProfileChanges(fields);
  if (!changes.ok()) return ErrorResponse(changes.status());
  auto user = people.Update(ctx.viewer, *ref, *changes);
  if (!user.ok()) return ErrorResponse(user.status());
  return JsonResponse(200, RenderUser(*user, ctx.viewer));
}

using PageCall = Result<Page<profiles::User>> (PeopleService::*)(const Viewer&,
                                                                 const profiles::UserRef&,
                                                                 const PageRequest&);

// Direct reports, followers and following share one shape: a person, then a page of people.
ApiResponse PeoplePage(RouteContext& ctx, PeopleService& people, PageCall call) {
  auto ref = ParseUserRef(ctx.param("id"));
  if (!ref.ok()) return ErrorResponse(ref.status());
  auto page = ParsePageRequest(ctx.request);
  if (!page.ok()) return ErrorResponse(page.status());
  auto result = (people.*call)(ctx.viewer, *ref, *page);
  if (!result.ok()) return ErrorResponse(result.status());
  return JsonResponse(200, RenderUserPage(*result, ctx.viewer));
}

ApiResponse Follow(RouteContext& ctx, PeopleService& people) {
  auto ref = ParseUserRef(ctx.param("id"));
  if (!ref.ok()) return ErrorResponse(ref.status());
  auto relationship = people.Follow(ctx.viewer, *ref);
  if (!relationship.ok()) return ErrorResponse(relationship.status());
  return JsonResponse(200, RenderRelationship(*relationship));
}

ApiResponse Unfollow(RouteContext& ctx, PeopleService& people) {
  auto ref = ParseUserRef(ctx.param("id"));
  if (!ref.ok()) return ErrorResponse(ref.status());
  if (Status s = people.Unfollow(ctx.viewer, *ref); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

}  // namespace

void AddPeopleRoutes(Router& router, PeopleService& people) {
  auto bind = [&people](ApiResponse (*handler)(RouteContext&, PeopleService&)) {
    return [handler, &people](RouteContext& ctx) { return handler(ctx, people); };
  };
  auto page = [&people](PageCall call) {
    return [call, &people](RouteContext& ctx) { return PeoplePage(ctx, people, call); };
  };
  router.add("GET", "/api/v1/me", Access::kAuthenticated, Lane::kDefault, bind(Me));
  router.add("GET", "/api/v1/users/{id}", Access::kAuthenticated, Lane::kDefault, bind(GetUser));
  router.add("PATCH", "/api/v1/users/{id}", Access::kAuthenticated, Lane::kDefault,
             bind(UpdateUser));
  router.add("GET", "/api/v1/users/{id}/reports", Access::kAuthenticated, Lane::kDefault,
             page(&PeopleService::DirectReports));
  router.add("POST", "/api/v1/users/{id}/follow", Access::kAuthenticated, Lane::kDefault,
             bind(Follow));
  router.add("DELETE", "/api/v1/users/{id}/follow", Access::kAuthenticated, Lane::kDefault,
             bind(Unfollow));
  router.add("GET", "/api/v1/users/{id}/followers", Access::kAuthenticated, Lane::kDefault,
             page(&PeopleService::Followers));
  router.add("GET", "/api/v1/users/{id}/following", Access::kAuthenticated, Lane::kDefault,
             page(&PeopleService::Following));
}

}  // namespace agora::server
