// Routes of api.md "Search": posts, people, experts, deal stories.
#include "server/render.h"
#include "server/request_parsing.h"
#include "server/route_support.h"
#include "server/routes.h"

namespace agora::server {
namespace {

using services::SearchService;

Result<ApiResponse> SearchPosts(RouteContext& ctx, SearchService& search) {
  AGORA_ASSIGN_OR_RETURN(search::PostQuery query, ParsePostSearch(ctx.request));
  return Json(200, search.Posts(ctx.viewer, query), [&](const services::PostSearchPage& page) {
    return RenderPostSearch(page, query.offset);
  });
}

Result<ApiResponse> SearchPeople(RouteContext& ctx, SearchService& search) {
  AGORA_ASSIGN_OR_RETURN(search::PeopleQuery query, ParsePeopleSearch(ctx.request));
  return Json(200, search.People(query), [&](const services::PeopleSearchPage& page) {
    return RenderPeopleSearch(page, query.offset, ctx.viewer);
  });
}

Result<ApiResponse> SearchExperts(RouteContext& ctx, SearchService& search) {
  AGORA_ASSIGN_OR_RETURN(ExpertSearch query, ParseExpertSearch(ctx.request));
  return Json(200, search.Experts(ctx.viewer, query.q, query.limit),
              [&](const std::vector<services::Expert>& experts) {
                return RenderExperts(experts, ctx.viewer);
              });
}

Result<ApiResponse> SearchDeals(RouteContext& ctx, SearchService& search) {
  AGORA_ASSIGN_OR_RETURN(search::DealQuery query, ParseDealSearch(ctx.request));
  return Json(200, search.Deals(ctx.viewer, query), [&](const services::DealSearchPage& page) {
    return RenderDealSearch(page, query.offset);
  });
}

}  // namespace

void AddSearchRoutes(Router& router, SearchService& search) {
  const auto auth = Access::kAuthenticated;
  router.add("GET", "/api/v1/search/posts", auth, Lane::kDefault, Bind(search, SearchPosts));
  router.add("GET", "/api/v1/search/people", auth, Lane::kDefault, Bind(search, SearchPeople));
  router.add("GET", "/api/v1/search/experts", auth, Lane::kDefault, Bind(search, SearchExperts));
  router.add("GET", "/api/v1/search/deals", auth, Lane::kDefault, Bind(search, SearchDeals));
}

}  // namespace agora::server
