#include "communities/membership_rules.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"
#include "storage/rows.h"

namespace agora::communities {
namespace {

using storage::Connection;
using storage::Statement;

// ASCII case folding, as SQLite's NOCASE: department and location names are short codes and
// names entered by HR, where "Sales" and "sales" mean the same team.
std::string Folded(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool ValidValue(const std::optional<std::string>& value) {
  if (!value) return true;
  return !IsBlankText(*value) && Utf8Length(*value) <= MembershipRuleLimits::kValueMax &&
         !HasForbiddenControl(*value);
}

bool RuleMatches(const MembershipRule& rule, const PersonFacts& person) {
  if (rule.department && Folded(*rule.department) != Folded(person.department)) return false;
  if (rule.location && Folded(*rule.location) != Folded(person.location)) return false;
  if (rule.title_contains &&
      Folded(person.title).find(Folded(*rule.title_contains)) == std::string::npos) {
    return false;
  }
  if (rule.manager_id &&
      std::find(person.chain.begin(), person.chain.end(), *rule.manager_id) == person.chain.end()) {
    return false;
  }
  return true;
}

Status InvalidRules(std::string message) {
  return Status::Unprocessable("invalid_rules", std::move(message));
}

MembershipRule ReadRuleRow(const Statement& s) {
  MembershipRule rule;
  if (!s.column_is_null(1)) rule.department = s.column_text(1);
  if (!s.column_is_null(2)) rule.location = s.column_text(2);
  if (!s.column_is_null(3)) rule.title_contains = s.column_text(3);
  rule.manager_id = s.column_optional_int64(4);
  return rule;
}

constexpr char kRuleColumns[] =
    "community_id, department, location, title_contains, manager_id FROM "
    "community_membership_rules";

}  // namespace

Status ValidateRules(const MembershipRules& rules) {
  if (rules.size() > MembershipRuleLimits::kRulesMax) {
    return InvalidRules("a community has at most 10 membership rules");
  }
  for (const auto& rule : rules) {
    if (!rule.department && !rule.location && !rule.title_contains && !rule.manager_id) {
      return InvalidRules("each rule needs at least one condition");
    }
    if (!ValidValue(rule.department) || !ValidValue(rule.location) ||
        !ValidValue(rule.title_contains)) {
      return InvalidRules("a condition's value is 1 to 100 characters, not blank");
    }
  }
  return Status::Ok();
}

bool Matches(const MembershipRules& rules, const PersonFacts& person) {
  if (!person.eligible) return false;
  return std::any_of(rules.begin(), rules.end(),
                     [&](const MembershipRule& rule) { return RuleMatches(rule, person); });
}

bool NeedsOrgChart(const MembershipRules& rules) {
  return std::any_of(rules.begin(), rules.end(),
                     [](const MembershipRule& rule) { return rule.manager_id.has_value(); });
}

Result<MembershipRules> LoadRules(Connection& c, Id community_id) {
  MembershipRules rules;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c,
      (std::string("SELECT ") + kRuleColumns + " WHERE community_id = ? ORDER BY position").c_str(),
      [&](const Statement& s) { rules.push_back(ReadRuleRow(s)); }, community_id));
  return rules;
}

Status ReplaceRules(Connection& c, Id community_id, const MembershipRules& rules) {
  AGORA_RETURN_IF_ERROR(storage::Run(
      c, "DELETE FROM community_membership_rules WHERE community_id = ?", community_id));
  int64_t position = 0;
  for (const auto& rule : rules) {
    AGORA_RETURN_IF_ERROR(storage::Run(
        c,
        "INSERT INTO community_membership_rules (community_id, position, department, location, "
        "title_contains, manager_id) VALUES (?, ?, ?, ?, ?, ?)",
        community_id, position++, rule.department, rule.location, rule.title_contains,
        rule.manager_id));
  }
  return Status::Ok();
}

Result<std::vector<std::pair<Id, MembershipRules>>> AllRules(Connection& c) {
  std::vector<std::pair<Id, MembershipRules>> out;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c, (std::string("SELECT ") + kRuleColumns + " ORDER BY community_id, position").c_str(),
      [&](const Statement& s) {
        Id community_id = s.column_int64(0);
        if (out.empty() || out.back().first != community_id) out.push_back({community_id, {}});
        out.back().second.push_back(ReadRuleRow(s));
      }));
  return out;
}

}  // namespace agora::communities
