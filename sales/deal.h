// Deals as records: the value types of the sales practice and the rules a deal must meet.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"

namespace agora::sales {

enum class Outcome { kOpen, kWon, kLost };
const char* OutcomeName(Outcome outcome);
std::optional<Outcome> ParseOutcome(std::string_view name);

// A member of a deal team and the part of the deal that counts for them, in basis points.
struct TeamShare {
  Id user_id = 0;
  int share_bp = 0;
  bool operator==(const TeamShare&) const = default;
};

struct Deal {
  Id id = 0;
  std::optional<std::string> external_id;  // the CRM's id: the key an import upserts on
  Id owner_id = 0;
  std::string customer;
  std::string sector;
  std::string product;
  std::string region;
  int64_t amount_minor = 0;  // in minor units of `currency`
  std::string currency;      // ISO 4217
  Outcome outcome = Outcome::kOpen;
  std::optional<std::string> closed_on;  // "YYYY-MM-DD"; absent while open
  bool new_customer = false;
  std::vector<TeamShare> team;  // shares sum to kWholeShare; at least the owner
  Id created_by = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
  // One more at each update (a trigger bumps it): orders the states of one deal, so a node
  // that is told of a state it already counted, or an older one, can tell.
  int64_t revision = 0;
  std::vector<Id> story_post_ids;  // live deal-story posts attached to it, oldest first

  // The month a deal counts in ("YYYY-MM"): its closing month, or `current_month` while open.
  std::string month(std::string_view current_month) const;
  // The same business facts (everything an import can set), for "unchanged" on re-import.
  bool SameFacts(const Deal& other) const;
};

struct DealLimits {
  static constexpr size_t kFieldMax = 200;  // customer, sector, product, region (code points)
  static constexpr size_t kExternalIdMaxBytes = 100;
  static constexpr size_t kTeamMax = 20;
};

// Checks a complete deal before it is written; `today` is "YYYY-MM-DD" (UTC). kUnprocessable
// with "missing_field", "invalid_field", "invalid_currency", "invalid_amount" (negative),
// "invalid_closed_on" (missing for a closed deal, set for an open one, not a date, or in the
// future for a won deal), "invalid_team" (empty, too large, a member twice) or
// "invalid_shares" (not summing to 1).
Status ValidateDeal(const Deal& deal, std::string_view today);

// "YYYY-MM-DD" of a time, UTC.
std::string IsoDate(UnixMillis ms);

}  // namespace agora::sales
