// Routes of api.md "Communities and moderation" about pins and reports.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::ModerationService;

Result<bool> ParseOpenFilter(const ApiRequest& request) {
  auto status = request.query_param("status").value_or("open");
  if (status == "open") return true;
  if (status == "resolved") return false;
  return Status::InvalidArgument("invalid_status", "status is open or resolved");
}

ApiResponse Pin(RouteContext& ctx, ModerationService& moderation) {
  auto id = ParseResourceId(ctx.param("id"), "community");
  if (!id.ok()) return ErrorResponse(id.status());
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, {"post_id"}); !s.ok()) return ErrorResponse(s);
  auto post = fields.optional_id("post_id");
  if (!post.ok()) return ErrorResponse(post.status());
  if (!*post)
    return ErrorResponse(Status::Unprocessable("missing_field", "field 'post_id' is required"));
  if (Status s = moderation.Pin(ctx.viewer, *id, **post); !s.ok()) return ErrorResponse(s);
  return JsonResponse(201, R"({"pinned":true})");
}

ApiResponse Unpin(RouteContext& ctx, ModerationService& moderation) {
  auto id = ParseResourceId(ctx.param("id"), "community");
  if (!id.ok()) return ErrorResponse(id.status());
  auto post = ParseResourceId(ctx.param("post_id"), "post");
  if (!post.ok()) return ErrorResponse(post.status());
  if (Status s = moderation.Unpin(ctx.viewer, *id, *post); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

ApiResponse File(RouteContext& ctx, ModerationService& moderation) {
  auto post = ParseResourceId(ctx.param("id"), "post");
  if (!post.ok()) return ErrorResponse(post.status());
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, {"reason"}); !s.ok()) return ErrorResponse(s);
  auto reason = fields.required_string("reason");
  if (!reason.ok()) return ErrorResponse(reason.status());
  auto report = moderation.File(ctx.viewer, *post, *reason);
  if (!report.ok()) return ErrorResponse(report.status());
  return JsonResponse(201, RenderReport(*report));
}

ApiResponse ListReports(RouteContext& ctx, ModerationService& moderation,
                        std::optional<Id> community) {
  auto open = ParseOpenFilter(ctx.request);
  if (!open.ok()) return ErrorResponse(open.status());
  auto page = ParsePageRequest(ctx.request);
  if (!page.ok()) return ErrorResponse(page.status());
  auto reports = moderation.List(ctx.viewer, community, *open, *page);
  if (!reports.ok()) return ErrorResponse(reports.status());
  return JsonResponse(200, RenderReportPage(*reports));
}

ApiResponse CommunityReports(RouteContext& ctx, ModerationService& moderation) {
  auto id = ParseResourceId(ctx.param("id"), "community");
  if (!id.ok()) return ErrorResponse(id.status());
  return ListReports(ctx, moderation, *id);
}

ApiResponse CompanyReports(RouteContext& ctx, ModerationService& moderation) {
  return ListReports(ctx, moderation, std::nullopt);
}

ApiResponse Resolve(RouteContext& ctx, ModerationService& moderation) {
  auto id = ParseResourceId(ctx.param("id"), "report");
  if (!id.ok()) return ErrorResponse(id.status());
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, {"action", "note"}); !s.ok()) return ErrorResponse(s);
  auto action_name = fields.required_string("action");
  if (!action_name.ok()) return ErrorResponse(action_name.status());
  auto action = communities::ParseAction(*action_name);
  if (!action) {
    return ErrorResponse(
        Status::Unprocessable("invalid_action", "action is dismiss, remove_post or ban_author"));
  }
  auto note = fields.optional_string("note");
  if (!note.ok()) return ErrorResponse(note.status());
  auto report = moderation.Resolve(ctx.viewer, *id, *action, note->value_or(""));
  if (!report.ok()) return ErrorResponse(report.status());
  return JsonResponse(200, RenderReport(*report));
}

}  // namespace

void AddModerationRoutes(Router& router, ModerationService& moderation) {
  auto bind = [&moderation](ApiResponse (*handler)(RouteContext&, ModerationService&)) {
    return [handler, &moderation](RouteContext& ctx) { return handler(ctx, moderation); };
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
