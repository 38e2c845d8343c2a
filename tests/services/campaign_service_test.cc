// CampaignService as the sales engine: the live events a deal change produces (who gets the
// leaderboard and deal_won events, and what they may see of the campaigns), and the start-up
// build from SQLite giving the same standings as the incremental updates.
#include "services/campaign_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "communities/community_repository.h"
#include "profiles/user_repository.h"
#include "storage/rows.h"
#include "tests/support/temp_store.h"

namespace agora::services {
namespace {

// Records what the engine hands to the hub.
class RecordingLiveEvents final : public LiveEvents {
 public:
  void PostCommitted(const posts::Post&, const std::optional<std::vector<Id>>&) override {}
  void PostDeleted(const posts::Post&) override {}
  void Notified(const notifications::Notification&) override {}
  void SessionEnded(const std::string&) override {}
  void AccountDeactivated(Id) override {}
  void LeaderboardChanged(const LeaderboardEvent& event) override { boards.push_back(event); }
  void DealWon(const DealWonEvent& event) override { wins.push_back(event); }

  std::vector<LeaderboardEvent> boards;
  std::vector<DealWonEvent> wins;
};

enum : Id { kBoss = 1, kManager, kRepA, kRepB, kOtherManager, kRepC, kAdmin, kOps };

struct World {
  World()
      : ids(SystemClock::instance(), 0),
        users(*store, SystemClock::instance()),
        communities(*store, SystemClock::instance()),
        campaigns(*store, ids, SystemClock::instance(), users, communities, live, relay) {
    relay.Attach(campaigns);
    // (id, manager, role, sales_ops)
    struct Row {
      Id id;
      std::optional<Id> manager;
      const char* role;
      int64_t sales_ops;
    };
    std::vector<Row> rows = {{kBoss, std::nullopt, "member", 0},
                             {kManager, kBoss, "member", 0},
                             {kRepA, kManager, "member", 0},
                             {kRepB, kManager, "member", 0},
                             {kOtherManager, std::nullopt, "member", 0},
                             {kRepC, kOtherManager, "member", 0},
                             {kAdmin, std::nullopt, "admin", 0},
                             {kOps, std::nullopt, "member", 1}};
    EXPECT_TRUE(store
                    ->write([&](storage::Connection& c) -> Status {
                      for (const auto& r : rows) {
                        AGORA_RETURN_IF_ERROR(storage::Run(
                            c,
                            "INSERT INTO users (id, username, email, display_name, "
                            "password_hash, role, manager_id, sales_ops, created_at, updated_at) "
                            "VALUES (?1, 'u' || ?1, 'u' || ?1 || '@example.com', 'U', 'hash', ?2, "
                            "?3, ?4, 0, 0)",
                            r.id, r.role, r.manager, r.sales_ops));
                      }
                      return Status::Ok();
                    })
                    .ok());
    EXPECT_TRUE(relay.Load(*store).ok());
    EXPECT_TRUE(campaigns.Load().ok());
  }

  // What DealService does: write the deal, then tell the relay after the commit.
  void Write(sales::Deal deal) {
    std::optional<sales::Deal> before;
    if (auto it = deals.find(deal.id); it != deals.end()) before = it->second;
    ASSERT_TRUE(store
                    ->write([&](storage::Connection& c) -> Status {
                      AGORA_RETURN_IF_ERROR(storage::Run(
                          c, "DELETE FROM sales_deal_team WHERE deal_id = ?", deal.id));
                      AGORA_RETURN_IF_ERROR(
                          storage::Run(c, "DELETE FROM sales_deals WHERE id = ?", deal.id));
                      AGORA_RETURN_IF_ERROR(storage::Run(
                          c,
                          "INSERT INTO sales_deals (id, owner_id, customer, sector, product, "
                          "region, amount_minor, currency, outcome, closed_on, new_customer, "
                          "created_by, created_at, updated_at) VALUES (?, ?, 'ACME', 'retail', "
                          "?, ?, ?, ?, ?, ?, 0, ?, 0, 0)",
                          deal.id, deal.owner_id, deal.product, deal.region, deal.amount_minor,
                          deal.currency, sales::OutcomeName(deal.outcome), deal.closed_on,
                          deal.owner_id));
                      for (const auto& m : deal.team) {
                        AGORA_RETURN_IF_ERROR(storage::Run(
                            c,
                            "INSERT INTO sales_deal_team (deal_id, user_id, share_bp) VALUES "
                            "(?, ?, ?)",
                            deal.id, m.user_id, int64_t{m.share_bp}));
                      }
                      return Status::Ok();
                    })
                    .ok());
    deal.revision = before ? before->revision + 1 : 0;
    deals[deal.id] = deal;
    relay.DealStored(deal);
  }

  agora::testing::TempStore store;
  IdGenerator ids;
  profiles::UserRepository users;
  communities::CommunityRepository communities;
  RecordingLiveEvents live;
  DealEventsRelay relay;
  CampaignService campaigns;
  std::map<Id, sales::Deal> deals;
};

sales::Deal Won(Id id, Id owner, int64_t amount, std::string closed_on = "2026-11-10") {
  sales::Deal d;
  d.id = id;
  d.owner_id = owner;
  d.team = {{owner, sales::kWholeShare}};
  d.outcome = sales::Outcome::kWon;
  d.amount_minor = amount;
  d.currency = "EUR";
  d.closed_on = std::move(closed_on);
  d.product = "fiber";
  d.region = "north";
  return d;
}

Id CreateCampaign(World& w, sales::CampaignVisibility visibility) {
  CampaignRequest request;
  request.draft.campaign.name = "November";
  request.draft.campaign.starts_on = "2026-11-01";
  request.draft.campaign.ends_on = "2026-11-30";
  request.draft.campaign.visibility = visibility;
  request.draft.user_ids = {kRepA, kRepB, kRepC};
  auto created = w.campaigns.Create(Viewer{kAdmin, true, false}, request);
  EXPECT_TRUE(created.ok()) << created.status().message();
  return created->campaign.id;
}

std::vector<Id> Audience(const DealWonEvent& e) {
  std::vector<Id> out;
  for (const auto& [user, campaigns] : e.recipients) out.push_back(user);
  return out;
}

TEST(CampaignServiceTest, DealWonGoesToTheDealsChainSalesOpsAndAdminsOnly) {
  World w;
  Id hidden = CreateCampaign(w, sales::CampaignVisibility::kParticipants);
  w.Write(Won(100, kRepA, 50'000));
  ASSERT_EQ(w.live.wins.size(), 1u);
  const DealWonEvent& win = w.live.wins[0];
  // The owner, their manager and the manager's manager, the admin, sales_ops: never a peer
  // (rep_b), nor another team (rep_c and their manager).
  EXPECT_EQ(Audience(win), (std::vector<Id>{kBoss, kManager, kRepA, kAdmin, kOps}));
  for (const auto& [user, campaign_ids] : win.recipients) {
    // The boss is in the chain but neither participant nor creator: the participants-only
    // campaign's id is not theirs to learn.
    bool may_see = user == kRepA || user == kAdmin || user == kOps;
    EXPECT_EQ(campaign_ids, may_see ? std::vector<Id>{hidden} : std::vector<Id>{})
        << "user " << user;
  }
  // An edit of a won deal that stays won is no new celebration; a non-participant's win goes
  // to their own chain.
  w.Write(Won(100, kRepA, 60'000));
  w.Write(Won(101, kRepC, 10'000));
  ASSERT_EQ(w.live.wins.size(), 2u);
  EXPECT_EQ(Audience(w.live.wins[1]), (std::vector<Id>{kOtherManager, kRepC, kAdmin, kOps}));
}

TEST(CampaignServiceTest, LeaderboardEventsGoToParticipantsOnlyWithTheirOwnStanding) {
  World w;
  Id id = CreateCampaign(w, sales::CampaignVisibility::kCompany);
  w.Write(Won(100, kRepA, 50'000));
  ASSERT_EQ(w.live.boards.size(), 1u);
  const LeaderboardEvent& first = w.live.boards[0];
  EXPECT_EQ(first.campaign.id, id);
  // The top changed: every participant, and nobody else (not the company-wide readers).
  EXPECT_EQ(*first.recipients, (std::vector<Id>{kRepA, kRepB, kRepC}));
  ASSERT_FALSE(first.top.empty());
  EXPECT_EQ(first.top[0].user_id, kRepA);
  EXPECT_EQ(first.standing_of(kRepB)->rank, 2);
  EXPECT_FALSE(first.standing_of(kBoss));

  // A deal outside the period moves nobody: no leaderboard event.
  w.Write(Won(101, kRepB, 50'000, "2026-12-02"));
  EXPECT_EQ(w.live.boards.size(), 1u);
}

TEST(CampaignServiceTest, TheStartUpBuildEqualsTheIncrementalStandings) {
  World w;
  Id id = CreateCampaign(w, sales::CampaignVisibility::kCompany);
  w.Write(Won(100, kRepA, 50'000));
  w.Write(Won(101, kRepB, 70'000));
  w.Write(Won(102, kRepC, 70'000));
  auto moved = Won(100, kRepA, 90'000);
  moved.team = {{kRepA, 5000}, {kRepC, 5000}};
  w.Write(moved);
  sales::Deal lost = Won(103, kRepB, 1);
  lost.outcome = sales::Outcome::kLost;
  w.Write(lost);

  RecordingLiveEvents quiet;
  DealEventsRelay relay;
  CampaignService restarted(*w.store, w.ids, SystemClock::instance(), w.users, w.communities, quiet,
                            relay);
  relay.Attach(restarted);
  ASSERT_TRUE(relay.Load(*w.store).ok());
  ASSERT_TRUE(restarted.Load().ok());
  Viewer admin{kAdmin, true, false};
  for (auto by : {sales::Grouping::kPerson, sales::Grouping::kTeam, sales::Grouping::kRegion}) {
    auto live = w.campaigns.Leaderboard(admin, id, by, 20, std::nullopt);
    auto built = restarted.Leaderboard(admin, id, by, 20, std::nullopt);
    ASSERT_TRUE(live.ok() && built.ok());
    ASSERT_EQ(live->page.items.size(), built->page.items.size());
    for (size_t i = 0; i < live->page.items.size(); ++i) {
      auto a = live->page.items[i];
      auto b = built->page.items[i];
      a.rank_change = b.rank_change = 0;  // the restarted one has no morning standing
      EXPECT_EQ(a, b) << sales::GroupingName(by) << " " << i;
    }
  }
  auto top = restarted.Leaderboard(admin, id, sales::Grouping::kPerson, 1, std::nullopt);
  EXPECT_EQ(top->page.items[0].user_id, kRepC);  // 700 + 450
  EXPECT_EQ(top->page.items[0].value, 115'000);
}

}  // namespace
}  // namespace agora::services
