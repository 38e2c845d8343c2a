// Routes of api.md "Accounts and sessions" about people: profiles, org chart, follow graph,
// with their parsing and rendering.
#include "server/api_people.h"

#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/as2.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {

Result<profiles::ProfileChanges> ParseProfileChanges(const JsonFields& fields) {
  profiles::ProfileChanges c;
  struct TextField {
    const char* name;
    std::optional<std::string> profiles::ProfileChanges::*member;
  };
  static constexpr TextField kTextFields[] = {
      {"display_name", &profiles::ProfileChanges::display_name},
      {"email", &profiles::ProfileChanges::email},
      {"title", &profiles::ProfileChanges::title},
      {"department", &profiles::ProfileChanges::department},
      {"location", &profiles::ProfileChanges::location},
      {"bio", &profiles::ProfileChanges::bio},
  };
  for (const auto& field : kTextFields) {
    AGORA_ASSIGN_OR_RETURN(c.*(field.member), fields.optional_string(field.name));
  }
  if (fields.has("manager_id")) {
    AGORA_ASSIGN_OR_RETURN(
        c.manager_id, fields.optional_id("manager_id"));  // an explicit null clears the manager
  }
  AGORA_ASSIGN_OR_RETURN(c.skills, fields.optional_string_array("skills"));
  AGORA_ASSIGN_OR_RETURN(c.languages, fields.optional_string_array("languages"));
  return c;
}

namespace {

std::string RenderUserPage(const Page<profiles::User>& page, const Viewer& viewer) {
  return RenderItems(
      page, [&viewer](JsonWriter& w, const profiles::User& u) { WriteUser(w, u, viewer); });
}

std::string RenderRelationship(const profiles::Relationship& r) {
  return RenderObject([&](JsonWriter& w) {
    BoolMember(w, "following", r.following);
    BoolMember(w, "followed_by", r.followed_by);
  });
}

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

// The person, or their ActivityStreams Person when the Accept header asks for AS2.
Result<ApiResponse> GetUser(RouteContext& ctx, PeopleService& people, const PublicUrl& url) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return NegotiatedAnswer(
      ctx.request, people.Get(ctx.viewer, ref),
      [&](const profiles::User& u) { return RenderPersonDocument(u, ctx.viewer, As2Iris(url)); },
      [&ctx](const profiles::User& u) { return RenderUser(u, ctx.viewer); });
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

void AddPeopleRoutes(Router& router, PeopleService& people, const PublicUrl& url) {
  auto page = [&people](PageCall call) {
    return [call, &people](RouteContext& ctx) { return PeoplePage(ctx, people, call); };
  };
  const auto auth = Access::kAuthenticated;
  const auto lane = Lane::kDefault;
  router.add("GET", "/api/v1/me", auth, lane, Bind(people, Me));
  router.add("GET", "/api/v1/users/{id}", auth, lane,
             [&people, &url](RouteContext& ctx) { return GetUser(ctx, people, url); });
  router.add("PATCH", "/api/v1/users/{id}", auth, lane, Bind(people, UpdateUser));
  router.add("GET", "/api/v1/users/{id}/reports", auth, lane, page(&PeopleService::DirectReports));
  router.add("POST", "/api/v1/users/{id}/follow", Access::kEmployee, lane, Bind(people, Follow));
  router.add("DELETE", "/api/v1/users/{id}/follow", auth, lane, Bind(people, Unfollow));
  router.add("GET", "/api/v1/users/{id}/followers", auth, lane, page(&PeopleService::Followers));
  router.add("GET", "/api/v1/users/{id}/following", auth, lane, page(&PeopleService::Following));
}

}  // namespace agora::server
