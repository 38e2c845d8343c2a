// Routes of api.md "Accounts and sessions" about people: profiles, org chart, follow graph.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/route_support.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::PeopleService;

// The members a profile edit may name (the rest are the company's or the server's).
const std::vector<std::string_view>& WritableProfileFields() {
  static const std::vector<std::string_view> kFields = {"display_name", "email",    "title",
                                                        "department",   "location", "bio",
                                                        "manager_id",   "skills",   "languages"};
  return kFields;
}

// A person as the viewer may see them.
Result<ApiResponse> UserAnswer(RouteContext& ctx, const Result<profiles::User>& user) {
  return Json(200, user, [&ctx](const profiles::User& u) { return RenderUser(u, ctx.viewer); });
}

Result<ApiResponse> Me(RouteContext& ctx, PeopleService& people) {
  return UserAnswer(ctx, people.Get(ctx.viewer, profiles::UserRef{ctx.viewer.user_id, {}}));
}

Result<ApiResponse> GetUser(RouteContext& ctx, PeopleService& people) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return UserAnswer(ctx, people.Get(ctx.viewer, ref));
}

Result<ApiResponse> UpdateUser(RouteContext& ctx, PeopleService& people) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, WritableProfileFields()));
  AGORA_ASSIGN_OR_RETURN(profiles::ProfileChanges changes, ParseProfileChanges(JsonFields(body)));
  return UserAnswer(ctx, people.Update(ctx.viewer, ref, changes));
}

using PageCall = Result<Page<profiles::User>> (PeopleService::*)(const Viewer&,
                                                                 const profiles::UserRef&,
                                                                 const PageRequest&);

// Direct reports, followers and following share one shape: a person, then a page of people.
Result<ApiResponse> PeoplePage(RouteContext& ctx, PeopleService& people, PageCall call) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(200, (people.*call)(ctx.viewer, ref, page),
              [&ctx](const Page<profiles::User>& p) { return RenderUserPage(p, ctx.viewer); });
}

Result<ApiResponse> Follow(RouteContext& ctx, PeopleService& people) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return Json(200, people.Follow(ctx.viewer, ref), RenderRelationship);
}

Result<ApiResponse> Unfollow(RouteContext& ctx, PeopleService& people) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return NoContentOr(people.Unfollow(ctx.viewer, ref));
}

}  // namespace

void AddPeopleRoutes(Router& router, PeopleService& people) {
  auto page = [&people](PageCall call) {
    return [call, &people](RouteContext& ctx) { return PeoplePage(ctx, people, call); };
  };
  const auto auth = Access::kAuthenticated;
  const auto lane = Lane::kDefault;
  router.add("GET", "/api/v1/me", auth, lane, Bind(people, Me));
  router.add("GET", "/api/v1/users/{id}", auth, lane, Bind(people, GetUser));
  router.add("PATCH", "/api/v1/users/{id}", auth, lane, Bind(people, UpdateUser));
  router.add("GET", "/api/v1/users/{id}/reports", auth, lane, page(&PeopleService::DirectReports));
  router.add("POST", "/api/v1/users/{id}/follow", auth, lane, Bind(people, Follow));
  router.add("DELETE", "/api/v1/users/{id}/follow", auth, lane, Bind(people, Unfollow));
  router.add("GET", "/api/v1/users/{id}/followers", auth, lane, page(&PeopleService::Followers));
  router.add("GET", "/api/v1/users/{id}/following", auth, lane, page(&PeopleService::Following));
}

}  // namespace agora::server
