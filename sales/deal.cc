#include "sales/deal.h"

#include <algorithm>
#include <unordered_set>

#include "core/enum_names.h"
#include "core/text.h"
#include "sales/money.h"

namespace agora::sales {
namespace {

constexpr EnumName<Outcome> kOutcomeNames[] = {
    {Outcome::kOpen, "open"}, {Outcome::kWon, "won"}, {Outcome::kLost, "lost"}};

Status Invalid(std::string code, std::string message) {
  return Status::Unprocessable(std::move(code), std::move(message));
}

Status CheckField(std::string_view value, const char* name) {
  if (IsBlankText(value))
    return Invalid("missing_field", std::string("field '") + name + "' is required");
  if (Utf8Length(value) > DealLimits::kFieldMax) {
    return Invalid("invalid_field", std::string(name) + " is longer than " +
                                        std::to_string(DealLimits::kFieldMax) + " characters");
  }
  return Status::Ok();
}

Status CheckTeam(const Deal& deal) {
  if (deal.team.empty() || deal.team.size() > DealLimits::kTeamMax) {
    return Invalid("invalid_team",
                   "a deal team has 1 to " + std::to_string(DealLimits::kTeamMax) + " members");
  }
  std::unordered_set<Id> seen;
  int total = 0;
  for (const auto& member : deal.team) {
    if (!seen.insert(member.user_id).second) {
      return Invalid("invalid_team", "a person appears twice in the deal team");
    }
    if (member.share_bp <= 0 || member.share_bp > kWholeShare) {
      return Invalid("invalid_share", "a share is above 0 and at most 1");
    }
    total += member.share_bp;
  }
  if (total != kWholeShare) return Invalid("invalid_shares", "the team's shares must sum to 1");
  return Status::Ok();
}

}  // namespace

const char* OutcomeName(Outcome outcome) { return NameOf(kOutcomeNames, outcome); }
std::optional<Outcome> ParseOutcome(std::string_view name) {
  return ParseName(kOutcomeNames, name);
}

std::string Deal::month(std::string_view current_month) const {
  return closed_on ? closed_on->substr(0, 7) : std::string(current_month);
}

bool Deal::SameFacts(const Deal& other) const {
  auto sorted = [](std::vector<TeamShare> team) {
    std::sort(team.begin(), team.end(),
              [](const TeamShare& a, const TeamShare& b) { return a.user_id < b.user_id; });
    return team;
  };
  return external_id == other.external_id && owner_id == other.owner_id &&
         customer == other.customer && sector == other.sector && product == other.product &&
         region == other.region && amount_minor == other.amount_minor &&
         currency == other.currency && outcome == other.outcome && closed_on == other.closed_on &&
         new_customer == other.new_customer && sorted(team) == sorted(other.team);
}

Status ValidateDeal(const Deal& deal, std::string_view today) {
  AGORA_RETURN_IF_ERROR(CheckField(deal.customer, "customer"));
  AGORA_RETURN_IF_ERROR(CheckField(deal.sector, "sector"));
  AGORA_RETURN_IF_ERROR(CheckField(deal.product, "product"));
  AGORA_RETURN_IF_ERROR(CheckField(deal.region, "region"));
  if (deal.external_id &&
      (deal.external_id->empty() || deal.external_id->size() > DealLimits::kExternalIdMaxBytes)) {
    return Invalid("invalid_field", "external_id has 1 to " +
                                        std::to_string(DealLimits::kExternalIdMaxBytes) + " bytes");
  }
  if (!FindCurrency(deal.currency)) {
    return Invalid("invalid_currency",
                   "currency '" + deal.currency + "' is not a known ISO 4217 code");
  }
  if (deal.amount_minor < 0) return Invalid("invalid_amount", "amount must not be negative");
  if (deal.outcome == Outcome::kOpen) {
    if (deal.closed_on) return Invalid("invalid_closed_on", "an open deal has no closed_on");
  } else {
    if (!deal.closed_on) {
      return Invalid("invalid_closed_on", "closed_on is required unless the deal is open");
    }
    if (!IsIsoDate(*deal.closed_on)) {
      return Invalid("invalid_closed_on", "closed_on must be a date such as 2026-11-22");
    }
    if (deal.outcome == Outcome::kWon && *deal.closed_on > today) {
      return Invalid("invalid_closed_on", "a won deal cannot close in the future");
    }
  }
  return CheckTeam(deal);
}

std::string IsoDate(UnixMillis ms) { return FormatRfc3339(ms).substr(0, 10); }

}  // namespace agora::sales
