// Leaderboard: one campaign's standings kept in memory, by person, team (the participant's
// manager) and region (the deal's), updated as deals change.
//
// A deal counts when Campaign::Counts says so, for each participant of its team by their
// share: a share of 0.4 of a won deal of 10,000 EUR adds 4,000 EUR and 0.4 won deal (4,000
// basis points, see campaign.h). An amount is kept per (currency, month of closed_on) as the
// exact sum of amount × share, and converted to the reporting currency when read into the
// value, so a rate change recomputes every amount from memory (SetRates), without SQLite.
// Each grouping keeps its subjects sorted by value (a vector rotated in place on change,
// positions found by binary search): a rank is one binary search (standard competition
// ranking: 1 + how many have a strictly larger value), a page one search plus the page.
//
// rank_change is against the standing at 00:00 UTC: the ranks of every subject are copied at
// the first change after midnight (before it applies); until then nothing moved today. After
// a restart the day's first standing is the one at start.
//
// Thread-safe: the campaign and its participants are constant; everything else is guarded.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/mutex.h"
#include "core/status.h"
#include "sales/campaign.h"
#include "sales/deal.h"
#include "sales/money.h"

namespace agora::sales {

// Sums of amount × share: a deal's is at most 10^13 × 10^4, so a million of them need more
// than 64 bits.
__extension__ typedef __int128 WeightedSum;

enum class Grouping { kPerson, kTeam, kRegion };
const char* GroupingName(Grouping by);
std::optional<Grouping> ParseGrouping(std::string_view name);

struct LeaderboardParticipant {
  Id user_id = 0;
  std::optional<Id> manager_id;
};

struct Standing {
  Grouping by = Grouping::kPerson;
  Id user_id = 0;      // kPerson: the participant; kTeam: their manager (0: no manager)
  std::string region;  // kRegion
  int64_t rank = 0;
  int64_t rank_change = 0;  // positive: moved up since 00:00 UTC
  int64_t value = 0;        // in the campaign metric's unit
  int64_t target = 0;       // 0: none (regions have none; a team's is the sum of its members')
  int64_t won_bp = 0;       // won deals, in basis points of a deal
  int64_t lost_bp = 0;
  int64_t win_rate_ppm = 0;  // won / (won + lost), in millionths; 0 without closed deals
  bool operator==(const Standing&) const = default;
};

struct LeaderboardPage {
  std::vector<Standing> items;
  std::optional<Standing> me;
  std::optional<std::string> next_cursor;
  UnixMillis updated_at = 0;
};

// What one deal change did to the person standings, for the live events.
struct LeaderboardChange {
  bool counted = false;      // the deal counts (or counted) in this campaign
  bool top_changed = false;  // the first kTopSize persons or their values changed
  // When the top did not change: the participants whose rank may have changed (a superset).
  // Empty when it did: every participant is told then.
  std::vector<Id> moved;
};

class Leaderboard {
 public:
  static constexpr size_t kTopSize = 10;

  Leaderboard(Campaign campaign, const std::vector<LeaderboardParticipant>& participants,
              ExchangeRates rates, UnixMillis now);

  const Campaign& campaign() const { return campaign_; }
  bool IsParticipant(Id user) const { return person_index_.contains(user); }
  const std::vector<Id>& participant_ids() const { return participant_ids_; }
  size_t participant_count() const { return participant_ids_.size(); }

  // Counts `deal` while building: no rank_change snapshot, no change report, and the
  // rankings sorted once, at the next call of any other method.
  void Add(const Deal& deal);
  // Removes `before`'s contribution and adds `after`'s, at `now`.
  LeaderboardChange Apply(const std::optional<Deal>& before, const Deal& after, UnixMillis now);
  // New rates: every amount converted again.
  void SetRates(ExchangeRates rates, UnixMillis now);

  // A page of `limit` standings after `cursor` (from an earlier page's next_cursor), with the
  // standing of `me` (kPerson: theirs; kTeam: their team's; kRegion: none).
  // kInvalidArgument "invalid_cursor" for a cursor this board did not write.
  Result<LeaderboardPage> Read(Grouping by, int limit, const std::optional<std::string>& cursor,
                               std::optional<Id> me, UnixMillis now);
  // One participant's standing by person; nullopt for someone else.
  std::optional<Standing> StandingOf(Id user, UnixMillis now);
  // The first kTopSize persons.
  std::vector<Standing> Top(UnixMillis now);

 private:
  // Σ amount_minor × share_bp of one currency and month: exact, converted when read.
  struct AmountBucket {
    std::string currency;
    std::string month;
    WeightedSum weighted = 0;
  };
  struct Tally {
    int64_t won_bp = 0;
    int64_t lost_bp = 0;
    int64_t new_customers_bp = 0;
    std::vector<AmountBucket> buckets;
    int64_t won_amount = 0;  // the buckets converted, in minor units of the reporting currency
  };
  struct Entry {
    int64_t key;
    int32_t subject;
  };
  struct Group {
    std::vector<Tally> tallies;              // by subject
    std::vector<int64_t> keys;               // by subject: the ranking key
    std::vector<Entry> order;                // key descending, then subject ascending
    int64_t snapshot_day = -1;               // the UTC day of ranks_at_midnight
    std::vector<int64_t> ranks_at_midnight;  // by subject; 0: not ranked then
  };

  Group& group(Grouping by) REQUIRES(mu_) { return groups_[static_cast<int>(by)]; }
  const Group& group(Grouping by) const REQUIRES(mu_) { return groups_[static_cast<int>(by)]; }
  // Adds `sign` times the deal's contribution; returns the person subjects touched.
  void Contribute(const Deal& deal, int sign, std::vector<int32_t>& persons,
                  std::vector<int32_t>& teams, std::vector<int32_t>& regions) REQUIRES(mu_);
  int32_t RegionSubject(const std::string& region) REQUIRES(mu_);
  int64_t Convert(const Tally& tally) const REQUIRES(mu_);
  // After Add: every amount converted, every ranking sorted.
  void SortIfNeeded() REQUIRES(mu_);
  int64_t KeyOf(const Tally& tally) const;
  int64_t ValueOf(const Tally& tally) const;
  // Moves `subject` to its new key; adds to `crossed` the range of keys [low, high) whose
  // subjects' ranks change with it.
  void Reposition(Group& g, int32_t subject, std::vector<std::pair<int64_t, int64_t>>* crossed)
      REQUIRES(mu_);
  void SnapshotIfNewDay(UnixMillis now) REQUIRES(mu_);
  static int64_t RankAt(const Group& g, size_t position);
  Standing StandingAt(Grouping by, size_t position, UnixMillis now) const REQUIRES(mu_);
  std::optional<Standing> MeIn(Grouping by, Id user, UnixMillis now) const REQUIRES(mu_);
  size_t PositionOf(const Group& g, int32_t subject) const;
  std::vector<Entry> TopEntries() const REQUIRES(mu_);

  // Constant after construction.
  const Campaign campaign_;
  std::vector<Id> participant_ids_;               // by person subject
  std::unordered_map<Id, int32_t> person_index_;  // user -> person subject
  std::vector<int32_t> team_of_person_;           // person subject -> team subject
  std::vector<Id> team_managers_;                 // team subject -> manager (0: none)
  std::vector<int64_t> team_sizes_;               // team subject -> participants
  std::unordered_map<Id, int32_t> team_index_;    // manager -> team subject

  mutable Mutex mu_;
  ExchangeRates rates_ GUARDED_BY(mu_);
  Group groups_[3] GUARDED_BY(mu_);
  std::vector<std::string> region_names_ GUARDED_BY(mu_);  // region subject -> name
  std::unordered_map<std::string, int32_t> region_index_ GUARDED_BY(mu_);
  UnixMillis updated_at_ GUARDED_BY(mu_) = 0;
  bool sorted_ GUARDED_BY(mu_) = true;
};

}  // namespace agora::sales
