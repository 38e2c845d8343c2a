// Routes of api.md "Streams": the home stream, a person's and a community's streams.
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

using services::FeedService;

// A stream page with its links built on the request's own path.
Result<ApiResponse> StreamAnswer(RouteContext& ctx, const StreamRequest& window,
                                 const Result<services::StreamPage>& page) {
  std::string base_path;
  for (const auto& segment : ctx.request.path) base_path += "/" + segment;
  return Json(200, page, [&](const services::StreamPage& p) {
    return RenderStreamPage(p, base_path, window.limit);
  });
}

Result<ApiResponse> Home(RouteContext& ctx, FeedService& feed) {
  AGORA_ASSIGN_OR_RETURN(StreamRequest window, ParseStreamRequest(ctx.request));
  return StreamAnswer(ctx, window, feed.Home(ctx.viewer, window.range, window.limit));
}

Result<ApiResponse> Profile(RouteContext& ctx, FeedService& feed) {
  AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
  AGORA_ASSIGN_OR_RETURN(StreamRequest window, ParseStreamRequest(ctx.request));
  return StreamAnswer(ctx, window, feed.Profile(ctx.viewer, ref, window.range, window.limit));
}

Result<ApiResponse> Community(RouteContext& ctx, FeedService& feed) {
  AGORA_ASSIGN_OR_RETURN(Id id, ParseResourceId(ctx.param("id"), "community"));
  AGORA_ASSIGN_OR_RETURN(StreamRequest window, ParseStreamRequest(ctx.request));
  return StreamAnswer(ctx, window,
                      feed.CommunityStream(ctx.viewer, id, window.range, window.limit));
}

}  // namespace

void AddFeedRoutes(Router& router, FeedService& feed) {
  const auto auth = Access::kAuthenticated;
  router.add("GET", "/api/v1/feeds/home", auth, Lane::kDefault, Bind(feed, Home));
  router.add("GET", "/api/v1/users/{id}/feed", Access::kEmployee, Lane::kDefault,
             Bind(feed, Profile));
  router.add("GET", "/api/v1/communities/{id}/feed", auth, Lane::kDefault, Bind(feed, Community));
}

}  // namespace agora::server
