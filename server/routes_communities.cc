// Routes of api.md "Communities and moderation": communities, membership, roles, bans, audit.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::CommunityService;

Result<communities::CommunityChanges> ParseChanges(const ApiRequest& request,
                                                   rapidjson::Document& body) {
  AGORA_RETURN_IF_ERROR(ParseJsonObject(request, body));
  JsonFields fields(body);
  AGORA_RETURN_IF_ERROR(RejectUnknownFields(fields, {"name", "description", "visibility"}));
  communities::CommunityChanges changes;
  auto name = fields.optional_string("name");
  if (!name.ok()) return name.status();
  changes.name = std::move(*name);
  auto description = fields.optional_string("description");
  if (!description.ok()) return description.status();
  changes.description = std::move(*description);
  auto visibility = fields.optional_string("visibility");
  if (!visibility.ok()) return visibility.status();
  if (*visibility) {
    changes.visibility = communities::ParseVisibility(**visibility);
    if (!changes.visibility) {
      return Status::Unprocessable("invalid_visibility", "visibility is open, private or secret");
    }
  }
  return changes;
}

// The {id} of the route as a community id.
Result<Id> CommunityId(RouteContext& ctx) { return ParseResourceId(ctx.param("id"), "community"); }

// The {user_id} of the route.
Result<Id> UserId(RouteContext& ctx) { return ParseResourceId(ctx.param("user_id"), "user"); }

// A required "user_id" member of the body (as a decimal string).
Result<Id> BodyUserId(const JsonFields& fields) {
  auto id = fields.optional_id("user_id");
  if (!id.ok()) return id.status();
  if (!*id) return Status::Unprocessable("missing_field", "field 'user_id' is required");
  return **id;
}

ApiResponse Create(RouteContext& ctx, CommunityService& communities) {
  rapidjson::Document body;
  auto changes = ParseChanges(ctx.request, body);
  if (!changes.ok()) return ErrorResponse(changes.status());
  auto created = communities.Create(ctx.viewer, *changes);
  if (!created.ok()) return ErrorResponse(created.status());
  return JsonResponse(201, RenderCommunity(*created));
}

ApiResponse List(RouteContext& ctx, CommunityService& communities) {
  auto page = ParsePageRequest(ctx.request);
  if (!page.ok()) return ErrorResponse(page.status());
  std::string q(ctx.request.query_param("q").value_or(""));
  if (q.size() > 200) {
    return ErrorResponse(Status::InvalidArgument("invalid_query", "q is limited to 200 bytes"));
  }
  auto list = communities.List(ctx.viewer, q, *page);
  if (!list.ok()) return ErrorResponse(list.status());
  return JsonResponse(200, RenderCommunityPage(*list));
}

ApiResponse Get(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto view = communities.Get(ctx.viewer, *id);
  if (!view.ok()) return ErrorResponse(view.status());
  return JsonResponse(200, RenderCommunity(*view));
}

ApiResponse Update(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  rapidjson::Document body;
  auto changes = ParseChanges(ctx.request, body);
  if (!changes.ok()) return ErrorResponse(changes.status());
  auto view = communities.Update(ctx.viewer, *id, *changes);
  if (!view.ok()) return ErrorResponse(view.status());
  return JsonResponse(200, RenderCommunity(*view));
}

ApiResponse Join(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto membership = communities.Join(ctx.viewer, *id);
  if (!membership.ok()) return ErrorResponse(membership.status());
  bool pending = membership->state == communities::MembershipState::kPending;
  return JsonResponse(pending ? 202 : 200, RenderMembership(*membership));
}

ApiResponse Leave(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  if (Status s = communities.Leave(ctx.viewer, *id); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

ApiResponse Members(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto page = ParsePageRequest(ctx.request);
  if (!page.ok()) return ErrorResponse(page.status());
  std::optional<communities::Role> role;
  if (auto text = ctx.request.query_param("role")) {
    role = communities::ParseRole(*text);
    if (!role) {
      return ErrorResponse(
          Status::InvalidArgument("invalid_role", "role is owner, moderator or member"));
    }
  }
  auto members = communities.Members(ctx.viewer, *id, role, *page);
  if (!members.ok()) return ErrorResponse(members.status());
  return JsonResponse(200, RenderMemberPage(*members));
}

ApiResponse Invite(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, {"user_id"}); !s.ok()) return ErrorResponse(s);
  auto user = BodyUserId(fields);
  if (!user.ok()) return ErrorResponse(user.status());
  auto membership = communities.Invite(ctx.viewer, *id, *user);
  if (!membership.ok()) return ErrorResponse(membership.status());
  return JsonResponse(201, RenderMembership(*membership));
}

ApiResponse Accept(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto membership = communities.AcceptInvitation(ctx.viewer, *id);
  if (!membership.ok()) return ErrorResponse(membership.status());
  return JsonResponse(200, RenderMembership(*membership));
}

ApiResponse Requests(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto page = ParsePageRequest(ctx.request);
  if (!page.ok()) return ErrorResponse(page.status());
  auto requests = communities.Requests(ctx.viewer, *id, *page);
  if (!requests.ok()) return ErrorResponse(requests.status());
  return JsonResponse(200, RenderMemberPage(*requests));
}

ApiResponse Approve(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto user = UserId(ctx);
  if (!user.ok()) return ErrorResponse(user.status());
  auto membership = communities.Approve(ctx.viewer, *id, *user);
  if (!membership.ok()) return ErrorResponse(membership.status());
  return JsonResponse(200, RenderMembership(*membership));
}

ApiResponse Reject(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto user = UserId(ctx);
  if (!user.ok()) return ErrorResponse(user.status());
  if (Status s = communities.Reject(ctx.viewer, *id, *user); !s.ok()) return ErrorResponse(s);
  return JsonResponse(200, R"({"rejected":true})");
}

ApiResponse SetRole(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto user = UserId(ctx);
  if (!user.ok()) return ErrorResponse(user.status());
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, {"role"}); !s.ok()) return ErrorResponse(s);
  auto role_name = fields.required_string("role");
  if (!role_name.ok()) return ErrorResponse(role_name.status());
  auto role = communities::ParseRole(*role_name);
  if (!role) {
    return ErrorResponse(
        Status::Unprocessable("invalid_role", "role is owner, moderator or member"));
  }
  auto membership = communities.SetRole(ctx.viewer, *id, *user, *role);
  if (!membership.ok()) return ErrorResponse(membership.status());
  return JsonResponse(200, RenderMembership(*membership));
}

ApiResponse Remove(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto user = UserId(ctx);
  if (!user.ok()) return ErrorResponse(user.status());
  if (Status s = communities.Remove(ctx.viewer, *id, *user); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

ApiResponse Ban(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, {"user_id", "reason"}); !s.ok()) {
    return ErrorResponse(s);
  }
  auto user = BodyUserId(fields);
  if (!user.ok()) return ErrorResponse(user.status());
  auto reason = fields.optional_string("reason");
  if (!reason.ok()) return ErrorResponse(reason.status());
  if (Status s = communities.Ban(ctx.viewer, *id, *user, reason->value_or("")); !s.ok()) {
    return ErrorResponse(s);
  }
  return JsonResponse(201, R"({"banned":true})");
}

ApiResponse Unban(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto user = UserId(ctx);
  if (!user.ok()) return ErrorResponse(user.status());
  if (Status s = communities.Unban(ctx.viewer, *id, *user); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

ApiResponse Audit(RouteContext& ctx, CommunityService& communities) {
  auto id = CommunityId(ctx);
  if (!id.ok()) return ErrorResponse(id.status());
  auto page = ParsePageRequest(ctx.request);
  if (!page.ok()) return ErrorResponse(page.status());
  auto audit = communities.Audit(ctx.viewer, *id, *page);
  if (!audit.ok()) return ErrorResponse(audit.status());
  return JsonResponse(200, RenderAuditPage(*audit));
}

}  // namespace

void AddCommunityRoutes(Router& router, CommunityService& communities) {
  auto bind = [&communities](ApiResponse (*handler)(RouteContext&, CommunityService&)) {
    return [handler, &communities](RouteContext& ctx) { return handler(ctx, communities); };
  };
  const auto auth = Access::kAuthenticated;
  const auto lane = Lane::kDefault;
  const std::string base = "/api/v1/communities";
  router.add("POST", base, auth, lane, bind(Create));
  router.add("GET", base, auth, lane, bind(List));
  router.add("GET", base + "/{id}", auth, lane, bind(Get));
  router.add("PATCH", base + "/{id}", auth, lane, bind(Update));
  router.add("POST", base + "/{id}/join", auth, lane, bind(Join));
  router.add("POST", base + "/{id}/leave", auth, lane, bind(Leave));
  router.add("GET", base + "/{id}/members", auth, lane, bind(Members));
  router.add("POST", base + "/{id}/invitations", auth, lane, bind(Invite));
  router.add("POST", base + "/{id}/invitations/accept", auth, lane, bind(Accept));
  router.add("GET", base + "/{id}/requests", auth, lane, bind(Requests));
  router.add("POST", base + "/{id}/requests/{user_id}/approve", auth, lane, bind(Approve));
  router.add("POST", base + "/{id}/requests/{user_id}/reject", auth, lane, bind(Reject));
  router.add("PUT", base + "/{id}/members/{user_id}", auth, lane, bind(SetRole));
  router.add("DELETE", base + "/{id}/members/{user_id}", auth, lane, bind(Remove));
  router.add("POST", base + "/{id}/bans", auth, lane, bind(Ban));
  router.add("DELETE", base + "/{id}/bans/{user_id}", auth, lane, bind(Unban));
  router.add("GET", base + "/{id}/audit", auth, lane, bind(Audit));
}

}  // namespace agora::server
