// Routes of api.md "Notifications", and the plain-HTTP face of GET /api/v1/stream (the
// WebSocket upgrade itself is taken by the HTTP session before routing).
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::NotificationService;

ApiResponse List(RouteContext& ctx, NotificationService& notifications) {
  auto page = ParsePageRequest(ctx.request);
  if (!page.ok()) return ErrorResponse(page.status());
  bool unread_only = false;
  if (auto unread = ctx.request.query_param("unread")) {
    if (*unread != "true" && *unread != "false") {
      return ErrorResponse(Status::InvalidArgument("invalid_unread", "unread is true or false"));
    }
    unread_only = *unread == "true";
  }
  auto list = notifications.List(ctx.viewer, unread_only, *page);
  if (!list.ok()) return ErrorResponse(list.status());
  return JsonResponse(200, RenderNotificationPage(*list));
}

ApiResponse UnreadCount(RouteContext& ctx, NotificationService& notifications) {
  auto count = notifications.UnreadCount(ctx.viewer);
  if (!count.ok()) return ErrorResponse(count.status());
  return JsonResponse(200, RenderCount(*count));
}

// {"ids": ["..."]} or {"all": true}.
ApiResponse MarkRead(RouteContext& ctx, NotificationService& notifications) {
  rapidjson::Document body;
  if (Status s = ParseJsonObject(ctx.request, body); !s.ok()) return ErrorResponse(s);
  JsonFields fields(body);
  if (Status s = RejectUnknownFields(fields, {"ids", "all"}); !s.ok()) return ErrorResponse(s);
  auto all = fields.optional_bool("all");
  if (!all.ok()) return ErrorResponse(all.status());
  auto ids = fields.optional_string_array("ids");
  if (!ids.ok()) return ErrorResponse(ids.status());
  if (all->value_or(false) && *ids) {
    return ErrorResponse(Status::Unprocessable("invalid_body", "send either ids or all, not both"));
  }
  if (all->value_or(false)) {
    if (Status s = notifications.MarkAllRead(ctx.viewer); !s.ok()) return ErrorResponse(s);
    return NoContent();
  }
  if (!*ids) {
    return ErrorResponse(Status::Unprocessable("missing_field", "send ids (a list) or all: true"));
  }
  std::vector<Id> parsed;
  for (const auto& text : **ids) {
    auto id = ParseResourceId(text, "notification");
    if (!id.ok()) return ErrorResponse(id.status());
    parsed.push_back(*id);
  }
  if (Status s = notifications.MarkRead(ctx.viewer, parsed); !s.ok()) return ErrorResponse(s);
  return NoContent();
}

ApiResponse StreamWithoutUpgrade(RouteContext&) {
  ApiResponse response(
      426, R"({"error":{"code":"upgrade_required","message":"this path is a WebSocket stream"}})");
  response.headers.emplace_back("Upgrade", "websocket");
  return response;
}

}  // namespace

void AddNotificationRoutes(Router& router, NotificationService& notifications) {
  auto bind = [&notifications](ApiResponse (*handler)(RouteContext&, NotificationService&)) {
    return [handler, &notifications](RouteContext& ctx) { return handler(ctx, notifications); };
  };
  const auto auth = Access::kAuthenticated;
  router.add("GET", "/api/v1/notifications", auth, Lane::kDefault, bind(List));
  router.add("GET", "/api/v1/notifications/unread_count", auth, Lane::kDefault, bind(UnreadCount));
  router.add("POST", "/api/v1/notifications/read", auth, Lane::kDefault, bind(MarkRead));
  router.add("GET", "/api/v1/stream", auth, Lane::kDefault, StreamWithoutUpgrade);
}

}  // namespace agora::server
