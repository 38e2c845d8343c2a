// Routes of api.md "Accounts and sessions": login, logout, me, user creation, deactivation.
#include "core/clock.h"
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/routes.h"

namespace agora::server {
namespace {

const std::vector<std::string_view> kNewUserFields = {
    "username",   "password", "role",       "display_name", "email",     "title",
    "department", "location", "manager_id", "skills",       "languages", "bio"};

ApiResponse Login(RouteContext& ctx, services::AccountService& accounts) {
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  auto username = fields.required_string("username");
  if (!username.ok()) return ErrorResponse(username.status());
  auto password = fields.required_string("password");
  if (!password.ok()) return ErrorResponse(password.status());

  auto login = accounts.Login(*username, *password, ctx.request.client_address);
  if (!login.ok()) return ErrorResponse(login.status());

  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("token");
  WriteString(w, login->token.token);
  w.Key("expires_at");
  WriteString(w, FormatRfc3339(login->token.expires_at));
  w.Key("user");
  WriteUser(w, login->user, Viewer{login->user.id, login->user.role == profiles::Role::kAdmin});
  w.EndObject();
  return JsonResponse(200, buffer.GetString());
}

ApiResponse Logout(RouteContext& ctx, services::AccountService& accounts) {
  if (Status s = accounts.Logout(ctx.token); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

ApiResponse CreateUser(RouteContext& ctx, services::AccountService& accounts) {
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, kNewUserFields); !s.ok()) return ErrorResponse(s);
  profiles::NewUser user;
  auto username = fields.required_string("username");
  if (!username.ok()) return ErrorResponse(username.status());
  auto password = fields.required_string("password");
  if (!password.ok()) return ErrorResponse(password.status());
  auto role = fields.optional_string("role");
  if (!role.ok()) return ErrorResponse(role.status());
  auto profile = ParseProfileChanges(fields);
  if (!profile.ok()) return ErrorResponse(profile.status());
  user.username = std::move(*username);
  user.password = std::move(*password);
  user.profile = std::move(*profile);
  if (*role) {
    auto parsed = profiles::ParseRole(**role);
    if (!parsed) {
      return ErrorResponse(Status::Unprocessable("invalid_role", "role is 'member' or 'admin'"));
    }
    user.role = *parsed;
  }

  auto created = accounts.CreateUser(ctx.viewer, std::move(user));
  if (!created.ok()) return ErrorResponse(created.status());
  return JsonResponse(201, RenderUser(*created, ctx.viewer));
}

ApiResponse Deactivate(RouteContext& ctx, services::AccountService& accounts) {
  auto ref = ParseUserRef(ctx.param("id"));
  if (!ref.ok()) return ErrorResponse(ref.status());
  auto user = accounts.Deactivate(ctx.viewer, *ref);
  if (!user.ok()) return ErrorResponse(user.status());
  return JsonResponse(200, RenderUser(*user, ctx.viewer));
}

}  // namespace

void AddAccountRoutes(Router& router, services::AccountService& accounts) {
  auto bind = [&accounts](ApiResponse (*handler)(RouteContext&, services::AccountService&)) {
    return [handler, &accounts](RouteContext& ctx) { return handler(ctx, accounts); };
  };
  router.add("POST", "/api/v1/auth/login", Access::kPublic, Lane::kPasswordHashing, bind(Login));
  router.add("POST", "/api/v1/auth/logout", Access::kAuthenticated, Lane::kDefault, bind(Logout));
  router.add("POST", "/api/v1/users", Access::kAdmin, Lane::kPasswordHashing, bind(CreateUser));
  router.add("POST", "/api/v1/users/{id}/deactivate", Access::kAdmin, Lane::kDefault,
             bind(Deactivate));
}

}  // namespace agora::server
