// Routes of api.md "Notifications", and the plain-HTTP face of GET /api/v1/stream (the
// WebSocket upgrade itself is taken by the HTTP session before routing).
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/errors.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

std::string RenderNotificationPage(const Page<services::NotificationView>& page) {
  return RenderItems(page, WriteNotification);
}

std::string RenderCount(int64_t count) {
  return RenderObject([&](JsonWriter& w) { IntMember(w, "count", count); });
}

using services::NotificationService;

Result<ApiResponse> List(RouteContext& ctx, NotificationService& notifications) {
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  bool unread_only = false;
  if (auto unread = ctx.request.query_param("unread")) {
    if (*unread != "true" && *unread != "false") {
      return Status::InvalidArgument("invalid_unread", "unread is true or false");
    }
    unread_only = *unread == "true";
  }
  return Json(200, notifications.List(ctx.viewer, unread_only, page), RenderNotificationPage);
}

Result<ApiResponse> UnreadCount(RouteContext& ctx, NotificationService& notifications) {
  return Json(200, notifications.UnreadCount(ctx.viewer), RenderCount);
}

// {"ids": ["..."]} or {"all": true}.
Result<ApiResponse> MarkRead(RouteContext& ctx, NotificationService& notifications) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(ctx.request, body, {"ids", "all"}));
  JsonFields fields(body);
  AGORA_ASSIGN_OR_RETURN(auto all, fields.optional_bool("all"));
  AGORA_ASSIGN_OR_RETURN(auto ids, fields.optional_string_array("ids"));
  if (all.value_or(false) && ids) {
    return Status::Unprocessable("invalid_body", "send either ids or all, not both");
  }
  if (all.value_or(false)) return NoContentOr(notifications.MarkAllRead(ctx.viewer));
  if (!ids) return Status::Unprocessable("missing_field", "send ids (a list) or all: true");
  std::vector<Id> parsed;
  for (const auto& text : *ids) {
    AGORA_ASSIGN_OR_RETURN(Id id, ParseResourceId(text, "notification"));
    parsed.push_back(id);
  }
  return NoContentOr(notifications.MarkRead(ctx.viewer, parsed));
}

ApiResponse StreamWithoutUpgrade(RouteContext&) {
  ApiResponse response =
      ErrorResponse(ProtocolError::kUpgradeRequired, "this path is a WebSocket stream");
  response.headers.emplace_back("Upgrade", "websocket");
  return response;
}

}  // namespace

void AddNotificationRoutes(Router& router, NotificationService& notifications) {
  const auto auth = Access::kAuthenticated;
  router.add("GET", "/api/v1/notifications", auth, Lane::kDefault, Bind(notifications, List));
  router.add("GET", "/api/v1/notifications/unread_count", auth, Lane::kDefault,
             Bind(notifications, UnreadCount));
  router.add("POST", "/api/v1/notifications/read", auth, Lane::kDefault,
             Bind(notifications, MarkRead));
  router.add("GET", "/api/v1/stream", auth, Lane::kDefault, StreamWithoutUpgrade);
}

}  // namespace agora::server
