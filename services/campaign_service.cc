#include "services/campaign_service.h"

#include <algorithm>

#include "communities/community_repository.h"
#include "sales/rates_repository.h"
#include "storage/outbox.h"

namespace agora::services {
namespace {

using sales::Campaign;
using sales::CampaignVisibility;

Status OutsideSubtree() {
  return Status::Unprocessable("participant_outside_subtree",
                               "a manager's campaign takes in only them and people under them");
}

void SortUnique(std::vector<Id>& ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
}

bool Contains(const std::vector<Id>& sorted, Id id) {
  return std::binary_search(sorted.begin(), sorted.end(), id);
}

}  // namespace

CampaignService::CampaignService(storage::Store& store, IdGenerator& ids, const Clock& clock,
                                 profiles::UserRepository& users,
                                 communities::CommunityRepository& communities, LiveEvents& live,
                                 DealEventsRelay& deals)
    : store_(store),
      ids_(ids),
      clock_(clock),
      users_(users),
      communities_(communities),
      live_(live),
      deals_(deals) {}

CampaignService::OrgChart CampaignService::MakeOrgChart(
    const std::vector<sales::OrgMember>& members) {
  OrgChart org;
  for (const auto& m : members) {
    if (m.manager_id) org.manager_of.emplace(m.id, *m.manager_id);
    if (m.sees_all_deals) org.sees_all.push_back(m.id);
  }
  return org;  // members come by id: sees_all is sorted
}

CampaignService::Board CampaignService::MakeBoard(const Campaign& campaign,
                                                  const std::vector<Id>& participants,
                                                  const OrgChart& org,
                                                  const sales::ExchangeRates& rates,
                                                  UnixMillis now) {
  std::vector<sales::LeaderboardParticipant> people;
  people.reserve(participants.size());
  for (Id id : participants) {
    auto manager = org.manager_of.find(id);
    people.push_back(
        {id, manager == org.manager_of.end() ? std::nullopt : std::optional<Id>(manager->second)});
  }
  std::vector<Id> sorted = participants;
  SortUnique(sorted);
  return {std::make_shared<sales::Leaderboard>(campaign, people, rates, now),
          std::make_shared<const std::vector<Id>>(std::move(sorted))};
}

Status CampaignService::Load() {
  UnixMillis now = clock_.now_ms();
  uint64_t org_version = users_.org_chart_version();
  Status loaded;
  deals_.Build([&](const CountedDeals& deals) {
    std::map<Id, Board> boards;
    OrgChart org;
    sales::ExchangeRates rates;
    loaded = store_.read([&](storage::Connection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(rates, sales::LoadRates(c));
      AGORA_ASSIGN_OR_RETURN(auto members, sales::LoadOrgChart(c));
      org = MakeOrgChart(members);
      AGORA_ASSIGN_OR_RETURN(auto campaigns, sales::AllCampaigns(c));
      for (const auto& campaign : campaigns) {
        AGORA_ASSIGN_OR_RETURN(auto participants, sales::CampaignParticipants(c, campaign.id));
        boards.emplace(campaign.id, MakeBoard(campaign, participants, org, rates, now));
      }
      return Status::Ok();
    });
    if (!loaded.ok()) return;
    if (!boards.empty()) {
      for (const auto& [deal_id, deal] : deals) {
        for (auto& [id, board] : boards) board.leaderboard->Add(deal);
      }
    }
    MutexLock lock(&mu_);
    boards_ = std::move(boards);
    org_ = std::move(org);
    org_version_ = org_version;
    rates_ = std::move(rates);
  });
  return loaded;
}

void CampaignService::Install(const Campaign& campaign, const std::vector<Id>& participants,
                              OrgChart org, uint64_t org_version) {
  UnixMillis now = clock_.now_ms();
  deals_.Build([&](const CountedDeals& deals) {
    sales::ExchangeRates rates;
    {
      MutexLock lock(&mu_);
      if (boards_.contains(campaign.id)) return;
      rates = rates_;
    }
    Board board = MakeBoard(campaign, participants, org, rates, now);
    for (const auto& [id, deal] : deals) board.leaderboard->Add(deal);
    MutexLock lock(&mu_);
    boards_.emplace(campaign.id, std::move(board));
    org_ = std::move(org);
    org_version_ = org_version;
  });
}

Status CampaignService::ApplyRemote(Id campaign_id) {
  if (FindBoard(campaign_id)) return Status::Ok();
  uint64_t org_version = users_.org_chart_version();  // before the read: a change meanwhile shows
  Campaign campaign;
  std::vector<Id> participants;
  OrgChart org;
  AGORA_RETURN_IF_ERROR(store_.read([&](storage::Connection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(campaign, sales::FindCampaign(c, campaign_id));
    AGORA_ASSIGN_OR_RETURN(participants, sales::CampaignParticipants(c, campaign_id));
    AGORA_ASSIGN_OR_RETURN(auto members, sales::LoadOrgChart(c));
    org = MakeOrgChart(members);
    return Status::Ok();
  }));
  Install(campaign, participants, std::move(org), org_version);
  return Status::Ok();
}

void CampaignService::RefreshOrgChart() {
  uint64_t version = users_.org_chart_version();
  {
    MutexLock lock(&mu_);
    if (org_version_ == version) return;
  }
  auto members = store_.read([](storage::Connection& c) { return sales::LoadOrgChart(c); });
  if (!members.ok()) return;  // tried again at the next deal
  OrgChart org = MakeOrgChart(*members);
  MutexLock lock(&mu_);
  org_ = std::move(org);
  org_version_ = version;
}

std::optional<CampaignService::Board> CampaignService::FindBoard(Id id) {
  MutexLock lock(&mu_);
  auto it = boards_.find(id);
  if (it == boards_.end()) return std::nullopt;
  return it->second;
}

bool CampaignService::MaySee(const Viewer& viewer, const Board& board) {
  const Campaign& c = board.leaderboard->campaign();
  return c.visibility == CampaignVisibility::kCompany || viewer.is_admin || viewer.is_sales_ops ||
         c.created_by == viewer.user_id || board.leaderboard->IsParticipant(viewer.user_id);
}

Result<CampaignService::Board> CampaignService::VisibleBoard(const Viewer& viewer, Id id) {
  auto board = FindBoard(id);
  if (!board || !MaySee(viewer, *board)) return Status::NotFound("no such campaign");
  return *board;
}

CampaignView CampaignService::ViewOf(const Viewer& viewer, const Board& board) {
  CampaignView view;
  view.campaign = board.leaderboard->campaign();
  {
    MutexLock lock(&mu_);
    view.currency = rates_.reporting();
  }
  view.participants_count = board.leaderboard->participant_count();
  view.me = board.leaderboard->StandingOf(viewer.user_id, clock_.now_ms());
  return view;
}

Result<std::vector<Id>> CampaignService::Participants(storage::Connection& c, const Viewer& viewer,
                                                      const sales::CampaignDraft& draft) {
  std::vector<Id> subtree;
  if (!viewer.is_admin) {
    AGORA_ASSIGN_OR_RETURN(subtree, profiles::PeopleUnder(c, viewer.user_id));
    if (subtree.empty()) {
      return Status::PermissionDenied("only admins and managers create campaigns");
    }
    subtree.push_back(viewer.user_id);
    SortUnique(subtree);
  }
  std::vector<Id> people;
  const Campaign& campaign = draft.campaign;
  if (campaign.org_root) {
    AGORA_ASSIGN_OR_RETURN(bool exists, profiles::UserExists(c, *campaign.org_root));
    if (!exists) return Status::Unprocessable("invalid_org_root", "org_root is no one's id");
    if (!viewer.is_admin && !Contains(subtree, *campaign.org_root)) return OutsideSubtree();
    AGORA_ASSIGN_OR_RETURN(people, profiles::PeopleUnder(c, *campaign.org_root));
    people.push_back(*campaign.org_root);
  }
  if (campaign.community_id) {
    auto community = communities_.Find(c, *campaign.community_id);
    if (!community.ok()) {
      if (community.status().code() != StatusCode::kNotFound) return community.status();
      return Status::Unprocessable("invalid_community", "community_id is no community's id");
    }
    AGORA_ASSIGN_OR_RETURN(auto members,
                           communities::MembersUnlessLarge(c, *campaign.community_id, INT64_MAX));
    if (members) people.insert(people.end(), members->begin(), members->end());
  }
  std::vector<Id> named = draft.user_ids;
  SortUnique(named);
  AGORA_ASSIGN_OR_RETURN(auto named_active, profiles::ActiveAmong(c, named));
  if (named_active.size() != named.size()) {
    return Status::Unprocessable("invalid_participant",
                                 "user_ids names an unknown or inactive account");
  }
  people.insert(people.end(), named.begin(), named.end());
  SortUnique(people);
  AGORA_ASSIGN_OR_RETURN(people, profiles::ActiveAmong(c, people));
  if (!viewer.is_admin) {
    for (Id id : people) {
      if (!Contains(subtree, id)) return OutsideSubtree();
    }
  }
  if (people.empty()) {
    return Status::Unprocessable("no_participants", "the campaign would have no participants");
  }
  return people;
}

Result<CampaignView> CampaignService::Create(const Viewer& viewer, const CampaignRequest& request) {
  AGORA_RETURN_IF_ERROR(sales::ValidateCampaign(request.draft));
  auto created = store_.Transact<Id>([&](storage::Transaction& tx) -> Result<Id> {
    storage::Connection& c = tx.connection();
    AGORA_ASSIGN_OR_RETURN(auto rates, sales::LoadRates(c));
    Campaign campaign = request.draft.campaign;
    if (request.target) {
      AGORA_ASSIGN_OR_RETURN(
          campaign.target, sales::ParseTarget(campaign.metric, *request.target, rates.reporting()));
    }
    AGORA_ASSIGN_OR_RETURN(auto participants, Participants(c, viewer, request.draft));
    campaign.id = ids_.next();
    campaign.created_by = viewer.user_id;
    campaign.created_at = clock_.now_ms();
    AGORA_RETURN_IF_ERROR(sales::InsertCampaign(c, campaign, participants));
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kCampaign, campaign.id,
                                                storage::OutboxKind::kCreated));
    uint64_t org_version = users_.org_chart_version();
    AGORA_ASSIGN_OR_RETURN(auto members, sales::LoadOrgChart(c));
    // Built after the commit from the deals counted, under the relay's lock: the deal changes
    // told after it reach the board, none told before is missed.
    tx.AfterCommitInOrder(
        [this, campaign, participants = std::move(participants), org = MakeOrgChart(members),
         org_version]() mutable { Install(campaign, participants, std::move(org), org_version); });
    return campaign.id;
  });
  if (!created.ok()) return created.status();
  auto board = FindBoard(*created);
  if (!board) return Status::Internal("the new campaign's leaderboard is missing");
  return ViewOf(viewer, *board);
}

Result<Page<CampaignView>> CampaignService::List(const Viewer& viewer, std::optional<bool> active,
                                                 const PageRequest& page) {
  sales::CampaignQuery query{viewer.user_id, viewer.is_admin || viewer.is_sales_ops, active,
                             sales::IsoDate(clock_.now_ms())};
  AGORA_ASSIGN_OR_RETURN(auto campaigns, store_.read([&](storage::Connection& c) {
    return sales::ListCampaigns(c, query, page);
  }));
  Page<CampaignView> out;
  out.next_cursor = std::move(campaigns.next_cursor);
  for (const auto& campaign : campaigns.items) {
    // Committed but not yet installed (its effect runs after the commit): skipped this once.
    if (auto board = FindBoard(campaign.id)) out.items.push_back(ViewOf(viewer, *board));
  }
  return out;
}

Result<CampaignView> CampaignService::Get(const Viewer& viewer, Id id) {
  AGORA_ASSIGN_OR_RETURN(Board board, VisibleBoard(viewer, id));
  return ViewOf(viewer, board);
}

Result<LeaderboardView> CampaignService::Leaderboard(const Viewer& viewer, Id id,
                                                     sales::Grouping by, int limit,
                                                     const std::optional<std::string>& cursor) {
  AGORA_ASSIGN_OR_RETURN(Board board, VisibleBoard(viewer, id));
  LeaderboardView view;
  AGORA_ASSIGN_OR_RETURN(
      view.page, board.leaderboard->Read(by, limit, cursor, viewer.user_id, clock_.now_ms()));
  view.campaign = board.leaderboard->campaign();
  {
    MutexLock lock(&mu_);
    view.currency = rates_.reporting();
  }
  std::vector<Id> ids;
  for (const auto& s : view.page.items) {
    if (s.user_id) ids.push_back(s.user_id);
  }
  if (view.page.me && view.page.me->user_id) ids.push_back(view.page.me->user_id);
  AGORA_ASSIGN_OR_RETURN(auto summaries, users_.Summaries(ids));
  for (auto& summary : summaries) view.users.emplace(summary.id, std::move(summary));
  return view;
}

void CampaignService::DealChanged(const DealChange& change) {
  UnixMillis now = clock_.now_ms();
  std::vector<Board> boards;
  sales::Currency currency;
  {
    MutexLock lock(&mu_);
    for (const auto& [id, board] : boards_) boards.push_back(board);
    currency = rates_.reporting();
  }
  for (const Board& board : boards) {
    auto changed = board.leaderboard->Apply(change.before, change.after, now);
    if (!changed.counted || (!changed.top_changed && changed.moved.empty())) continue;
    LeaderboardEvent event;
    event.campaign = board.leaderboard->campaign();
    event.currency = currency;
    event.top = board.leaderboard->Top(now);
    event.recipients = changed.top_changed
                           ? board.participants
                           : std::make_shared<const std::vector<Id>>(std::move(changed.moved));
    event.standing_of = [leaderboard = board.leaderboard, &clock = clock_](Id user) {
      return leaderboard->StandingOf(user, clock.now_ms());
    };
    live_.LeaderboardChanged(event);
  }
  bool newly_won = change.after.outcome == sales::Outcome::kWon &&
                   (!change.before || change.before->outcome != sales::Outcome::kWon);
  if (newly_won) PublishDealWon(change.after, boards);
}

void CampaignService::PublishDealWon(const sales::Deal& deal, const std::vector<Board>& boards) {
  RefreshOrgChart();
  std::vector<Id> audience;
  std::vector<Id> sees_all;
  {
    MutexLock lock(&mu_);
    sees_all = org_.sees_all;
    audience = sees_all;
    std::vector<Id> people{deal.owner_id};
    for (const auto& member : deal.team) people.push_back(member.user_id);
    for (Id person : people) {
      audience.push_back(person);
      // The management chain; a cycle cannot last in the org chart, the bound is a guard.
      Id at = person;
      for (size_t depth = 0; depth < org_.manager_of.size(); ++depth) {
        auto up = org_.manager_of.find(at);
        if (up == org_.manager_of.end()) break;
        at = up->second;
        audience.push_back(at);
      }
    }
  }
  SortUnique(audience);
  std::vector<const Board*> counted_in;
  for (const Board& board : boards) {
    const auto& leaderboard = *board.leaderboard;
    bool has_participant = std::any_of(deal.team.begin(), deal.team.end(), [&](const auto& m) {
      return leaderboard.IsParticipant(m.user_id);
    });
    if (has_participant && leaderboard.campaign().Counts(deal)) counted_in.push_back(&board);
  }
  DealWonEvent event;
  event.deal = deal;
  event.currency = sales::FindCurrency(deal.currency).value_or(sales::Currency{});
  for (Id user : audience) {
    // For campaign visibility, admins and sales_ops see alike.
    Viewer viewer{user, Contains(sees_all, user), false};
    std::vector<Id> campaign_ids;
    for (const Board* board : counted_in) {
      if (MaySee(viewer, *board)) campaign_ids.push_back(board->leaderboard->campaign().id);
    }
    event.recipients.emplace_back(user, std::move(campaign_ids));
  }
  live_.DealWon(event);
}

void CampaignService::RatesChanged(const sales::ExchangeRates& rates,
                                   const CountedDeals& /*deals*/) {
  UnixMillis now = clock_.now_ms();
  std::vector<Board> boards;
  {
    MutexLock lock(&mu_);
    rates_ = rates;
    for (const auto& [id, board] : boards_) boards.push_back(board);
  }
  for (const Board& board : boards) board.leaderboard->SetRates(rates, now);
}

}  // namespace agora::services
