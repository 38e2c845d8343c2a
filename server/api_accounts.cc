// Routes of api.md "Accounts and sessions": login, logout, me, user creation, roles,
// deactivation.
#include "server/api_accounts.h"
#include "server/api_people.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {

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

namespace {

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

Result<ApiResponse> CreateUser(RouteContext& ctx, services::AccountService& accounts) {
  rapidjson::Document body;
  static const std::vector<std::string_view> kNewUserFields = {
      "username",   "password", "role",       "display_name", "email",     "title",
      "department", "location", "manager_id", "skills",       "languages", "bio"};
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

}  // namespace

void AddAccountRoutes(Router& router, services::AccountService& accounts) {
  router.add("POST", "/api/v1/auth/login", Access::kPublic, Lane::kPasswordHashing,
             Bind(accounts, Login));
  router.add("POST", "/api/v1/auth/logout", Access::kAuthenticated, Lane::kDefault,
             Bind(accounts, Logout));
  router.add("POST", "/api/v1/users", Access::kAdmin, Lane::kPasswordHashing,
             Bind(accounts, CreateUser));
  router.add("POST", "/api/v1/users/{id}/deactivate", Access::kAdmin, Lane::kDefault,
             Bind(accounts, Deactivate));
  router.add("PUT", "/api/v1/users/{id}/roles", Access::kAdmin, Lane::kDefault,
             Bind(accounts, SetRoles));
}

}  // namespace agora::server
