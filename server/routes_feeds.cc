// Routes of api.md "Streams": the home stream, a person's and a community's streams.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::FeedService;

ApiResponse Home(RouteContext& ctx, FeedService& feed) {
  auto window = ParseStreamRequest(ctx.request);
  if (!window.ok()) return ErrorResponse(window.status());
  auto page = feed.Home(ctx.viewer, window->range, window->limit);
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(200, RenderStreamPage(*page, "/api/v1/feeds/home", window->limit));
}

ApiResponse Profile(RouteContext& ctx, FeedService& feed) {
  auto ref = ParseUserRef(ctx.param("id"));
  if (!ref.ok()) return ErrorResponse(ref.status());
  auto window = ParseStreamRequest(ctx.request);
  if (!window.ok()) return ErrorResponse(window.status());
  auto page = feed.Profile(ctx.viewer, *ref, window->range, window->limit);
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(
      200, RenderStreamPage(*page, "/api/v1/users/" + ctx.param("id") + "/feed", window->limit));
}

ApiResponse Community(RouteContext& ctx, FeedService& feed) {
  auto id = ParseResourceId(ctx.param("id"), "community");
  if (!id.ok()) return ErrorResponse(id.status());
  auto window = ParseStreamRequest(ctx.request);
  if (!window.ok()) return ErrorResponse(window.status());
  auto page = feed.CommunityStream(ctx.viewer, *id, window->range, window->limit);
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(
      200,
      RenderStreamPage(*page, "/api/v1/communities/" + ctx.param("id") + "/feed", window->limit));
}

}  // namespace

void AddFeedRoutes(Router& router, FeedService& feed) {
  router.add("GET", "/api/v1/feeds/home", Access::kAuthenticated, Lane::kDefault,
             [&feed](RouteContext& ctx) { return Home(ctx, feed); });
  router.add("GET", "/api/v1/users/{id}/feed", Access::kAuthenticated, Lane::kDefault,
             [&feed](RouteContext& ctx) { return Profile(ctx, feed); });
  router.add("GET", "/api/v1/communities/{id}/feed", Access::kAuthenticated, Lane::kDefault,
             [&feed](RouteContext& ctx) { return Community(ctx, feed); });
}

}  // namespace agora::server
