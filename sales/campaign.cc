#include "sales/campaign.h"

#include <algorithm>
#include <charconv>

#include "core/enum_names.h"
#include "core/text.h"

namespace agora::sales {
namespace {

constexpr EnumName<Metric> kMetricNames[] = {{Metric::kWonAmount, "won_amount"},
                                             {Metric::kWonCount, "won_count"},
                                             {Metric::kNewCustomers, "new_customers"},
                                             {Metric::kWinRate, "win_rate"}};

constexpr EnumName<CampaignVisibility> kVisibilityNames[] = {
    {CampaignVisibility::kParticipants, "participants"}, {CampaignVisibility::kCompany, "company"}};

Status Invalid(std::string code, std::string message) {
  return Status::Unprocessable(std::move(code), std::move(message));
}

bool Matches(const std::vector<std::string>& filter, const std::string& value) {
  return filter.empty() || std::find(filter.begin(), filter.end(), value) != filter.end();
}

Status CheckFilter(const std::vector<std::string>& values, const char* name) {
  if (values.size() > CampaignLimits::kFilterValuesMax) {
    return Invalid("invalid_field", std::string(name) + " lists at most " +
                                        std::to_string(CampaignLimits::kFilterValuesMax) +
                                        " values");
  }
  for (const auto& value : values) {
    if (value.empty() || Utf8Length(value) > DealLimits::kFieldMax) {
      return Invalid("invalid_field", std::string(name) + " values are 1 to " +
                                          std::to_string(DealLimits::kFieldMax) + " characters");
    }
  }
  return Status::Ok();
}

Status InvalidTarget(std::string message) { return Invalid("invalid_target", std::move(message)); }

}  // namespace

const char* MetricName(Metric metric) { return NameOf(kMetricNames, metric); }
std::optional<Metric> ParseMetric(std::string_view name) { return ParseName(kMetricNames, name); }

const char* CampaignVisibilityName(CampaignVisibility visibility) {
  return NameOf(kVisibilityNames, visibility);
}
std::optional<CampaignVisibility> ParseCampaignVisibility(std::string_view name) {
  return ParseName(kVisibilityNames, name);
}

bool Campaign::Counts(const Deal& deal) const {
  if (deal.outcome == Outcome::kOpen || !deal.closed_on || !Covers(*deal.closed_on)) return false;
  return Matches(products, deal.product) && Matches(sectors, deal.sector) &&
         Matches(regions, deal.region);
}

Status ValidateCampaign(const CampaignDraft& draft) {
  const Campaign& c = draft.campaign;
  if (IsBlankText(c.name)) return Invalid("missing_field", "field 'name' is required");
  if (Utf8Length(c.name) > CampaignLimits::kNameMax) {
    return Invalid("invalid_field", "name is longer than " +
                                        std::to_string(CampaignLimits::kNameMax) + " characters");
  }
  if (Utf8Length(c.description) > CampaignLimits::kDescriptionMax) {
    return Invalid("invalid_field", "description is longer than " +
                                        std::to_string(CampaignLimits::kDescriptionMax) +
                                        " characters");
  }
  if (!IsIsoDate(c.starts_on) || !IsIsoDate(c.ends_on)) {
    return Invalid("invalid_date", "starts_on and ends_on are dates written YYYY-MM-DD");
  }
  if (c.ends_on < c.starts_on) {
    return Invalid("invalid_period", "a campaign cannot end before it starts");
  }
  AGORA_RETURN_IF_ERROR(CheckFilter(c.products, "products"));
  AGORA_RETURN_IF_ERROR(CheckFilter(c.sectors, "sectors"));
  AGORA_RETURN_IF_ERROR(CheckFilter(c.regions, "regions"));
  if (!c.org_root && !c.community_id && draft.user_ids.empty()) {
    return Invalid("missing_participants", "name participants: org_root, community_id or user_ids");
  }
  if (draft.user_ids.size() > CampaignLimits::kUserIdsMax) {
    return Invalid("invalid_field", "user_ids lists at most " +
                                        std::to_string(CampaignLimits::kUserIdsMax) + " people");
  }
  if (c.target < 0) return InvalidTarget("a target cannot be negative");
  return Status::Ok();
}

Result<int64_t> ParseTarget(Metric metric, std::string_view text, const Currency& reporting) {
  switch (metric) {
    case Metric::kWonAmount: {
      auto amount = ParseAmount(text, reporting);
      if (!amount.ok()) {
        return InvalidTarget("a won_amount target is an amount of the reporting currency (" +
                             std::string(reporting.code) + ")");
      }
      return *amount;
    }
    case Metric::kWonCount:
    case Metric::kNewCustomers: {
      int64_t count = -1;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), count);
      if (ec != std::errc() || end != text.data() + text.size() || count < 0 ||
          count > CampaignLimits::kCountTargetMax) {
        return InvalidTarget("a count target is a whole number of deals");
      }
      return count * kOneDeal;
    }
    case Metric::kWinRate: {
      if (text == "0") return int64_t{0};
      auto rate = ParseShareBasisPoints(text);
      if (!rate.ok()) return InvalidTarget("a win_rate target is from 0 to 1, at most 4 decimals");
      return int64_t{*rate};
    }
  }
  return InvalidTarget("unknown metric");
}

std::string FormatMetricValue(Metric metric, int64_t value, const Currency& reporting) {
  if (metric == Metric::kWonAmount) return FormatAmount(value, reporting);
  std::string out = std::to_string(value / kOneDeal);
  std::string fraction = std::to_string(value % kOneDeal);
  fraction.insert(0, 4 - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return fraction.empty() ? out : out + "." + fraction;
}

}  // namespace agora::sales
