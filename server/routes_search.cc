// Routes of api.md "Search": posts, people, experts, deal stories.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::SearchService;

ApiResponse SearchPosts(RouteContext& ctx, SearchService& search) {
  auto query = ParsePostSearch(ctx.request);
  if (!query.ok()) return ErrorResponse(query.status());
  auto page = search.Posts(ctx.viewer, *query);
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(200, RenderPostSearch(*page, query->offset));
}

ApiResponse SearchPeople(RouteContext& ctx, SearchService& search) {
  auto query = ParsePeopleSearch(ctx.request);
  if (!query.ok()) return ErrorResponse(query.status());
  auto page = search.People(*query);
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(200, RenderPeopleSearch(*page, query->offset, ctx.viewer));
}

ApiResponse SearchExperts(RouteContext& ctx, SearchService& search) {
  auto query = ParseExpertSearch(ctx.request);
  if (!query.ok()) return ErrorResponse(query.status());
  auto experts = search.Experts(ctx.viewer, query->q, query->limit);
  if (!experts.ok()) return ErrorResponse(experts.status());
  return JsonResponse(200, RenderExperts(*experts, ctx.viewer));
}

ApiResponse SearchDeals(RouteContext& ctx, SearchService& search) {
  auto query = ParseDealSearch(ctx.request);
  if (!query.ok()) return ErrorResponse(query.status());
  auto page = search.Deals(ctx.viewer, *query);
  if (!page.ok()) return ErrorResponse(page.status());
  return JsonResponse(200, RenderDealSearch(*page, query->offset));
}

}  // namespace

void AddSearchRoutes(Router& router, SearchService& search) {
  router.add("GET", "/api/v1/search/posts", Access::kAuthenticated, Lane::kDefault,
             [&search](RouteContext& ctx) { return SearchPosts(ctx, search); });
  router.add("GET", "/api/v1/search/people", Access::kAuthenticated, Lane::kDefault,
             [&search](RouteContext& ctx) { return SearchPeople(ctx, search); });
  router.add("GET", "/api/v1/search/experts", Access::kAuthenticated, Lane::kDefault,
             [&search](RouteContext& ctx) { return SearchExperts(ctx, search); });
  router.add("GET", "/api/v1/search/deals", Access::kAuthenticated, Lane::kDefault,
             [&search](RouteContext& ctx) { return SearchDeals(ctx, search); });
}

}  // namespace agora::server
