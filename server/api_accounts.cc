// Routes of api.md "Accounts and sessions": login, logout, me, user creation, roles, the
// lifecycle (deactivation, reactivation, passwords and their reset), the admin's list of
// accounts, personal access tokens, and guests (created with POST /api/v1/users, changed with
// PUT .../guest).
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
    return Created(
        guests.Invite(ctx.viewer, user, guest.communities.value_or(std::vector<Id>{})),
        [&ctx](const services::GuestAccount& g) { return RenderGuest(g, ctx.viewer); },
        "/api/v1/users/", [](const services::GuestAccount& g) { return g.user.id; });
  }
  auto created = accounts.CreateUser(ctx.viewer, user);
  return Created(
      created, [&ctx](const profiles::User& u) { return RenderUser(u, ctx.viewer); },
      "/api/v1/users/", [](const profiles::User& u) { return u.id; });
}

// The account, with what its owner handed over: {..., "handover": {"communities": [ids],
// "communities_to": id, "deals": [ids], "deals_to": id}}.
std::string RenderDeactivation(const services::DeactivationResult& result, const Viewer& viewer) {
  auto ids = [](JsonWriter& w, const char* key, const std::vector<Id>& values) {
    w.Key(key);
    w.StartArray();
    for (Id id : values) w.String(std::to_string(id).c_str());
    w.EndArray();
  };
  return RenderObject([&](JsonWriter& w) {
    WriteUserMembers(w, result.user, viewer);
    const services::Handover& h = result.handover;
    w.Key("handover");
    w.StartObject();
    ids(w, "communities", h.communities);
    IdMember(w, "communities_to", h.communities_to);
    ids(w, "deals", h.deals);
    IdMember(w, "deals_to", h.deals_to);
    w.EndObject();
  });
}

// The body is optional: {"successor_id": "<id>"} names who takes over the leaver's communities.
Result<ApiResponse> Deactivate(RouteContext& ctx, services::AccountService& accounts) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  std::optional<Id> successor;
  if (!ctx.request.body.empty()) {
    rapidjson::Document body;
    AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"successor_id"}));
    AGORA_ASSIGN_OR_RETURN(successor, JsonFields(body).optional_id("successor_id"));
  }
  return Json(
      200, accounts.Deactivate(ctx.viewer, ref, successor),
      [&ctx](const services::DeactivationResult& r) { return RenderDeactivation(r, ctx.viewer); });
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

Result<ApiResponse> Reactivate(RouteContext& ctx, services::AccountService& accounts) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return Json(200, accounts.Reactivate(ctx.viewer, ref),
              [&ctx](const profiles::User& u) { return RenderUser(u, ctx.viewer); });
}

Result<ApiResponse> ChangePassword(RouteContext& ctx, services::AccountService& accounts) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"current_password", "new_password"}));
  JsonFields fields(body);
  AGORA_ASSIGN_OR_RETURN(std::string current, fields.required_string("current_password"));
  AGORA_ASSIGN_OR_RETURN(std::string next, fields.required_string("new_password"));
  return NoContentOr(
      accounts.ChangePassword(ctx.viewer, ctx.token, current, next, ctx.request.client_address));
}

Result<ApiResponse> IssuePasswordReset(RouteContext& ctx, services::AccountService& accounts) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  return Json(201, accounts.IssuePasswordReset(ctx.viewer, ref),
              [](const services::IssuedPasswordReset& reset) {
                return RenderObject([&](JsonWriter& w) {
                  StringMember(w, "reset_token", reset.reset_token);
                  TimeMember(w, "expires_at", reset.expires_at);
                });
              });
}

Result<ApiResponse> ResetPassword(RouteContext& ctx, services::AccountService& accounts) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"reset_token", "new_password"}));
  JsonFields fields(body);
  AGORA_ASSIGN_OR_RETURN(std::string token, fields.required_string("reset_token"));
  AGORA_ASSIGN_OR_RETURN(std::string next, fields.required_string("new_password"));
  return NoContentOr(accounts.ResetPassword(token, next));
}

// `active` is "true" or "false"; kInvalidArgument "invalid_active" otherwise.
Result<profiles::UserFilter> ParseUserFilter(const ApiRequest& request) {
  profiles::UserFilter filter;
  if (auto active = request.query_param("active")) {
    if (*active != "true" && *active != "false") {
      return Status::InvalidArgument("invalid_active", "active is 'true' or 'false'");
    }
    filter.active = *active == "true";
  }
  if (auto department = request.query_param("department")) filter.department = *department;
  if (auto email = request.query_param("email")) filter.email = *email;
  return filter;
}

Result<ApiResponse> ListUsers(RouteContext& ctx, services::AccountService& accounts) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserFilter filter, ParseUserFilter(ctx.request));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(
      200, accounts.ListUsers(ctx.viewer, filter, page), [&ctx](const Page<profiles::User>& p) {
        return RenderItems(
            p, [&ctx](JsonWriter& w, const profiles::User& u) { WriteUser(w, u, ctx.viewer); });
      });
}

// A token's members, never its secret.
void WriteAccessTokenMembers(JsonWriter& w, const profiles::AccessToken& t) {
  IdMember(w, "id", t.id);
  IdMember(w, "user_id", t.user_id);
  StringMember(w, "name", t.name);
  std::vector<std::string> scopes{"read"};
  if (t.can_write) scopes.emplace_back("write");
  StringsMember(w, "scopes", scopes);
  TimeMember(w, "expires_at", t.expires_at);
  TimeMember(w, "created_at", t.created_at);
  TimeMember(w, "last_used_at", t.last_used_at);
}

Result<ApiResponse> CreateAccessToken(RouteContext& ctx, services::AccountService& accounts) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"name", "scopes", "expires_at"}));
  JsonFields fields(body);
  services::AccessTokenRequest request;
  AGORA_ASSIGN_OR_RETURN(request.name, fields.required_string("name"));
  AGORA_ASSIGN_OR_RETURN(auto scopes, fields.optional_string_array("scopes"));
  if (!scopes) return Status::Unprocessable("missing_field", "field 'scopes' is required");
  request.scopes = std::move(*scopes);
  AGORA_ASSIGN_OR_RETURN(auto expires_at, fields.optional_string("expires_at"));
  if (expires_at) {
    request.expires_at = ParseRfc3339(*expires_at);
    if (!request.expires_at) {
      return Status::InvalidArgument("invalid_expires_at", "expires_at is an RFC 3339 time");
    }
  }
  return Json(201, accounts.CreateAccessToken(ctx.viewer, request),
              [](const services::IssuedAccessToken& issued) {
                return RenderObject([&](JsonWriter& w) {
                  WriteAccessTokenMembers(w, issued.stored);
                  StringMember(w, "token", issued.token);  // shown this once: its hash is kept
                });
              });
}

// The owner a token route names: "me", or the {id} of an admin route.
Result<profiles::UserRef> TokenOwner(const RouteContext& ctx) {
  if (!ctx.params.contains("id")) return profiles::UserRef{ctx.viewer.user_id, {}};
  return ParseUserRef(ctx.param("id"));
}

Result<ApiResponse> ListAccessTokens(RouteContext& ctx, services::AccountService& accounts) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef owner, TokenOwner(ctx));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(200, accounts.ListAccessTokens(ctx.viewer, owner, page),
              [](const Page<profiles::AccessToken>& p) {
                return RenderItems(p, [](JsonWriter& w, const profiles::AccessToken& t) {
                  w.StartObject();
                  WriteAccessTokenMembers(w, t);
                  w.EndObject();
                });
              });
}

Result<ApiResponse> RevokeAccessToken(RouteContext& ctx, services::AccountService& accounts) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef owner, TokenOwner(ctx));
  AGORA_ASSIGN_OR_RETURN(Id token_id, ParseResourceId(ctx.param("token_id"), "token"));
  return NoContentOr(accounts.RevokeAccessToken(ctx.viewer, owner, token_id));
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
  using services::AccountService;
  using services::GuestService;
  // Each route: who may call it, its lane, and its handler on the accounts service.
  auto add = [&](const char* method, const char* pattern, Access access, Lane lane,
                 Result<ApiResponse> (*handler)(RouteContext&, AccountService&)) {
    router.add(method, pattern, access, lane, Bind(accounts, handler));
  };
  auto add_guest = [&](const char* method, const char* pattern,
                       Result<ApiResponse> (*handler)(RouteContext&, GuestService&)) {
    router.add(method, pattern, Access::kAdmin, Lane::kDefault, Bind(guests, handler));
  };
  const auto hashing = Lane::kPasswordHashing;
  const auto lane = Lane::kDefault;
  const auto admin = Access::kAdmin;
  const auto auth = Access::kAuthenticated;
  add("POST", "/api/v1/auth/login", Access::kPublic, hashing, Login);
  add("POST", "/api/v1/auth/logout", Access::kSignOut, lane, Logout);
  router.add("POST", "/api/v1/users", admin, hashing,
             [&accounts, &guests](RouteContext& ctx) { return CreateUser(ctx, accounts, guests); });
  add_guest("GET", "/api/v1/users/{id}/guest", GetGuest);
  add_guest("PUT", "/api/v1/users/{id}/guest", ChangeGuest);
  add("POST", "/api/v1/users/{id}/deactivate", admin, lane, Deactivate);
  add("PUT", "/api/v1/users/{id}/roles", admin, lane, SetRoles);
  add("POST", "/api/v1/users/{id}/reactivate", admin, lane, Reactivate);
  add("GET", "/api/v1/users", admin, lane, ListUsers);
  add("POST", "/api/v1/me/password", auth, hashing, ChangePassword);
  add("POST", "/api/v1/users/{id}/password_reset", admin, lane, IssuePasswordReset);
  add("POST", "/api/v1/auth/password_reset", Access::kPublic, hashing, ResetPassword);
  add("POST", "/api/v1/me/tokens", auth, lane, CreateAccessToken);
  add("GET", "/api/v1/me/tokens", auth, lane, ListAccessTokens);
  add("DELETE", "/api/v1/me/tokens/{token_id}", auth, lane, RevokeAccessToken);
  add("GET", "/api/v1/users/{id}/tokens", admin, lane, ListAccessTokens);
  add("DELETE", "/api/v1/users/{id}/tokens/{token_id}", admin, lane, RevokeAccessToken);
}

}  // namespace agora::server
