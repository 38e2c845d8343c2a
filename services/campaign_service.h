// CampaignService: campaigns ("temps forts") and their leaderboards kept in memory, the
// sales engine behind DealEvents.
//
// Rules. Admins create any campaign; a manager (someone with reports) creates one over their
// own subtree only: org_root must be them or under them and every participant must be them
// or under them (kUnprocessable "participant_outside_subtree"); anyone else gets
// kPermissionDenied. A `participants` campaign is seen by its participants, its creator,
// admins and sales_ops; a `company` one by everyone; to anyone else it is kNotFound, with its
// leaderboard.
//
// Memory. One sales::Leaderboard per campaign, built from the deals DealEventsRelay holds, at
// Load() and when a campaign was created (on this node, after its commit, or on another,
// through the outbox: ApplyRemote); DealChanged and RatesChanged keep them current, whichever
// node changed the deal, and hand the live events (leaderboard, deal_won) to LiveEvents. Who
// may see a deal (its team, their management chain, admins and sales_ops) is read from an org
// chart kept in memory, loaded at Load() and again at each campaign creation, so telling an
// event rarely queries the store.
//
// Thread-safe. Create, List and Get block on SQLite (call from worker threads); the
// leaderboard read only takes the board's lock and reads cached user summaries.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "communities/community_repository.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/mutex.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user_repository.h"
#include "sales/campaign.h"
#include "sales/campaign_repository.h"
#include "sales/leaderboard.h"
#include "services/deal_events_relay.h"
#include "services/live_events.h"
#include "storage/store.h"

namespace agora::services {

struct CampaignRequest {
  sales::CampaignDraft draft;
  std::optional<std::string> target;  // text in the metric's unit; absent: no target
};

struct CampaignView {
  sales::Campaign campaign;
  sales::Currency currency;  // the reporting currency of amounts
  size_t participants_count = 0;
  std::optional<sales::Standing> me;  // the viewer's, when they take part
};

struct LeaderboardView {
  sales::Campaign campaign;
  sales::Currency currency;
  sales::LeaderboardPage page;
  std::unordered_map<Id, profiles::UserSummary> users;  // the persons and managers shown
};

class CampaignService final : public DealEvents {
 public:
  // Every reference must outlive the service.
  CampaignService(storage::Store& store, IdGenerator& ids, const Clock& clock,
                  profiles::UserRepository& users, communities::CommunityRepository& communities,
                  LiveEvents& live, DealEventsRelay& deals);

  // Builds every campaign's leaderboard from the deals `deals` holds (loaded first:
  // DealEventsRelay::Load), and the org chart from the store. Call once, at start.
  Status Load();

  Result<CampaignView> Create(const Viewer& viewer, const CampaignRequest& request);
  // `active`: only campaigns running today (true) or only the others (false).
  Result<Page<CampaignView>> List(const Viewer& viewer, std::optional<bool> active,
                                  const PageRequest& page);
  Result<CampaignView> Get(const Viewer& viewer, Id id);
  Result<LeaderboardView> Leaderboard(const Viewer& viewer, Id id, sales::Grouping by, int limit,
                                      const std::optional<std::string>& cursor);

  // Another node created the campaign (its outbox entry): its leaderboard is built here too.
  // Nothing when it is here already. On the outbox tailer's thread.
  Status ApplyRemote(Id campaign_id);

  void DealChanged(const DealChange& change) override;
  void RatesChanged(const sales::ExchangeRates& rates, const CountedDeals& deals) override;

 private:
  struct Board {
    std::shared_ptr<sales::Leaderboard> leaderboard;
    std::shared_ptr<const std::vector<Id>> participants;  // sorted
  };
  // The org chart as deal visibility needs it.
  struct OrgChart {
    std::unordered_map<Id, Id> manager_of;
    std::vector<Id> sees_all;  // admins and sales_ops, sorted
  };

  static OrgChart MakeOrgChart(const std::vector<sales::OrgMember>& members);
  // Reads the org chart again when managers or roles changed since it was read, so a deal_won
  // never reaches a former manager or a former sales_ops. On the writer thread.
  void RefreshOrgChart() EXCLUDES(mu_);
  static Board MakeBoard(const sales::Campaign& campaign, const std::vector<Id>& participants,
                         const OrgChart& org, const sales::ExchangeRates& rates, UnixMillis now);
  // Builds the campaign's board from the deals counted and installs it with `org` (read at
  // `org_version`), unless the campaign has one already.
  void Install(const sales::Campaign& campaign, const std::vector<Id>& participants, OrgChart org,
               uint64_t org_version) EXCLUDES(mu_);
  std::optional<Board> FindBoard(Id id);
  // The board of a campaign `viewer` may see; kNotFound otherwise.
  Result<Board> VisibleBoard(const Viewer& viewer, Id id);
  static bool MaySee(const Viewer& viewer, const Board& board);
  CampaignView ViewOf(const Viewer& viewer, const Board& board);
  // Resolves and checks the participants inside the creating transaction.
  Result<std::vector<Id>> Participants(storage::Connection& c, const Viewer& viewer,
                                       const sales::CampaignDraft& draft);
  void PublishDealWon(const sales::Deal& deal, const std::vector<Board>& boards);

  // Constant after construction.
  storage::Store& store_;
  IdGenerator& ids_;
  const Clock& clock_;
  profiles::UserRepository& users_;
  communities::CommunityRepository& communities_;
  LiveEvents& live_;
  DealEventsRelay& deals_;

  Mutex mu_;
  std::map<Id, Board> boards_ GUARDED_BY(mu_);
  OrgChart org_ GUARDED_BY(mu_);
  uint64_t org_version_ GUARDED_BY(mu_) = 0;  // UserRepository::org_chart_version() of org_
  sales::ExchangeRates rates_ GUARDED_BY(mu_);
};

}  // namespace agora::services
