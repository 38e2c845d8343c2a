// Routes of api.md "Accounts and sessions": login, logout, me, user creation, roles,
// deactivation; guests (created with POST /api/v1/users, changed with PUT .../guest).
#include "server/api_people.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

std::string RenderLogin(const services::LoginResult& login) {
  return RenderObject([&](JsonWriter& w) {
    StringMember(w, "token", login.token.token);
    TimeMember(w, "expires_at", login.token.expires_at);
    w.Key("user");
    WriteUser(
        w, login.user,
        Viewer{login.user.id, login.user.role == profiles::Role::kAdmin, login.user.sales_ops});
  });
}

Result<ApiResponse> Login(RouteContext& ctx, services::AccountService& accounts) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body));
  JsonFields fields(body);
  AGORA_ASSIGN_OR_RETURN(std::string username, fields.required_string("username"));
  AGORA_ASSIGN_OR_RETURN(std::string password, fields.required_string("password"));
  return Json(200, accounts.Login(username, password, ctx.request.client_address), RenderLogin);
}

Result<ApiResponse> Logout(RouteContext& ctx, services::AccountService& accounts) {
  return NoContentOr(accounts.Logout(ctx.token));
}

// `guest_until` (RFC 3339) and the ids of `communities`, each when present.
struct GuestFields {
  std::optional<UnixMillis> guest_until;
  std::optional<std::vector<Id>> communities;
};

Result<GuestFields> ParseGuestFields(const JsonFields& fields, const char* communities_name) {
  GuestFields out;
  AGORA_ASSIGN_OR_RETURN(auto until, fields.optional_string("guest_until"));
  if (until) {
    out.guest_until = ParseRfc3339(*until);
    if (!out.guest_until) {
      return Status::Unprocessable("invalid_guest_until", "guest_until is an RFC 3339 time");
    }
  }
  AGORA_ASSIGN_OR_RETURN(auto ids, fields.optional_string_array(communities_name));
  if (ids) {
    out.communities.emplace();
    for (const auto& id : *ids) {
      AGORA_ASSIGN_OR_RETURN(Id parsed, ParseResourceId(id, "community"));
      out.communities->push_back(parsed);
    }
  }
  return out;
}

std::string RenderGuest(const services::GuestAccount& guest, const Viewer& viewer) {
  return RenderDocument(
      [&](JsonWriter& w) { WriteUser(w, guest.user, viewer, &guest.communities); });
}

Result<ApiResponse> CreateUser(RouteContext& ctx, services::AccountService& accounts,
                               services::GuestService& guests) {
  rapidjson::Document body;
  static const std::vector<std::string_view> kNewUserFields = {
      "username",  "password",   "role",        "display_name",     "email",
      "title",     "department", "location",    "manager_id",       "skills",
      "languages", "bio",        "guest_until", "guest_communities"};
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, kNewUserFields));
  JsonFields fields(body);
  profiles::NewUser user;
  AGORA_ASSIGN_OR_RETURN(user.username, fields.required_string("username"));
  AGORA_ASSIGN_OR_RETURN(user.password, fields.required_string("password"));
  AGORA_ASSIGN_OR_RETURN(auto role, fields.optional_string("role"));
  AGORA_ASSIGN_OR_RETURN(user.profile, ParseProfileChanges(fields));
  if (role) {
    auto parsed = profiles::ParseRole(*role);
    if (!parsed) return Status::Unprocessable("invalid_role", "role is 'member' or 'admin'");
    user.role = *parsed;
  }
  AGORA_ASSIGN_OR_RETURN(GuestFields guest, ParseGuestFields(fields, "guest_communities"));
  if (guest.guest_until || guest.communities) {
    if (!guest.guest_until) {
      return Status::Unprocessable("missing_field", "field 'guest_until' is required");
    }
    user.guest_until = guest.guest_until;
    return Json(201, guests.Invite(ctx.viewer, user, guest.communities.value_or(std::vector<Id>{})),
                [&ctx](const services::GuestAccount& g) { return RenderGuest(g, ctx.viewer); });
  }
  auto created = accounts.CreateUser(ctx.viewer, user);
  return Json(201, created, [&ctx](const profiles::User& u) { return RenderUser(u, ctx.viewer); });
}

Result<ApiResponse> Deactivate(RouteContext& ctx, services::AccountService& accounts) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return Json(200, accounts.Deactivate(ctx.viewer, ref),
              [&ctx](const profiles::User& u) { return RenderUser(u, ctx.viewer); });
}

Result<ApiResponse> SetRoles(RouteContext& ctx, services::AccountService& accounts) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"roles"}));
  AGORA_ASSIGN_OR_RETURN(auto roles, JsonFields(body).optional_string_array("roles"));
  if (!roles) return Status::Unprocessable("missing_field", "field 'roles' is required");
  return Json(200, accounts.SetRoles(ctx.viewer, ref, *roles),
              [&ctx](const profiles::User& u) { return RenderUser(u, ctx.viewer); });
}

Result<ApiResponse> GetGuest(RouteContext& ctx, services::GuestService& guests) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return Json(200, guests.Get(ctx.viewer, ref),
              [&ctx](const services::GuestAccount& g) { return RenderGuest(g, ctx.viewer); });
}

Result<ApiResponse> ChangeGuest(RouteContext& ctx, services::GuestService& guests) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"guest_until", "communities"}));
  AGORA_ASSIGN_OR_RETURN(GuestFields guest, ParseGuestFields(JsonFields(body), "communities"));
  if (!guest.guest_until && !guest.communities) {
    return Status::Unprocessable("missing_field", "send guest_until, communities or both");
  }
  return Json(200, guests.Change(ctx.viewer, ref, guest.guest_until, guest.communities),
              [&ctx](const services::GuestAccount& g) { return RenderGuest(g, ctx.viewer); });
}

}  // namespace

void AddAccountRoutes(Router& router, services::AccountService& accounts,
                      services::GuestService& guests) {
  router.add("POST", "/api/v1/auth/login", Access::kPublic, Lane::kPasswordHashing,
             Bind(accounts, Login));
  router.add("POST", "/api/v1/auth/logout", Access::kAuthenticated, Lane::kDefault,
             Bind(accounts, Logout));
  router.add("POST", "/api/v1/users", Access::kAdmin, Lane::kPasswordHashing,
             [&accounts, &guests](RouteContext& ctx) { return CreateUser(ctx, accounts, guests); });
  router.add("GET", "/api/v1/users/{id}/guest", Access::kAdmin, Lane::kDefault,
             Bind(guests, GetGuest));
  router.add("PUT", "/api/v1/users/{id}/guest", Access::kAdmin, Lane::kDefault,
             Bind(guests, ChangeGuest));
  router.add("POST", "/api/v1/users/{id}/deactivate", Access::kAdmin, Lane::kDefault,
             Bind(accounts, Deactivate));
  router.add("PUT", "/api/v1/users/{id}/roles", Access::kAdmin, Lane::kDefault,
             Bind(accounts, SetRoles));
}

}  // namespace agora::server
