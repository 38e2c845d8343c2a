// Routes of api.md "Sales": campaigns and their leaderboards.
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"
#include "server/sales_json.h"

namespace agora::server {
namespace {

using services::CampaignService;
using services::CampaignView;

const std::unordered_map<Id, profiles::UserSummary> kNoSummaries;

void WriteCampaign(JsonWriter& w, const CampaignView& view) {
  const sales::Campaign& c = view.campaign;
  w.StartObject();
  IdMember(w, "id", c.id);
  StringMember(w, "name", c.name);
  StringMember(w, "description", c.description);
  StringMember(w, "starts_on", c.starts_on);
  StringMember(w, "ends_on", c.ends_on);
  StringMember(w, "metric", sales::MetricName(c.metric));
  StringsMember(w, "products", c.products);
  StringsMember(w, "sectors", c.sectors);
  StringsMember(w, "regions", c.regions);
  IdMember(w, "org_root", c.org_root);
  IdMember(w, "community_id", c.community_id);
  w.Key("target");
  if (c.target > 0) {
    WriteString(w, sales::FormatMetricValue(c.metric, c.target, view.currency));
  } else {
    w.Null();
  }
  StringMember(w, "currency", view.currency.code);
  StringMember(w, "visibility", sales::CampaignVisibilityName(c.visibility));
  IntMember(w, "participants_count", static_cast<int64_t>(view.participants_count));
  IdMember(w, "created_by", c.created_by);
  TimeMember(w, "created_at", c.created_at);
  if (view.me) {
    w.Key("me");
    WriteStanding(w, *view.me, c.metric, view.currency, kNoSummaries);
  }
  w.EndObject();
}

std::string RenderCampaign(const CampaignView& view) { return RenderOne(view, WriteCampaign); }

std::string RenderCampaignPage(const Page<CampaignView>& page) {
  return RenderItems(page, WriteCampaign);
}

std::string RenderLeaderboard(const services::LeaderboardView& view) {
  return RenderObject([&](JsonWriter& w) {
    IdMember(w, "campaign_id", view.campaign.id);
    StringMember(w, "metric", sales::MetricName(view.campaign.metric));
    StringMember(w, "currency", view.currency.code);
    w.Key("items");
    w.StartArray();
    for (const auto& s : view.page.items) {
      WriteStanding(w, s, view.campaign.metric, view.currency, view.users);
    }
    w.EndArray();
    if (view.page.me) {
      w.Key("me");
      WriteStanding(w, *view.page.me, view.campaign.metric, view.currency, view.users);
    }
    if (view.page.next_cursor) StringMember(w, "next_cursor", *view.page.next_cursor);
    TimeMember(w, "updated_at", view.page.updated_at);
  });
}

Result<std::string> RequiredString(const JsonFields& fields, const char* name) {
  AGORA_ASSIGN_OR_RETURN(auto value, fields.optional_string(name));
  if (!value) {
    return Status::Unprocessable("missing_field", std::string("field '") + name + "' is required");
  }
  return *value;
}

Result<std::vector<std::string>> OptionalStrings(const JsonFields& fields, const char* name) {
  AGORA_ASSIGN_OR_RETURN(auto values, fields.optional_string_array(name));
  return values.value_or(std::vector<std::string>{});
}

Result<services::CampaignRequest> ParseCampaign(const ApiRequest& request,
                                                rapidjson::Document& body) {
  AGORA_RETURN_IF_ERROR(ParseJsonObject(
      request, body,
      {"name", "description", "starts_on", "ends_on", "metric", "products", "sectors", "regions",
       "org_root", "community_id", "user_ids", "target", "visibility"}));
  JsonFields fields(body);
  services::CampaignRequest out;
  sales::Campaign& c = out.draft.campaign;
  AGORA_ASSIGN_OR_RETURN(c.name, RequiredString(fields, "name"));
  AGORA_ASSIGN_OR_RETURN(auto description, fields.optional_string("description"));
  c.description = description.value_or("");
  AGORA_ASSIGN_OR_RETURN(c.starts_on, RequiredString(fields, "starts_on"));
  AGORA_ASSIGN_OR_RETURN(c.ends_on, RequiredString(fields, "ends_on"));
  AGORA_ASSIGN_OR_RETURN(auto metric_name, RequiredString(fields, "metric"));
  auto metric = sales::ParseMetric(metric_name);
  if (!metric) {
    return Status::Unprocessable("invalid_metric",
                                 "metric is won_amount, won_count, new_customers or win_rate");
  }
  c.metric = *metric;
  AGORA_ASSIGN_OR_RETURN(c.products, OptionalStrings(fields, "products"));
  AGORA_ASSIGN_OR_RETURN(c.sectors, OptionalStrings(fields, "sectors"));
  AGORA_ASSIGN_OR_RETURN(c.regions, OptionalStrings(fields, "regions"));
  AGORA_ASSIGN_OR_RETURN(c.org_root, fields.optional_id("org_root"));
  AGORA_ASSIGN_OR_RETURN(c.community_id, fields.optional_id("community_id"));
  AGORA_ASSIGN_OR_RETURN(auto user_ids, OptionalStrings(fields, "user_ids"));
  for (const auto& text : user_ids) {
    auto id = ParseId(text);
    if (!id) return Status::Unprocessable("invalid_field", "user_ids are decimal id strings");
    out.draft.user_ids.push_back(*id);
  }
  AGORA_ASSIGN_OR_RETURN(out.target, fields.optional_decimal("target"));
  AGORA_ASSIGN_OR_RETURN(auto visibility, fields.optional_string("visibility"));
  if (visibility) {
    auto parsed = sales::ParseCampaignVisibility(*visibility);
    if (!parsed) {
      return Status::Unprocessable("invalid_visibility", "visibility is participants or company");
    }
    c.visibility = *parsed;
  }
  return out;
}

Result<Id> CampaignId(RouteContext& ctx) { return ParseResourceId(ctx.param("id"), "campaign"); }

Result<ApiResponse> Create(RouteContext& ctx, CampaignService& campaigns) {
  rapidjson::Document body;
  AGORA_ASSIGN_OR_RETURN(auto request, ParseCampaign(ctx.request, body));
  return Created(campaigns.Create(ctx.viewer, request), RenderCampaign, "/api/v1/campaigns/",
                 [](const services::CampaignView& c) { return c.campaign.id; });
}

Result<ApiResponse> List(RouteContext& ctx, CampaignService& campaigns) {
  AGORA_ASSIGN_OR_RETURN(PageRequest page, ParsePageRequest(ctx.request));
  std::optional<bool> active;
  if (auto text = ctx.request.query_param("active")) {
    if (*text != "true" && *text != "false") {
      return Status::InvalidArgument("invalid_active", "active is true or false");
    }
    active = *text == "true";
  }
  return Json(200, campaigns.List(ctx.viewer, active, page), RenderCampaignPage);
}

Result<ApiResponse> Get(RouteContext& ctx, CampaignService& campaigns) {
  AGORA_ASSIGN_OR_RETURN(Id id, CampaignId(ctx));
  return Json(200, campaigns.Get(ctx.viewer, id), RenderCampaign);
}

Result<ApiResponse> Leaderboard(RouteContext& ctx, CampaignService& campaigns) {
  AGORA_ASSIGN_OR_RETURN(Id id, CampaignId(ctx));
  AGORA_ASSIGN_OR_RETURN(int limit, ParseLimit(ctx.request));
  sales::Grouping by = sales::Grouping::kPerson;
  if (auto text = ctx.request.query_param("by")) {
    auto parsed = sales::ParseGrouping(*text);
    if (!parsed) return Status::InvalidArgument("invalid_by", "by is person, team or region");
    by = *parsed;
  }
  std::optional<std::string> cursor;
  if (auto text = ctx.request.query_param("cursor")) cursor = std::string(*text);
  return Json(200, campaigns.Leaderboard(ctx.viewer, id, by, limit, cursor), RenderLeaderboard);
}

}  // namespace

void AddCampaignRoutes(Router& router, CampaignService& campaigns) {
  auto bind = [&campaigns](Result<ApiResponse> (*handler)(RouteContext&, CampaignService&)) {
    return Bind(campaigns, handler);
  };
  const auto auth = Access::kEmployee;  // sales are company-wide: no guests
  const auto lane = Lane::kDefault;
  const std::string base = "/api/v1/campaigns";
  router.add("POST", base, auth, lane, bind(Create));
  router.add("GET", base, auth, lane, bind(List));
  router.add("GET", base + "/{id}", auth, lane, bind(Get));
  router.add("GET", base + "/{id}/leaderboard", auth, lane, bind(Leaderboard));
}

}  // namespace agora::server
