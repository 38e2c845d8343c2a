// Routes of api.md "Communities and moderation": communities, membership, roles, bans, audit.
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

void WriteMembershipFields(JsonWriter& w, const communities::Membership& m) {
  StringMember(w, "role", communities::RoleName(m.role));
  StringMember(w, "state", communities::StateName(m.state));
  TimeMember(w, "since", m.since);
  StringMember(w, "source", communities::SourceName(m.source));
}

void WriteCommunity(JsonWriter& w, const services::CommunityView& view) {
  const communities::Community& c = view.community;
  w.StartObject();
  IdMember(w, "id", c.id);
  StringMember(w, "name", c.name);
  StringMember(w, "description", c.description);
  StringMember(w, "visibility", communities::VisibilityName(c.visibility));
  IntMember(w, "members_count", c.members_count);
  IdMember(w, "created_by", c.created_by);
  TimeMember(w, "created_at", c.created_at);
  w.Key("membership");
  if (view.membership) {
    w.StartObject();
    WriteMembershipFields(w, *view.membership);
    w.EndObject();
  } else {
    w.Null();
  }
  w.EndObject();
}

std::string RenderCommunity(const services::CommunityView& view) {
  return RenderOne(view, WriteCommunity);
}

std::string RenderCommunityPage(const Page<services::CommunityView>& page) {
  return RenderItems(page, WriteCommunity);
}

std::string RenderMembership(const communities::Membership& m) {
  return RenderObject([&](JsonWriter& w) {
    IdMember(w, "community_id", m.community_id);
    IdMember(w, "user_id", m.user_id);
    WriteMembershipFields(w, m);
  });
}

std::string RenderMemberPage(const Page<services::MemberView>& page) {
  return RenderItems(page, [](JsonWriter& w, const services::MemberView& member) {
    w.StartObject();
    w.Key("user");
    WriteUserSummary(w, member.user);
    WriteMembershipFields(w, member.membership);
    w.EndObject();
  });
}

std::string RenderAuditPage(const Page<communities::AuditEntry>& page) {
  return RenderItems(page, [](JsonWriter& w, const communities::AuditEntry& e) {
    w.StartObject();
    IdMember(w, "id", e.record.id);
    IdMember(w, "community_id", e.community_id);
    IdMember(w, "actor_id", e.record.actor_id);
    StringMember(w, "action", e.record.action);
    IdMember(w, "target_user_id", e.record.target_user);
    StringMember(w, "note", e.record.note);
    TimeMember(w, "created_at", e.at);
    w.EndObject();
  });
}

void WriteRules(JsonWriter& w, const communities::MembershipRules& rules) {
  w.Key("rules");
  w.StartArray();
  for (const auto& rule : rules) {
    w.StartObject();
    if (rule.department) StringMember(w, "department", *rule.department);
    if (rule.location) StringMember(w, "location", *rule.location);
    if (rule.title_contains) StringMember(w, "title_contains", *rule.title_contains);
    if (rule.manager_id) IdMember(w, "manager_id", *rule.manager_id);
    w.EndObject();
  }
  w.EndArray();
}

std::string RenderRules(const communities::MembershipRules& rules) {
  return RenderObject([&](JsonWriter& w) { WriteRules(w, rules); });
}

std::string RenderRulesView(const services::MembershipRulesView& view) {
  return RenderObject([&](JsonWriter& w) {
    WriteRules(w, view.rules);
    IntMember(w, "joined", view.joined);
    IntMember(w, "left", view.left);
  });
}

Status InvalidRules(std::string message) {
  return Status::Unprocessable("invalid_rules", std::move(message));
}

// {"rules": [{"department", "location", "title_contains", "manager_id"}, ...]}; the rules'
// own limits are checked by communities::ValidateRules.
Result<communities::MembershipRules> ParseRules(const ApiRequest& request) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(request, body, {"rules"}));
  if (!body.HasMember("rules") || !body["rules"].IsArray()) {
    return InvalidRules("field 'rules' must be a list of rules");
  }
  const auto& list = body["rules"];
  if (list.Size() > communities::MembershipRuleLimits::kRulesMax) {
    return InvalidRules("a community has at most 10 membership rules");
  }
  communities::MembershipRules rules;
  for (const auto& item : list.GetArray()) {
    if (!item.IsObject()) return InvalidRules("each rule is an object of conditions");
    JsonFields fields(item);
    if (auto unknown =
            fields.first_unknown({"department", "location", "title_contains", "manager_id"})) {
      return InvalidRules("'" + *unknown +
                          "' is not a rule attribute (department, location, title_contains, "
                          "manager_id)");
    }
    communities::MembershipRule rule;
    AGORA_ASSIGN_OR_RETURN(rule.department, fields.optional_string("department"));
    AGORA_ASSIGN_OR_RETURN(rule.location, fields.optional_string("location"));
    AGORA_ASSIGN_OR_RETURN(rule.title_contains, fields.optional_string("title_contains"));
    AGORA_ASSIGN_OR_RETURN(rule.manager_id, fields.optional_id("manager_id"));
    rules.push_back(std::move(rule));
  }
  return rules;
}

using services::CommunityService;

Result<communities::CommunityChanges> ParseChanges(const ApiRequest& request,
                                                   rapidjson::Document& body) {
  AGORA_RETURN_IF_ERROR(ParseJsonObject(request, body, {"name", "description", "visibility"}));
  JsonFields fields(body);
  communities::CommunityChanges changes;
  AGORA_ASSIGN_OR_RETURN(changes.name, fields.optional_string("name"));
  AGORA_ASSIGN_OR_RETURN(changes.description, fields.optional_string("description"));
  AGORA_ASSIGN_OR_RETURN(auto visibility, fields.optional_string("visibility"));
  if (visibility) {
    changes.visibility = communities::ParseVisibility(*visibility);
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
  AGORA_ASSIGN_OR_RETURN(auto id, fields.optional_id("user_id"));
  if (!id) return Status::Unprocessable("missing_field", "field 'user_id' is required");
  return *id;
}

// The {id} and {user_id} of the route.
struct Target {
  Id community;
  Id user;
};
Result<Target> MemberTarget(RouteContext& ctx) {
  AGORA_ASSIGN_OR_RETURN(Id community, CommunityId(ctx));
  AGORA_ASSIGN_OR_RETURN(Id user, UserId(ctx));
  return Target{community, user};
}

Result<ApiResponse> Create(RouteContext& ctx, CommunityService& communities) {
  rapidjson::Document body;
  AGORA_ASSIGN_OR_RETURN(auto changes, ParseChanges(ctx.request, body));
  return Created(communities.Create(ctx.viewer, changes), RenderCommunity, "/api/v1/communities/",
                 [](const services::CommunityView& c) { return c.community.id; });
}

Result<ApiResponse> List(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  std::string q(ctx.request.query_param("q").value_or(""));
  if (q.size() > 200) {
    return Status::InvalidArgument("invalid_query", "q is limited to 200 bytes");
  }
  return Json(200, communities.List(ctx.viewer, q, page), RenderCommunityPage);
}

Result<ApiResponse> Get(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  return Json(200, communities.Get(ctx.viewer, id), RenderCommunity);
}

Result<ApiResponse> Update(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  rapidjson::Document body;
  AGORA_ASSIGN_OR_RETURN(auto changes, ParseChanges(ctx.request, body));
  return Json(200, communities.Update(ctx.viewer, id, changes), RenderCommunity);
}

Result<ApiResponse> Join(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  AGORA_ASSIGN_OR_RETURN(communities::Membership membership, communities.Join(ctx.viewer, id));
  bool pending = membership.state == communities::MembershipState::kPending;
  return JsonResponse(pending ? 202 : 200, RenderMembership(membership));
}

Result<ApiResponse> Leave(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  return NoContentOr(communities.Leave(ctx.viewer, id));
}

Result<ApiResponse> Members(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  std::optional<communities::Role> role;
  if (auto text = ctx.request.query_param("role")) {
    role = communities::ParseRole(*text);
    if (!role) return Status::InvalidArgument("invalid_role", "role is owner, moderator or member");
  }
  return Json(200, communities.Members(ctx.viewer, id, role, page), RenderMemberPage);
}

Result<ApiResponse> Invite(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"user_id"}));
  AGORA_ASSIGN_OR_RETURN(Id user, BodyUserId(JsonFields(body)));
  return Json(201, communities.Invite(ctx.viewer, id, user), RenderMembership);
}

Result<ApiResponse> Accept(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  return Json(200, communities.AcceptInvitation(ctx.viewer, id), RenderMembership);
}

Result<ApiResponse> Requests(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(200, communities.Requests(ctx.viewer, id, page), RenderMemberPage);
}

Result<ApiResponse> Approve(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Target target, MemberTarget(ctx));
  return Json(200, communities.Approve(ctx.viewer, target.community, target.user),
              RenderMembership);
}

Result<ApiResponse> Reject(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Target target, MemberTarget(ctx));
  AGORA_RETURN_IF_ERROR(communities.Reject(ctx.viewer, target.community, target.user));
  return JsonResponse(200, R"({"rejected":true})");
}

Result<ApiResponse> SetRole(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Target target, MemberTarget(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"role"}));
  AGORA_ASSIGN_OR_RETURN(std::string role_name, JsonFields(body).required_string("role"));
  auto role = communities::ParseRole(role_name);
  if (!role) return Status::Unprocessable("invalid_role", "role is owner, moderator or member");
  return Json(200, communities.SetRole(ctx.viewer, target.community, target.user, *role),
              RenderMembership);
}

Result<ApiResponse> Remove(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Target target, MemberTarget(ctx));
  return NoContentOr(communities.Remove(ctx.viewer, target.community, target.user));
}

Result<ApiResponse> Ban(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"user_id", "reason"}));
  JsonFields fields(body);
  AGORA_ASSIGN_OR_RETURN(Id user, BodyUserId(fields));
  AGORA_ASSIGN_OR_RETURN(auto reason, fields.optional_string("reason"));
  AGORA_RETURN_IF_ERROR(communities.Ban(ctx.viewer, id, user, reason.value_or("")));
  return JsonResponse(201, R"({"banned":true})");
}

Result<ApiResponse> Unban(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Target target, MemberTarget(ctx));
  return NoContentOr(communities.Unban(ctx.viewer, target.community, target.user));
}

Result<ApiResponse> Rules(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  return Json(200, communities.Rules(ctx.viewer, id), RenderRules);
}

Result<ApiResponse> SetRules(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  AGORA_ASSIGN_OR_RETURN(auto rules, ParseRules(ctx.request));
  return Json(200, communities.SetRules(ctx.viewer, id, rules), RenderRulesView);
}

Result<ApiResponse> Audit(RouteContext& ctx, CommunityService& communities) {
  AGORA_ASSIGN_OR_RETURN(Id id, CommunityId(ctx));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(200, communities.Audit(ctx.viewer, id, page), RenderAuditPage);
}

}  // namespace

void AddCommunityRoutes(Router& router, CommunityService& communities) {
  auto bind = [&communities](Result<ApiResponse> (*handler)(RouteContext&, CommunityService&)) {
    return Bind(communities, handler);
  };
  const auto auth = Access::kAuthenticated;
  const auto lane = Lane::kDefault;
  const std::string base = "/api/v1/communities";
  router.add("POST", base, Access::kEmployee, lane, bind(Create));
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
  router.add("GET", base + "/{id}/membership_rules", auth, lane, bind(Rules));
  router.add("PUT", base + "/{id}/membership_rules", auth, lane, bind(SetRules));
}

}  // namespace agora::server
