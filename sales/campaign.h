// Campaigns ("temps forts"): a period with a metric, filters, participants and a target per
// participant, and the rules a new campaign must meet.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "sales/deal.h"
#include "sales/money.h"

namespace agora::sales {

enum class Metric { kWonAmount, kWonCount, kNewCustomers, kWinRate };
const char* MetricName(Metric metric);
std::optional<Metric> ParseMetric(std::string_view name);

enum class CampaignVisibility { kParticipants, kCompany };
const char* CampaignVisibilityName(CampaignVisibility visibility);
std::optional<CampaignVisibility> ParseCampaignVisibility(std::string_view name);

// Metric values and targets are integers in the metric's unit:
// - won_amount: minor units of the reporting currency;
// - won_count, new_customers: deals in basis points of a deal (a share of 0.5 counts 5,000,
//   so two halves make exactly one deal, 10,000);
// - win_rate: basis points of 1 (0.25 is 2,500).
constexpr int64_t kOneDeal = kWholeShare;
constexpr int64_t kWholeRate = kWholeShare;

struct Campaign {
  Id id = 0;
  std::string name;
  std::string description;
  std::string starts_on;  // "YYYY-MM-DD", inclusive
  std::string ends_on;    // "YYYY-MM-DD", inclusive
  Metric metric = Metric::kWonAmount;
  std::vector<std::string> products;  // empty: any
  std::vector<std::string> sectors;
  std::vector<std::string> regions;
  std::optional<Id> org_root;
  std::optional<Id> community_id;
  int64_t target = 0;  // per participant, in the metric's unit
  CampaignVisibility visibility = CampaignVisibility::kParticipants;
  Id created_by = 0;
  UnixMillis created_at = 0;

  // Whether `day` ("YYYY-MM-DD") is within the period.
  bool Covers(std::string_view day) const { return starts_on <= day && day <= ends_on; }
  // Whether a deal counts: won or lost, closed within the period, matching every filter.
  bool Counts(const Deal& deal) const;
};

struct CampaignLimits {
  static constexpr size_t kNameMax = 200;          // code points
  static constexpr size_t kDescriptionMax = 4000;  // code points
  static constexpr size_t kFilterValuesMax = 100;
  static constexpr size_t kUserIdsMax = 10'000;
  static constexpr int64_t kCountTargetMax = 1'000'000;  // deals
};

// A campaign as asked for, before its participants are resolved.
struct CampaignDraft {
  Campaign campaign;  // id, created_by, created_at set by the use case
  std::vector<Id> user_ids;
};

// Checks a draft's own fields. kUnprocessable "missing_field", "invalid_field",
// "invalid_date", "invalid_period" (ends before it starts), "missing_participants" (no
// org_root, community_id nor user_ids) or "invalid_target".
Status ValidateCampaign(const CampaignDraft& draft);

// A target's text in `metric`'s unit: an amount ("15000.50") of the reporting currency, a
// whole number of deals, or a rate from 0 to 1 with at most 4 decimals.
// kUnprocessable "invalid_target" otherwise.
Result<int64_t> ParseTarget(Metric metric, std::string_view text, const Currency& reporting);
// A metric value's text: an amount as FormatAmount writes it, else a decimal ("2.5", "0.4").
std::string FormatMetricValue(Metric metric, int64_t value, const Currency& reporting);

}  // namespace agora::sales
