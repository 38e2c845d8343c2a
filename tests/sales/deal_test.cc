#include "sales/deal.h"

#include <gtest/gtest.h>

namespace agora::sales {
namespace {

Deal WonDeal() {
  Deal d;
  d.owner_id = 1;
  d.customer = "CHU de Lyon";
  d.sector = "healthcare";
  d.product = "Agora Cloud";
  d.region = "Auvergne-Rhône-Alpes";
  d.amount_minor = 4'200'000;
  d.currency = "EUR";
  d.outcome = Outcome::kWon;
  d.closed_on = "2026-11-30";
  d.team = {{1, 6000}, {2, 4000}};
  return d;
}

std::string CodeOf(const Deal& d) { return ValidateDeal(d, "2026-12-02").error_code(); }

TEST(DealTest, AValidDealPasses) { EXPECT_TRUE(ValidateDeal(WonDeal(), "2026-12-02").ok()); }

TEST(DealTest, EachBrokenRuleHasItsCode) {
  auto d = WonDeal();
  d.currency = "ABC";
  EXPECT_EQ(CodeOf(d), "invalid_currency");
  d = WonDeal();
  d.team = {{1, 6000}, {2, 3000}};
  EXPECT_EQ(CodeOf(d), "invalid_shares");
  d = WonDeal();
  d.team = {{1, 5000}, {1, 5000}};
  EXPECT_EQ(CodeOf(d), "invalid_team");
  d = WonDeal();
  d.team.clear();
  EXPECT_EQ(CodeOf(d), "invalid_team");
  d = WonDeal();
  d.closed_on = "2026-12-03";
  EXPECT_EQ(CodeOf(d), "invalid_closed_on");  // a won deal cannot close tomorrow
  d.outcome = Outcome::kLost;
  EXPECT_TRUE(ValidateDeal(d, "2026-12-02").ok());  // a loss may be recorded ahead
  d.closed_on = "2026-02-30";
  EXPECT_EQ(CodeOf(d), "invalid_closed_on");
  d.closed_on.reset();
  EXPECT_EQ(CodeOf(d), "invalid_closed_on");
  d.outcome = Outcome::kOpen;
  EXPECT_TRUE(ValidateDeal(d, "2026-12-02").ok());
  d.closed_on = "2026-11-01";
  EXPECT_EQ(CodeOf(d), "invalid_closed_on");
  d = WonDeal();
  d.customer.clear();
  EXPECT_EQ(CodeOf(d), "missing_field");
  d.customer = std::string(201, 'x');
  EXPECT_EQ(CodeOf(d), "invalid_field");
}

TEST(DealTest, SameFactsIgnoresTeamOrderButNotAmounts) {
  auto a = WonDeal();
  auto b = WonDeal();
  b.team = {{2, 4000}, {1, 6000}};
  b.id = 99;
  EXPECT_TRUE(a.SameFacts(b));
  b.amount_minor += 1;
  EXPECT_FALSE(a.SameFacts(b));
}

TEST(DealTest, AnOpenDealCountsInTheCurrentMonth) {
  auto d = WonDeal();
  EXPECT_EQ(d.month("2026-12"), "2026-11");
  d.outcome = Outcome::kOpen;
  d.closed_on.reset();
  EXPECT_EQ(d.month("2026-12"), "2026-12");
}

}  // namespace
}  // namespace agora::sales
