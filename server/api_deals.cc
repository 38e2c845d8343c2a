// Routes of api.md "Sales" for deals: record (an upsert on external_id), list, read, change,
// import.
#include <string>
#include <utility>

#include "core/clock.h"
#include "sales/deal.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/deal_codec.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
namespace {

using services::DealService;

std::string RenderDeal(const services::DealView& view) {
  return RenderOne(view.deal, WriteSalesDeal);
}

std::string RenderDealPage(const Page<sales::Deal>& page) {
  return RenderItems(page, WriteSalesDeal);
}

Result<services::DealInput> ParseBody(const ApiRequest& request) {
  rapidjson::Document body;
  AGORA_RETURN_IF_ERROR(ParseJsonObject(request, body));
  return ParseDealFields(body);
}

Result<std::optional<std::string>> DateParam(const ApiRequest& request, const char* name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<std::string>();
  if (!IsIsoDate(*text)) {
    return Status::InvalidArgument(std::string("invalid_") + name,
                                   std::string(name) + " is a date such as 2026-11-22");
  }
  return std::optional<std::string>(*text);
}

Result<sales::DealFilter> ParseFilter(const ApiRequest& request) {
  sales::DealFilter filter;
  if (auto owner = request.query_param("owner_id")) {
    AGORA_ASSIGN_OR_RETURN(filter.owner_id, ParseResourceId(*owner, "user"));
  }
  if (auto outcome = request.query_param("outcome")) {
    filter.outcome = sales::ParseOutcome(*outcome);
    if (!filter.outcome) {
      return Status::InvalidArgument("invalid_outcome", "outcome is open, won or lost");
    }
  }
  AGORA_ASSIGN_OR_RETURN(filter.since, DateParam(request, "since"));
  AGORA_ASSIGN_OR_RETURN(filter.until, DateParam(request, "until"));
  for (auto [name, member] : {std::pair{"sector", &sales::DealFilter::sector},
                              std::pair{"product", &sales::DealFilter::product},
                              std::pair{"region", &sales::DealFilter::region}}) {
    if (auto value = request.query_param(name)) filter.*member = std::string(*value);
  }
  if (auto story = request.query_param("story")) {
    if (*story != "missing") return Status::InvalidArgument("invalid_story", "story is 'missing'");
    filter.story_missing = true;
  }
  return filter;
}

Result<Id> DealId(RouteContext& ctx) { return ParseResourceId(ctx.param("id"), "deal"); }

Result<ApiResponse> Create(RouteContext& ctx, DealService& deals) {
  AGORA_ASSIGN_OR_RETURN(auto input, ParseBody(ctx.request));
  AGORA_ASSIGN_OR_RETURN(auto view, deals.Create(ctx.viewer, input));
  ApiResponse response = JsonResponse(view.created ? 201 : 200, RenderDeal(view));
  if (view.created) {
    response.headers.emplace_back("Location", "/api/v1/deals/" + std::to_string(view.deal.id));
  }
  return response;
}

Result<ApiResponse> List(RouteContext& ctx, DealService& deals) {
  AGORA_ASSIGN_OR_RETURN(auto filter, ParseFilter(ctx.request));
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  return Json(200, deals.List(ctx.viewer, std::move(filter), page), RenderDealPage);
}

Result<ApiResponse> Get(RouteContext& ctx, DealService& deals) {
  AGORA_ASSIGN_OR_RETURN(Id id, DealId(ctx));
  return Json(200, deals.Get(ctx.viewer, id), RenderDeal);
}

Result<ApiResponse> Patch(RouteContext& ctx, DealService& deals) {
  AGORA_ASSIGN_OR_RETURN(Id id, DealId(ctx));
  AGORA_ASSIGN_OR_RETURN(auto input, ParseBody(ctx.request));
  return Json(200, deals.Patch(ctx.viewer, id, input), RenderDeal);
}

// The body is at most the server's request limit (1 MiB by default, HttpOptions::body_limit):
// larger CRM exports go through `agora deals import`.
Result<ApiResponse> Import(RouteContext& ctx, DealService& deals) {
  if (!ctx.viewer.is_admin && !ctx.viewer.is_sales_ops) {
    return Status::PermissionDenied("only sales ops and admins import deals");
  }
  AGORA_ASSIGN_OR_RETURN(auto format, ImportFormatOf(ctx.request.content_type));
  AGORA_ASSIGN_OR_RETURN(auto rows, ParseDealImport(format, ctx.request.body));
  return Json(200, deals.Import(ctx.viewer, rows, {}), RenderImportReport);
}

}  // namespace

void AddDealRoutes(Router& router, DealService& deals) {
  const auto auth = Access::kEmployee;  // sales are company-wide: no guests
  router.add("POST", "/api/v1/deals", auth, Lane::kDefault, Bind(deals, Create));
  router.add("GET", "/api/v1/deals", auth, Lane::kDefault, Bind(deals, List));
  router.add("POST", "/api/v1/deals/import", auth, Lane::kDefault, Bind(deals, Import));
  router.add("GET", "/api/v1/deals/{id}", auth, Lane::kDefault, Bind(deals, Get));
  router.add("PATCH", "/api/v1/deals/{id}", auth, Lane::kDefault, Bind(deals, Patch));
}

}  // namespace agora::server
