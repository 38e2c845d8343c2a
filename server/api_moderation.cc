// Routes of api.md "Communities and moderation" about pins and reports.
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

void WriteReport(JsonWriter& w, const communities::Report& r) {
  w.StartObject();
  IdMember(w, "id", r.id);
  IdMember(w, "post_id", r.post_id);
  IdMember(w, "community_id", r.community_id);
  IdMember(w, "reporter_id", r.reporter_id);
  StringMember(w, "reason", r.reason);
  StringMember(w, "status", r.open ? "open" : "resolved");
  w.Key("action");
  if (r.action) {
    WriteString(w, communities::ActionName(*r.action));
  } else {
    w.Null();
  }
  StringMember(w, "note", r.note);
  IdMember(w, "resolved_by", r.resolved_by);
  TimeMember(w, "created_at", r.created_at);
  TimeMember(w, "resolved_at", r.resolved_at);
  w.EndObject();
}

std::string RenderReport(const communities::Report& report) {
  return RenderOne(report, WriteReport);
}

std::string RenderReportPage(const Page<communities::Report>& page) {
  return RenderItems(page, WriteReport);
}

using services::ModerationService;

Result<bool> ParseOpenFilter(const ApiRequest& request) {
  auto status = request.query_param("status").value_or("open");
  if (status == "open") return true;
  if (status == "resolved") return false;
  return Status::InvalidArgument("invalid_status", "status is open or resolved");
}

Result<ApiResponse> Pin(RouteContext& ctx, ModerationService& moderation) {
  AGORA_ASSIGN_OR_RETURN(Id id, ParseResourceId(ctx.param("id"), "community"));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"post_id"}));
  AGORA_ASSIGN_OR_RETURN(auto post, JsonFields(body).optional_id("post_id"));
  if (!post) return Status::Unprocessable("missing_field", "field 'post_id' is required");
  AGORA_RETURN_IF_ERROR(moderation.Pin(ctx.viewer, id, *post));
  return JsonResponse(201, R"({"pinned":true})");
}

Result<ApiResponse> Unpin(RouteContext& ctx, ModerationService& moderation) {
  AGORA_ASSIGN_OR_RETURN(Id id, ParseResourceId(ctx.param("id"), "community"));
  AGORA_ASSIGN_OR_RETURN(Id post, ParseResourceId(ctx.param("post_id"), "post"));
  return NoContentOr(moderation.Unpin(ctx.viewer, id, post));
}

Result<ApiResponse> File(RouteContext& ctx, ModerationService& moderation) {
  AGORA_ASSIGN_OR_RETURN(Id post, ParseResourceId(ctx.param("id"), "post"));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"reason"}));
  AGORA_ASSIGN_OR_RETURN(std::string reason, JsonFields(body).required_string("reason"));
  return Json(201, moderation.File(ctx.viewer, post, reason), RenderReport);
}

Result<ApiResponse> ListReports(RouteContext& ctx, ModerationService& moderation,
                                std::optional<Id> community) {
  AGORA_ASSIGN_OR_RETURN(bool open, ParseOpenFilter(ctx.request));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(200, moderation.List(ctx.viewer, community, open, page), RenderReportPage);
}

Result<ApiResponse> CommunityReports(RouteContext& ctx, ModerationService& moderation) {
  AGORA_ASSIGN_OR_RETURN(Id id, ParseResourceId(ctx.param("id"), "community"));
  return ListReports(ctx, moderation, id);
}

Result<ApiResponse> CompanyReports(RouteContext& ctx, ModerationService& moderation) {
  return ListReports(ctx, moderation, std::nullopt);
}

Result<ApiResponse> Resolve(RouteContext& ctx, ModerationService& moderation) {
  AGORA_ASSIGN_OR_RETURN(Id id, ParseResourceId(ctx.param("id"), "report"));
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"action", "note"}));
  JsonFields fields(body);
  AGORA_ASSIGN_OR_RETURN(std::string action_name, fields.required_string("action"));
  auto action = communities::ParseAction(action_name);
  if (!action) {
    return Status::Unprocessable("invalid_action", "action is dismiss, remove_post or ban_author");
  }
  AGORA_ASSIGN_OR_RETURN(auto note, fields.optional_string("note"));
  return Json(200, moderation.Resolve(ctx.viewer, id, *action, note.value_or("")), RenderReport);
}

}  // namespace

void AddModerationRoutes(Router& router, ModerationService& moderation) {
  auto bind = [&moderation](Result<ApiResponse> (*handler)(RouteContext&, ModerationService&)) {
    return Bind(moderation, handler);
  };
  const auto auth = Access::kAuthenticated;
  const auto lane = Lane::kDefault;
  router.add("POST", "/api/v1/communities/{id}/pins", auth, lane, bind(Pin));
  router.add("DELETE", "/api/v1/communities/{id}/pins/{post_id}", auth, lane, bind(Unpin));
  router.add("POST", "/api/v1/posts/{id}/report", auth, lane, bind(File));
  router.add("GET", "/api/v1/communities/{id}/reports", auth, lane, bind(CommunityReports));
  router.add("GET", "/api/v1/reports", Access::kAdmin, lane, bind(CompanyReports));
  router.add("POST", "/api/v1/reports/{id}/resolve", auth, lane, bind(Resolve));
}

}  // namespace agora::server
