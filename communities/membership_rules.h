// Membership rules: who belongs to a community because of their profile, not by hand.
//
// A community has at most MembershipRuleLimits::kRulesMax rules. A person matches the rules
// when ANY rule matches; a rule matches when ALL of its set conditions hold:
// - department: equals the person's department (ASCII case-insensitive);
// - location: equals the person's location (ASCII case-insensitive);
// - title_contains: occurs in the person's title (ASCII case-insensitive);
// - manager_id: the person is that manager or anyone under them, at any depth.
// Only active employees match (deactivated accounts and guests never do). Value types and pure
// functions, plus the rules' rows on a caller's connection; thread-safe as that connection.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "storage/connection.h"

namespace agora::communities {

struct MembershipRule {
  std::optional<std::string> department;
  std::optional<std::string> location;
  std::optional<std::string> title_contains;
  std::optional<Id> manager_id;
  bool operator==(const MembershipRule&) const = default;
};

using MembershipRules = std::vector<MembershipRule>;

struct MembershipRuleLimits {
  static constexpr size_t kRulesMax = 10;
  static constexpr size_t kValueMax = 100;  // code points, as the profile fields
};

// What the rules look at of one person: their profile fields, and `chain`, the person's id
// followed by their managers' ids up to the top of the org chart.
struct PersonFacts {
  std::string department;
  std::string location;
  std::string title;
  std::vector<Id> chain;
  bool eligible = false;  // active and not a guest
};

// kUnprocessable "invalid_rules" for too many rules, a rule without a condition, or an empty
// or too long value. An empty list is valid: the community has no rules.
Status ValidateRules(const MembershipRules& rules);
// Whether `person` matches any of `rules` (never, for an empty list or an ineligible person).
bool Matches(const MembershipRules& rules, const PersonFacts& person);
bool NeedsOrgChart(const MembershipRules& rules);

// On a caller's connection (a reader's, or a use case's transaction).
Result<MembershipRules> LoadRules(storage::Connection& c, Id community_id);
Status ReplaceRules(storage::Connection& c, Id community_id, const MembershipRules& rules);
// Every community that has rules, with them, by community id.
Result<std::vector<std::pair<Id, MembershipRules>>> AllRules(storage::Connection& c);

}  // namespace agora::communities
