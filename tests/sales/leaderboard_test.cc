#include "sales/leaderboard.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

namespace agora::sales {
namespace {

constexpr UnixMillis kDay = 86'400'000;
// 2026-11-10T12:00:00Z
constexpr UnixMillis kNoon = 1'794'312'000'000;

Campaign MakeCampaign(Metric metric = Metric::kWonAmount) {
  Campaign c;
  c.id = 1;
  c.name = "Q4 push";
  c.starts_on = "2026-11-01";
  c.ends_on = "2026-11-30";
  c.metric = metric;
  c.target = 1'000'000;
  return c;
}

Deal MakeDeal(Id id, std::vector<TeamShare> team, Outcome outcome, int64_t amount_minor,
              std::string closed_on = "2026-11-05", std::string currency = "EUR") {
  Deal d;
  d.id = id;
  d.owner_id = team.front().user_id;
  d.team = std::move(team);
  d.outcome = outcome;
  d.amount_minor = amount_minor;
  d.currency = std::move(currency);
  d.closed_on = std::move(closed_on);
  d.customer = "ACME";
  d.sector = "retail";
  d.product = "fiber";
  d.region = "north";
  return d;
}

std::vector<LeaderboardParticipant> People(std::initializer_list<Id> ids, Id manager = 100) {
  std::vector<LeaderboardParticipant> out;
  for (Id id : ids) out.push_back({id, manager});
  return out;
}

// (user, rank, value) of every person, in board order.
std::vector<std::tuple<Id, int64_t, int64_t>> Ranks(Leaderboard& board, UnixMillis now) {
  auto page = board.Read(Grouping::kPerson, 1000, std::nullopt, std::nullopt, now);
  std::vector<std::tuple<Id, int64_t, int64_t>> out;
  for (const auto& s : page->items) out.emplace_back(s.user_id, s.rank, s.value);
  return out;
}

TEST(LeaderboardTest, TiesShareARankAndTheNextRankSkips) {
  Leaderboard board(MakeCampaign(), People({1, 2, 3, 4}), ExchangeRates(), kNoon);
  board.Apply(std::nullopt, MakeDeal(10, {{1, kWholeShare}}, Outcome::kWon, 50'000), kNoon);
  board.Apply(std::nullopt, MakeDeal(11, {{2, kWholeShare}}, Outcome::kWon, 30'000), kNoon);
  board.Apply(std::nullopt, MakeDeal(12, {{3, kWholeShare}}, Outcome::kWon, 30'000), kNoon);
  board.Apply(std::nullopt, MakeDeal(13, {{4, kWholeShare}}, Outcome::kWon, 10'000), kNoon);
  using T = std::tuple<Id, int64_t, int64_t>;
  EXPECT_EQ(Ranks(board, kNoon),
            (std::vector<T>{{1, 1, 50'000}, {2, 2, 30'000}, {3, 2, 30'000}, {4, 4, 10'000}}));
}

TEST(LeaderboardTest, ADealCountsForEachMemberByTheirShare) {
  Leaderboard board(MakeCampaign(Metric::kWonCount), People({1, 2, 3}), ExchangeRates(), kNoon);
  board.Apply(std::nullopt, MakeDeal(10, {{1, 6000}, {2, 4000}}, Outcome::kWon, 1'000'000), kNoon);
  board.Apply(std::nullopt, MakeDeal(11, {{1, 5000}, {3, 5000}}, Outcome::kWon, 0), kNoon);
  board.Apply(std::nullopt, MakeDeal(12, {{2, 5000}, {3, 5000}}, Outcome::kLost, 0), kNoon);
  auto one = board.StandingOf(1, kNoon);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->value, 11'000);  // 0.6 + 0.5 won deals
  EXPECT_EQ(FormatMetricValue(Metric::kWonCount, one->value, ExchangeRates().reporting()), "1.1");
  auto two = board.StandingOf(2, kNoon);
  EXPECT_EQ(two->won_bp, 4000);
  EXPECT_EQ(two->lost_bp, 5000);
  EXPECT_EQ(two->win_rate_ppm, 444'444);  // 0.4 / 0.9
  // Half shares add up to whole deals exactly.
  auto teams = board.Read(Grouping::kTeam, 10, std::nullopt, 3, kNoon);
  ASSERT_EQ(teams->items.size(), 1u);
  EXPECT_EQ(teams->items[0].value, 2 * kOneDeal);
  EXPECT_EQ(teams->items[0].lost_bp, kOneDeal);
  EXPECT_EQ(teams->items[0].target, 3 * 1'000'000);
  ASSERT_TRUE(teams->me);
  EXPECT_EQ(teams->me->user_id, 100);

  Leaderboard amounts(MakeCampaign(), People({1, 2}), ExchangeRates(), kNoon);
  amounts.Apply(std::nullopt, MakeDeal(10, {{1, 4000}, {2, 6000}}, Outcome::kWon, 1'000'000),
                kNoon);
  EXPECT_EQ(amounts.StandingOf(1, kNoon)->value, 400'000);  // 0.4 of 10,000.00 EUR
  EXPECT_EQ(amounts.StandingOf(2, kNoon)->value, 600'000);
}

TEST(LeaderboardTest, AmountsAreConvertedAtTheClosingMonthsRateAndAgainWhenRatesChange) {
  ExchangeRates rates;
  rates.set_rate("2026-11", "USD", 900'000);
  Leaderboard board(MakeCampaign(), People({1, 2}), rates, kNoon);
  board.Apply(std::nullopt,
              MakeDeal(10, {{1, kWholeShare}}, Outcome::kWon, 100'000, "2026-11-03", "USD"), kNoon);
  board.Apply(std::nullopt, MakeDeal(11, {{2, kWholeShare}}, Outcome::kWon, 95'000), kNoon);
  EXPECT_EQ(board.StandingOf(1, kNoon)->value, 90'000);  // 1,000 USD at 0.9
  EXPECT_EQ(board.StandingOf(1, kNoon)->rank, 2);
  rates.set_rate("2026-11", "USD", 1'000'000);
  board.SetRates(rates, kNoon);
  EXPECT_EQ(board.StandingOf(1, kNoon)->value, 100'000);
  EXPECT_EQ(board.StandingOf(1, kNoon)->rank, 1);
  // A currency without any rate adds nothing rather than a wrong amount.
  board.Apply(std::nullopt,
              MakeDeal(12, {{2, kWholeShare}}, Outcome::kWon, 100'000, "2026-11-03", "GBP"), kNoon);
  EXPECT_EQ(board.StandingOf(2, kNoon)->value, 95'000);
}

TEST(LeaderboardTest, OnlyDealsOfThePeriodMatchingTheFiltersCount) {
  Campaign campaign = MakeCampaign(Metric::kWonCount);
  campaign.products = {"fiber"};
  campaign.regions = {"north", "south"};
  Leaderboard board(campaign, People({1, 2}), ExchangeRates(), kNoon);
  auto counted = [&](Deal deal) {
    board.Apply(std::nullopt, deal, kNoon);
    return board.StandingOf(1, kNoon)->value;
  };
  EXPECT_EQ(counted(MakeDeal(10, {{1, kWholeShare}}, Outcome::kWon, 1, "2026-11-01")), kOneDeal);
  EXPECT_EQ(counted(MakeDeal(11, {{1, kWholeShare}}, Outcome::kWon, 1, "2026-11-30")),
            2 * kOneDeal);
  EXPECT_EQ(counted(MakeDeal(12, {{1, kWholeShare}}, Outcome::kWon, 1, "2026-10-31")),
            2 * kOneDeal);
  EXPECT_EQ(counted(MakeDeal(13, {{1, kWholeShare}}, Outcome::kWon, 1, "2026-12-01")),
            2 * kOneDeal);
  Deal other_product = MakeDeal(14, {{1, kWholeShare}}, Outcome::kWon, 1);
  other_product.product = "mobile";
  EXPECT_EQ(counted(other_product), 2 * kOneDeal);
  Deal other_region = MakeDeal(15, {{1, kWholeShare}}, Outcome::kWon, 1);
  other_region.region = "east";
  EXPECT_EQ(counted(other_region), 2 * kOneDeal);
  Deal open = MakeDeal(16, {{1, kWholeShare}}, Outcome::kOpen, 1);
  open.closed_on.reset();
  EXPECT_EQ(counted(open), 2 * kOneDeal);
  // A non-participant's share counts for nobody; the participant's part still counts.
  EXPECT_EQ(counted(MakeDeal(17, {{1, 2500}, {99, 7500}}, Outcome::kWon, 1)), 2 * kOneDeal + 2500);

  // A deal edited out of the period stops counting.
  Deal moved = MakeDeal(10, {{1, kWholeShare}}, Outcome::kWon, 1, "2026-12-02");
  board.Apply(MakeDeal(10, {{1, kWholeShare}}, Outcome::kWon, 1, "2026-11-01"), moved, kNoon);
  EXPECT_EQ(board.StandingOf(1, kNoon)->value, kOneDeal + 2500);
}

TEST(LeaderboardTest, RankChangeIsAgainstTheStandingAtMidnightUtc) {
  Leaderboard board(MakeCampaign(), People({1, 2, 3}), ExchangeRates(), kNoon);
  board.Apply(std::nullopt, MakeDeal(10, {{1, kWholeShare}}, Outcome::kWon, 300), kNoon);
  board.Apply(std::nullopt, MakeDeal(11, {{2, kWholeShare}}, Outcome::kWon, 200), kNoon);
  board.Apply(std::nullopt, MakeDeal(12, {{3, kWholeShare}}, Outcome::kWon, 100), kNoon);
  // Today: 1, 2, 3 were all unranked-equal at the first change of the day, and now differ.
  EXPECT_EQ(board.StandingOf(3, kNoon)->rank, 3);
  EXPECT_EQ(board.StandingOf(3, kNoon)->rank_change, -2);

  // Past midnight and before any change, nothing moved today.
  UnixMillis tomorrow = kNoon + kDay / 2 + 1000;  // 00:00:01 the next day
  EXPECT_EQ(board.StandingOf(3, tomorrow)->rank_change, 0);
  // Person 3 wins a large deal: up two places against 00:00.
  board.Apply(std::nullopt, MakeDeal(13, {{3, kWholeShare}}, Outcome::kWon, 1000), tomorrow);
  EXPECT_EQ(board.StandingOf(3, tomorrow)->rank, 1);
  EXPECT_EQ(board.StandingOf(3, tomorrow)->rank_change, 2);
  EXPECT_EQ(board.StandingOf(1, tomorrow)->rank_change, -1);
  // A second change the same day still compares with midnight, not with the last change.
  board.Apply(std::nullopt, MakeDeal(14, {{2, kWholeShare}}, Outcome::kWon, 5000), tomorrow + 10);
  EXPECT_EQ(board.StandingOf(3, tomorrow + 10)->rank_change, 1);
  EXPECT_EQ(board.StandingOf(2, tomorrow + 10)->rank_change, 1);
  EXPECT_EQ(board.StandingOf(1, tomorrow + 10)->rank_change, -2);
  // The day after, with no change yet, everyone is back to 0.
  EXPECT_EQ(board.StandingOf(1, tomorrow + kDay)->rank_change, 0);
}

TEST(LeaderboardTest, PagesFollowTheCursorAndMeIsThereOutsideThePage) {
  std::vector<LeaderboardParticipant> people;
  for (Id id = 1; id <= 45; ++id) people.push_back({id, 100});
  Leaderboard board(MakeCampaign(), people, ExchangeRates(), kNoon);
  for (Id id = 1; id <= 45; ++id) {
    board.Apply(std::nullopt, MakeDeal(1000 + id, {{id, kWholeShare}}, Outcome::kWon, id * 10),
                kNoon);
  }
  std::vector<Id> seen;
  std::optional<std::string> cursor;
  int pages = 0;
  do {
    auto page = board.Read(Grouping::kPerson, 20, cursor, Id{3}, kNoon);
    ASSERT_TRUE(page.ok());
    ASSERT_TRUE(page->me);
    EXPECT_EQ(page->me->user_id, 3);
    EXPECT_EQ(page->me->rank, 43);
    for (const auto& s : page->items) seen.push_back(s.user_id);
    cursor = page->next_cursor;
    ++pages;
  } while (cursor);
  EXPECT_EQ(pages, 3);
  ASSERT_EQ(seen.size(), 45u);
  for (size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<Id>(45 - i));
  EXPECT_FALSE(board.Read(Grouping::kPerson, 20, std::string("nope"), std::nullopt, kNoon).ok());
  EXPECT_FALSE(board.Read(Grouping::kPerson, 20, std::nullopt, Id{999}, kNoon)->me);
}

TEST(LeaderboardTest, LiveChangeReportsTheTopAndWhoseRankMoved) {
  std::vector<LeaderboardParticipant> people;
  for (Id id = 1; id <= 14; ++id) people.push_back({id, 100});
  Leaderboard board(MakeCampaign(), people, ExchangeRates(), kNoon);
  auto first =
      board.Apply(std::nullopt, MakeDeal(10, {{1, kWholeShare}}, Outcome::kWon, 300), kNoon);
  EXPECT_TRUE(first.counted);
  EXPECT_TRUE(first.top_changed);
  EXPECT_TRUE(first.moved.empty());  // everyone is told: no list needed
  for (Id id = 2; id <= 10; ++id) {
    board.Apply(std::nullopt, MakeDeal(10 + id, {{id, kWholeShare}}, Outcome::kWon, 1000 + id),
                kNoon);
  }
  // 1 is 10th with 300; 11 to 14 tie at 0 below. 12 reaches 100: it passes 11, 13 and 14
  // (their rank drops from 11 to 12), the top 10 stays as it was.
  auto below =
      board.Apply(std::nullopt, MakeDeal(50, {{12, kWholeShare}}, Outcome::kWon, 100), kNoon);
  EXPECT_FALSE(below.top_changed);
  EXPECT_EQ(below.moved, (std::vector<Id>{11, 12, 13, 14}));
  EXPECT_EQ(board.StandingOf(13, kNoon)->rank, 12);
  auto outside = board.Apply(
      std::nullopt, MakeDeal(51, {{1, kWholeShare}}, Outcome::kWon, 300, "2026-12-05"), kNoon);
  EXPECT_FALSE(outside.counted);
  EXPECT_TRUE(outside.moved.empty());
}

// Naive recomputation of every person's (key, rank) from the deals, straight from the rules.
std::map<Id, std::pair<int64_t, int64_t>> Naive(const Campaign& campaign,
                                                const std::vector<Id>& people,
                                                const std::map<Id, Deal>& deals,
                                                const ExchangeRates& rates) {
  std::map<Id, int64_t> won, lost;
  std::map<Id, std::map<std::pair<std::string, std::string>, WeightedSum>> weighted;
  for (const auto& [id, deal] : deals) {
    if (!campaign.Counts(deal)) continue;
    for (const auto& m : deal.team) {
      if (std::find(people.begin(), people.end(), m.user_id) == people.end()) continue;
      if (deal.outcome == Outcome::kWon) {
        won[m.user_id] += m.share_bp;
        weighted[m.user_id][{deal.currency, deal.closed_on->substr(0, 7)}] +=
            static_cast<WeightedSum>(deal.amount_minor) * m.share_bp;
      } else {
        lost[m.user_id] += m.share_bp;
      }
    }
  }
  std::map<Id, int64_t> key;
  for (Id p : people) {
    if (campaign.metric == Metric::kWonAmount) {
      int64_t total = 0;
      for (const auto& [bucket, w] : weighted[p]) {
        total +=
            rates.Convert(static_cast<int64_t>((w + 5000) / 10000), bucket.first, bucket.second)
                .value_or(0);
      }
      key[p] = total;
    } else {
      int64_t closed = won[p] + lost[p];
      key[p] = closed ? won[p] * 1'000'000 / closed : 0;
    }
  }
  std::map<Id, std::pair<int64_t, int64_t>> out;
  for (Id p : people) {
    int64_t above = 0;
    for (Id q : people) above += key[q] > key[p];
    out[p] = {key[p], above + 1};
  }
  return out;
}

void CheckAgainstNaive(Metric metric, uint32_t seed) {
  std::mt19937 rng(seed);
  Campaign campaign = MakeCampaign(metric);
  campaign.regions = {"north", "south"};
  std::vector<Id> people;
  std::vector<LeaderboardParticipant> participants;
  for (Id id = 1; id <= 30; ++id) {
    people.push_back(id);
    participants.push_back({id, 100 + id % 4});
  }
  ExchangeRates rates;
  rates.set_rate("2026-11", "USD", 912'345);
  Leaderboard board(campaign, participants, rates, kNoon);
  std::map<Id, Deal> deals;
  const char* regions[] = {"north", "south", "east"};
  const char* days[] = {"2026-10-30", "2026-11-02", "2026-11-15", "2026-11-30", "2026-12-01"};
  for (int step = 0; step < 600; ++step) {
    Id id = 1 + rng() % 60;
    Deal deal = MakeDeal(id, {{1, kWholeShare}}, Outcome::kWon, 0);
    deal.team.clear();
    std::vector<Id> members;
    for (int m = 1 + static_cast<int>(rng() % 3); m > 0; --m) {
      Id user = 1 + rng() % 34;  // some outside the campaign
      if (std::find(members.begin(), members.end(), user) == members.end()) {
        members.push_back(user);
      }
    }
    int left = kWholeShare;
    for (size_t m = 0; m < members.size(); ++m) {
      int share = m + 1 == members.size() ? left : 1 + static_cast<int>(rng() % 4999);
      deal.team.push_back({members[m], share});
      left -= share;
    }
    deal.owner_id = deal.team.front().user_id;
    deal.outcome = rng() % 3 == 0 ? Outcome::kLost : Outcome::kWon;
    deal.amount_minor = static_cast<int64_t>(rng() % 1'000'000);
    deal.currency = rng() % 2 ? "USD" : "EUR";
    deal.region = regions[rng() % 3];
    deal.closed_on = days[rng() % 5];
    deal.new_customer = rng() % 2;
    std::optional<Deal> before;
    if (auto it = deals.find(id); it != deals.end()) before = it->second;
    board.Apply(before, deal, kNoon + step);
    deals[id] = deal;
    if (step % 50 == 0) {
      rates.set_rate("2026-11", "USD", 800'000 + static_cast<int64_t>(rng() % 400'000));
      board.SetRates(rates, kNoon + step);
    }
  }
  auto expected = Naive(campaign, people, deals, rates);
  Leaderboard rebuilt(campaign, participants, rates, kNoon);
  for (const auto& [id, deal] : deals) rebuilt.Add(deal);
  for (Id p : people) {
    auto s = board.StandingOf(p, kNoon);
    ASSERT_TRUE(s);
    int64_t key = metric == Metric::kWinRate ? s->win_rate_ppm : s->value;
    EXPECT_EQ(key, expected[p].first) << "person " << p << " seed " << seed;
    EXPECT_EQ(s->rank, expected[p].second) << "person " << p << " seed " << seed;
    auto r = rebuilt.StandingOf(p, kNoon);
    EXPECT_EQ(s->value, r->value);
    EXPECT_EQ(s->rank, r->rank);
    EXPECT_EQ(s->won_bp, r->won_bp);
    EXPECT_EQ(s->lost_bp, r->lost_bp);
  }
  for (Grouping by : {Grouping::kTeam, Grouping::kRegion}) {
    auto incremental = board.Read(by, 100, std::nullopt, std::nullopt, kNoon);
    auto scratch = rebuilt.Read(by, 100, std::nullopt, std::nullopt, kNoon);
    ASSERT_EQ(incremental->items.size(), scratch->items.size());
    for (size_t i = 0; i < scratch->items.size(); ++i) {
      EXPECT_EQ(incremental->items[i].user_id, scratch->items[i].user_id);
      EXPECT_EQ(incremental->items[i].region, scratch->items[i].region);
      EXPECT_EQ(incremental->items[i].value, scratch->items[i].value);
      EXPECT_EQ(incremental->items[i].rank, scratch->items[i].rank);
    }
  }
}

TEST(LeaderboardTest, IncrementalUpdatesEqualANaiveRecomputation) {
  for (uint32_t seed = 1; seed <= 5; ++seed) {
    CheckAgainstNaive(Metric::kWonAmount, seed);
    CheckAgainstNaive(Metric::kWinRate, seed);
  }
}

}  // namespace
}  // namespace agora::sales
