// The matching of membership rules: any rule, all of its conditions, case, the manager chain,
// eligibility; and what ValidateRules refuses.
#include "communities/membership_rules.h"

#include <gtest/gtest.h>

namespace agora::communities {
namespace {

struct Conditions {
  std::optional<std::string> department = std::nullopt;
  std::optional<std::string> location = std::nullopt;
  std::optional<std::string> title_contains = std::nullopt;
  std::optional<Id> manager_id = std::nullopt;
};

MembershipRule Rule(Conditions c) {
  MembershipRule rule;
  rule.department = c.department;
  rule.location = c.location;
  rule.title_contains = c.title_contains;
  rule.manager_id = c.manager_id;
  return rule;
}

PersonFacts Person(std::string department, std::string location, std::string title,
                   std::vector<Id> chain = {1}) {
  return {std::move(department), std::move(location), std::move(title), std::move(chain), true};
}

TEST(MembershipRulesTest, ARuleNeedsAllItsConditions) {
  MembershipRules rules{Rule({.department = "Sales", .location = "Paris"})};
  EXPECT_TRUE(Matches(rules, Person("sales", "PARIS", "")));
  EXPECT_FALSE(Matches(rules, Person("Sales", "Lyon", "")));
  EXPECT_FALSE(Matches(rules, Person("Marketing", "Paris", "")));
}

TEST(MembershipRulesTest, AnyRuleIsEnough) {
  MembershipRules rules{Rule({.department = "Sales"}), Rule({.title_contains = "engineer"})};
  EXPECT_TRUE(Matches(rules, Person("Support", "", "Senior Software Engineer")));
  EXPECT_TRUE(Matches(rules, Person("Sales", "", "")));
  EXPECT_FALSE(Matches(rules, Person("Support", "", "Engine")));
}

TEST(MembershipRulesTest, ManagerMatchesThemselfAndEveryoneUnderThem) {
  MembershipRules rules{Rule({.manager_id = 7})};
  EXPECT_TRUE(Matches(rules, Person("", "", "", {7})));
  EXPECT_TRUE(Matches(rules, Person("", "", "", {3, 5, 7, 9})));
  EXPECT_FALSE(Matches(rules, Person("", "", "", {9, 11})));
}

TEST(MembershipRulesTest, IneligiblePeopleAndEmptyRulesNeverMatch) {
  PersonFacts gone = Person("Sales", "", "");
  gone.eligible = false;
  EXPECT_FALSE(Matches({Rule({.department = "Sales"})}, gone));
  EXPECT_FALSE(Matches({}, Person("Sales", "", "")));
}

TEST(MembershipRulesTest, ValidationRefusesEmptyBlankLongAndTooMany) {
  EXPECT_TRUE(ValidateRules({}).ok());
  EXPECT_TRUE(ValidateRules({Rule({.department = "Sales"})}).ok());
  EXPECT_EQ(ValidateRules({MembershipRule{}}).error_code(), "invalid_rules");
  EXPECT_EQ(ValidateRules({Rule({.location = "  "})}).error_code(), "invalid_rules");
  EXPECT_EQ(ValidateRules({Rule({.title_contains = std::string(101, 'a')})}).error_code(),
            "invalid_rules");
  EXPECT_TRUE(ValidateRules({Rule({.title_contains = std::string(100, 'a')})}).ok());
  EXPECT_EQ(ValidateRules(MembershipRules(11, Rule({.department = "x"}))).error_code(),
            "invalid_rules");
  EXPECT_TRUE(ValidateRules(MembershipRules(10, Rule({.department = "x"}))).ok());
}

}  // namespace
}  // namespace agora::communities
