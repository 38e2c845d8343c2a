// Routes of api.md "Streams": the home stream, a person's and a community's streams, as
// ActivityStreams 2.0 pages (server/as2.h).
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/as2.h"
#include "server/next_link.h"
#include "server/request_parsing.h"
#include "server/stream_item_cache.h"

namespace agora::server {
namespace {

using services::FeedService;

// A stream page with its ids built on the public URL and the request's own path, in the AS2
// media type the Accept header asks for, else as plain JSON (the same body), with its Link
// header (so the Dispatcher need not parse the body again to find `next`).
Result<ApiResponse> StreamAnswer(RouteContext& ctx, const PublicUrl& url, StreamItemCache& items,
                                 const StreamRequest& window,
                                 const Result<services::StreamPage>& page) {
  if (!page.ok()) return page.status();
  std::string path;
  for (const auto& segment : ctx.request.path) path += "/" + segment;
  StreamPageAddress address{.path = path, .range = window.range, .limit = window.limit};
  As2Iris iris(url);
  ApiResponse answer = As2Answer(ctx.request, RenderStreamPage(*page, address, iris, &items));
  if (auto next = StreamPageNext(*page, address, iris)) {
    answer.headers.emplace_back(kLinkHeader, NextRel(*next));
  }
  return answer;
}

}  // namespace

void AddFeedRoutes(Router& router, FeedService& feed, const PublicUrl& url,
                   StreamItemCache& items) {
  const auto auth = Access::kAuthenticated;
  router.add("GET", "/api/v1/feeds/home", auth, Lane::kDefault,
             [&feed, &url, &items](RouteContext& ctx) -> Result<ApiResponse> {
               AGORA_ASSIGN_OR_RETURN(StreamRequest window, ParseStreamRequest(ctx.request));
               return StreamAnswer(ctx, url, items, window,
                                   feed.Home(ctx.viewer, window.range, window.limit));
             });
  router.add("GET", "/api/v1/users/{id}/feed", Access::kEmployee, Lane::kDefault,
             [&feed, &url, &items](RouteContext& ctx) -> Result<ApiResponse> {
               AGORA_ASSIGN_OR_RETURN(profiles::UserRef ref, ParseUserRef(ctx.param("id")));
               AGORA_ASSIGN_OR_RETURN(StreamRequest window, ParseStreamRequest(ctx.request));
               return StreamAnswer(ctx, url, items, window,
                                   feed.Profile(ctx.viewer, ref, window.range, window.limit));
             });
  router.add("GET", "/api/v1/communities/{id}/feed", auth, Lane::kDefault,
             [&feed, &url, &items](RouteContext& ctx) -> Result<ApiResponse> {
               AGORA_ASSIGN_OR_RETURN(Id id, ParseResourceId(ctx.param("id"), "community"));
               AGORA_ASSIGN_OR_RETURN(StreamRequest window, ParseStreamRequest(ctx.request));
               return StreamAnswer(
                   ctx, url, items, window,
                   feed.CommunityStream(ctx.viewer, id, window.range, window.limit));
             });
}

}  // namespace agora::server
