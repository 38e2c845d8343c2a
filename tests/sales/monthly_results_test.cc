#include "sales/monthly_results.h"

#include <gtest/gtest.h>

#include <random>

namespace agora::sales {
namespace {

Deal Closed(Id id, Outcome outcome, const std::string& closed_on, int64_t amount_minor,
            std::vector<TeamShare> team, const std::string& region = "north",
            const std::string& currency = "EUR") {
  Deal d;
  d.id = id;
  d.owner_id = team.front().user_id;
  d.customer = "customer";
  d.sector = "retail";
  d.product = "cloud";
  d.region = region;
  d.amount_minor = amount_minor;
  d.currency = currency;
  d.outcome = outcome;
  d.closed_on = closed_on;
  d.team = std::move(team);
  return d;
}

std::optional<Id> NoManager(Id) { return std::nullopt; }

ResultsQuery Query(const std::string& month, ResultsDimension by = ResultsDimension::kRegion) {
  ResultsQuery query;
  query.month = month;
  query.by = by;
  return query;
}

const ResultRow* Row(const Results& results, const std::string& key) {
  for (const auto& row : results.rows) {
    if (row.key == key) return &row;
  }
  return nullptr;
}

TEST(MonthlyResultsTest, RegionsAddWholeDealsAndPeopleTheirShares) {
  MonthlyResults engine{ExchangeRates()};
  engine.Apply(std::nullopt,
               Closed(1, Outcome::kWon, "2026-11-03", 1000, {{7, 3333}, {8, 3333}, {9, 3334}}));
  engine.Apply(std::nullopt, Closed(2, Outcome::kLost, "2026-11-04", 500, {{7, 10000}}));
  engine.Apply(std::nullopt, Closed(3, Outcome::kWon, "2026-11-05", 200, {{8, 10000}}, "south"));

  auto by_region = engine.Compile(Query("2026-11"), NoManager);
  ASSERT_EQ(by_region.rows.size(), 2u);
  EXPECT_EQ(by_region.rows[0].key, "north");  // the larger won amount first
  EXPECT_EQ(by_region.rows[0].month.won_amount_minor, 1000);
  EXPECT_EQ(by_region.rows[0].month.won_count_bp, kWholeShare);
  EXPECT_EQ(by_region.rows[0].month.lost_count_bp, kWholeShare);
  EXPECT_DOUBLE_EQ(*by_region.rows[0].month.win_rate(), 0.5);
  EXPECT_EQ(by_region.totals.month.won_amount_minor, 1200);

  auto by_person = engine.Compile(Query("2026-11", ResultsDimension::kPerson), NoManager);
  int64_t parts = 0;
  for (const auto& row : by_person.rows) parts += row.month.won_amount_minor;
  EXPECT_EQ(parts, 1200);  // the split of 10.00 in thirds loses no cent
  EXPECT_EQ(Row(by_person, "8")->month.won_amount_minor, 333 + 200);
  EXPECT_EQ(Row(by_person, "7")->month.won_count_bp, 3333);
}

TEST(MonthlyResultsTest, ChangesReplaceTheDealsEarlierContribution) {
  MonthlyResults engine{ExchangeRates()};
  Deal open = Closed(1, Outcome::kOpen, "", 900, {{7, 10000}});
  open.closed_on.reset();
  engine.Apply(std::nullopt, open);
  EXPECT_TRUE(engine.Compile(Query("2026-11"), NoManager).rows.empty());

  Deal won = Closed(1, Outcome::kWon, "2026-11-10", 900, {{7, 10000}});
  engine.Apply(open, won);
  EXPECT_EQ(engine.Compile(Query("2026-11"), NoManager).totals.month.won_amount_minor, 900);

  Deal moved = Closed(1, Outcome::kWon, "2026-10-28", 1000, {{7, 10000}});
  engine.Apply(won, moved);
  auto november = engine.Compile(Query("2026-11"), NoManager);
  EXPECT_TRUE(november.rows.empty());
  EXPECT_EQ(november.totals.previous_month.won_amount_minor, 1000);
}

TEST(MonthlyResultsTest, ComparesWithThePreviousMonthAndLastYear) {
  MonthlyResults engine{ExchangeRates()};
  engine.Apply(std::nullopt, Closed(1, Outcome::kWon, "2026-01-10", 100, {{7, 10000}}));
  engine.Apply(std::nullopt, Closed(2, Outcome::kWon, "2025-12-10", 50, {{7, 10000}}));
  engine.Apply(std::nullopt, Closed(3, Outcome::kWon, "2025-01-10", 70, {{7, 10000}}));

  auto results = engine.Compile(Query("2026-01"), NoManager);
  ASSERT_EQ(results.rows.size(), 1u);
  EXPECT_EQ(results.rows[0].month.won_amount_minor, 100);
  EXPECT_EQ(results.rows[0].previous_month.won_amount_minor, 50);
  EXPECT_EQ(results.rows[0].same_month_last_year.won_amount_minor, 70);
}

TEST(MonthlyResultsTest, AmountsAreConvertedAtTheClosingMonthsRate) {
  ExchangeRates rates;
  rates.set_rate("2026-11", "USD", 900000);
  MonthlyResults engine{rates};
  engine.Apply(std::nullopt,
               Closed(1, Outcome::kWon, "2026-11-10", 10000, {{7, 10000}}, "north", "USD"));
  engine.Apply(std::nullopt,
               Closed(2, Outcome::kWon, "2026-11-11", 10000, {{7, 10000}}, "north", "GBP"));
  auto totals = engine.Compile(Query("2026-11"), NoManager).totals.month;
  EXPECT_EQ(totals.won_amount_minor, 9000);
  EXPECT_EQ(totals.won_count_bp, 2 * kWholeShare);
  EXPECT_EQ(totals.unconverted_bp, kWholeShare);  // no GBP rate: counted, not summed
}

TEST(MonthlyResultsTest, TeamsGroupByManagerAndPeopleFiltersApply) {
  MonthlyResults engine{ExchangeRates()};
  engine.Apply(std::nullopt, Closed(1, Outcome::kWon, "2026-11-01", 100, {{7, 10000}}));
  engine.Apply(std::nullopt, Closed(2, Outcome::kWon, "2026-11-02", 200, {{8, 10000}}));
  engine.Apply(std::nullopt, Closed(3, Outcome::kWon, "2026-11-03", 400, {{9, 10000}}));
  auto manager_of = [](Id person) -> std::optional<Id> { return person == 9 ? 2 : 1; };

  auto teams = engine.Compile(Query("2026-11", ResultsDimension::kTeam), manager_of);
  ASSERT_EQ(teams.rows.size(), 2u);
  EXPECT_EQ(Row(teams, "1")->month.won_amount_minor, 300);
  EXPECT_EQ(Row(teams, "2")->month.won_amount_minor, 400);

  ResultsQuery visible = Query("2026-11", ResultsDimension::kPerson);
  visible.visible_people = std::unordered_set<Id>{7};
  auto people = engine.Compile(visible, manager_of);
  ASSERT_EQ(people.rows.size(), 1u);
  EXPECT_EQ(people.rows[0].key, "7");
  EXPECT_EQ(people.totals.month.won_amount_minor, 700);  // national totals stay whole

  ResultsQuery subtree = Query("2026-11");
  subtree.people = std::unordered_set<Id>{8, 9};
  EXPECT_EQ(engine.Compile(subtree, manager_of).totals.month.won_amount_minor, 600);
}

TEST(MonthlyResultsTest, IncrementalChangesEqualARebuild) {
  std::mt19937 random(42);
  std::vector<std::optional<Deal>> current(50);
  MonthlyResults incremental{ExchangeRates()};
  for (int step = 0; step < 2000; ++step) {
    size_t id = random() % current.size();
    std::optional<Deal> next;
    if (random() % 5 != 0) {
      Outcome outcome = random() % 2 ? Outcome::kWon : Outcome::kLost;
      std::string day =
          "2026-1" + std::to_string(random() % 3) + "-1" + std::to_string(random() % 9);
      Id a = 1 + random() % 4;
      Id b = 5 + random() % 4;
      next = Closed(static_cast<Id>(id), outcome, day, random() % 100000,
                    random() % 2 ? std::vector<TeamShare>{{a, 10000}}
                                 : std::vector<TeamShare>{{a, 2500}, {b, 7500}},
                    random() % 2 ? "north" : "south");
    }
    incremental.Apply(current[id], next);
    current[id] = next;
  }
  MonthlyResults rebuilt{ExchangeRates()};
  for (const auto& deal : current) rebuilt.Apply(std::nullopt, deal);
  for (auto by : {ResultsDimension::kRegion, ResultsDimension::kPerson}) {
    for (const char* month : {"2026-10", "2026-11", "2026-12"}) {
      auto a = incremental.Compile(Query(month, by), NoManager);
      auto b = rebuilt.Compile(Query(month, by), NoManager);
      ASSERT_EQ(a.rows.size(), b.rows.size()) << month;
      for (size_t i = 0; i < a.rows.size(); ++i) {
        EXPECT_EQ(a.rows[i].key, b.rows[i].key);
        EXPECT_EQ(a.rows[i].month, b.rows[i].month);
      }
      EXPECT_EQ(a.totals.month, b.totals.month);
    }
  }
}

TEST(MonthlyResultsTest, MonthsAreReadAndStepped) {
  EXPECT_TRUE(IsIsoMonth("2026-02"));
  EXPECT_FALSE(IsIsoMonth("2026-13"));
  EXPECT_FALSE(IsIsoMonth("2026-1"));
  EXPECT_EQ(PreviousMonth("2026-01"), "2025-12");
  EXPECT_EQ(PreviousMonth("2026-11"), "2026-10");
  EXPECT_EQ(SameMonthLastYear("2026-03"), "2025-03");
}

}  // namespace
}  // namespace agora::sales
