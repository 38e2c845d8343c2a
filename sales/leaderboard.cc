#include "sales/leaderboard.h"

#include <algorithm>
#include <charconv>

#include "core/enum_names.h"

namespace agora::sales {
namespace {

constexpr EnumName<Grouping> kGroupingNames[] = {
    {Grouping::kPerson, "person"}, {Grouping::kTeam, "team"}, {Grouping::kRegion, "region"}};

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kPpm = 1'000'000;

int64_t DayOf(UnixMillis ms) { return ms >= 0 ? ms / kDayMs : (ms - kDayMs + 1) / kDayMs; }

int64_t WinRatePpm(int64_t won_bp, int64_t lost_bp) {
  int64_t closed = won_bp + lost_bp;
  return closed > 0 ? won_bp * kPpm / closed : 0;
}

template <typename T>
void SortUnique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

const char* GroupingName(Grouping by) { return NameOf(kGroupingNames, by); }
std::optional<Grouping> ParseGrouping(std::string_view name) {
  return ParseName(kGroupingNames, name);
}

Leaderboard::Leaderboard(Campaign campaign, const std::vector<LeaderboardParticipant>& participants,
                         ExchangeRates rates, UnixMillis now)
    : campaign_(std::move(campaign)), rates_(std::move(rates)), updated_at_(now) {
  MutexLock lock(&mu_);
  for (const auto& p : participants) {
    if (person_index_.contains(p.user_id)) continue;
    auto person = static_cast<int32_t>(participant_ids_.size());
    person_index_.emplace(p.user_id, person);
    participant_ids_.push_back(p.user_id);
    Id manager = p.manager_id.value_or(0);
    auto [team, added] = team_index_.emplace(manager, static_cast<int32_t>(team_managers_.size()));
    if (added) {
      team_managers_.push_back(manager);
      team_sizes_.push_back(0);
    }
    ++team_sizes_[team->second];
    team_of_person_.push_back(team->second);
  }
  group(Grouping::kPerson).tallies.resize(participant_ids_.size());
  group(Grouping::kTeam).tallies.resize(team_managers_.size());
  sorted_ = false;
  SortIfNeeded();
}

int32_t Leaderboard::RegionSubject(const std::string& region) {
  auto [it, added] = region_index_.emplace(region, static_cast<int32_t>(region_names_.size()));
  if (added) {
    region_names_.push_back(region);
    Group& g = group(Grouping::kRegion);
    g.tallies.emplace_back();
    g.keys.push_back(0);
    if (g.snapshot_day >= 0) g.ranks_at_midnight.push_back(0);  // not ranked at midnight
    Entry entry{0, it->second};
    auto cmp = [](const Entry& a, const Entry& b) {
      return a.key > b.key || (a.key == b.key && a.subject < b.subject);
    };
    g.order.insert(std::lower_bound(g.order.begin(), g.order.end(), entry, cmp), entry);
  }
  return it->second;
}

void Leaderboard::Contribute(const Deal& deal, int sign, std::vector<int32_t>& persons,
                             std::vector<int32_t>& teams, std::vector<int32_t>& regions) {
  if (!campaign_.Counts(deal)) return;
  std::string month = deal.closed_on->substr(0, 7);
  std::optional<int32_t> region;
  for (const TeamShare& member : deal.team) {
    auto person = person_index_.find(member.user_id);
    if (person == person_index_.end()) continue;
    if (!region) region = RegionSubject(deal.region);
    int32_t team = team_of_person_[person->second];
    const int64_t share = int64_t{sign} * member.share_bp;
    for (Tally* tally :
         {&group(Grouping::kPerson).tallies[person->second], &group(Grouping::kTeam).tallies[team],
          &group(Grouping::kRegion).tallies[*region]}) {
      if (deal.outcome == Outcome::kLost) {
        tally->lost_bp += share;
        continue;
      }
      tally->won_bp += share;
      if (deal.new_customer) tally->new_customers_bp += share;
      auto bucket = std::find_if(
          tally->buckets.begin(), tally->buckets.end(),
          [&](const AmountBucket& b) { return b.month == month && b.currency == deal.currency; });
      if (bucket == tally->buckets.end()) {
        tally->buckets.push_back({deal.currency, month, 0});
        bucket = tally->buckets.end() - 1;
      }
      bucket->weighted += static_cast<WeightedSum>(deal.amount_minor) * share;
      if (bucket->weighted == 0) tally->buckets.erase(bucket);
    }
    persons.push_back(person->second);
    teams.push_back(team);
    regions.push_back(*region);
  }
}

int64_t Leaderboard::Convert(const Tally& tally) const {
  int64_t total = 0;
  for (const AmountBucket& bucket : tally.buckets) {
    // Exact until here; rounded half up once per currency and month.
    auto minor = static_cast<int64_t>((bucket.weighted + kWholeShare / 2) / kWholeShare);
    total += rates_.Convert(minor, bucket.currency, bucket.month).value_or(0);
  }
  return total;
}

int64_t Leaderboard::KeyOf(const Tally& tally) const {
  switch (campaign_.metric) {
    case Metric::kWonAmount:
      return tally.won_amount;
    case Metric::kWonCount:
      return tally.won_bp;
    case Metric::kNewCustomers:
      return tally.new_customers_bp;
    case Metric::kWinRate:
      return WinRatePpm(tally.won_bp, tally.lost_bp);
  }
  return 0;
}

int64_t Leaderboard::ValueOf(const Tally& tally) const {
  if (campaign_.metric == Metric::kWinRate) {
    return (KeyOf(tally) * kWholeRate + kPpm / 2) / kPpm;
  }
  return KeyOf(tally);
}

namespace {
bool Before(int64_t key_a, int32_t subject_a, int64_t key_b, int32_t subject_b) {
  return key_a > key_b || (key_a == key_b && subject_a < subject_b);
}
}  // namespace

void Leaderboard::SortIfNeeded() {
  if (sorted_) return;
  for (Group& g : groups_) {
    g.keys.resize(g.tallies.size());
    g.order.clear();
    for (size_t s = 0; s < g.tallies.size(); ++s) {
      g.tallies[s].won_amount = Convert(g.tallies[s]);
      g.keys[s] = KeyOf(g.tallies[s]);
      g.order.push_back({g.keys[s], static_cast<int32_t>(s)});
    }
    std::sort(g.order.begin(), g.order.end(), [](const Entry& a, const Entry& b) {
      return Before(a.key, a.subject, b.key, b.subject);
    });
  }
  sorted_ = true;
}

size_t Leaderboard::PositionOf(const Group& g, int32_t subject) const {
  int64_t key = g.keys[subject];
  auto it = std::lower_bound(
      g.order.begin(), g.order.end(), Entry{key, subject},
      [](const Entry& a, const Entry& b) { return Before(a.key, a.subject, b.key, b.subject); });
  return static_cast<size_t>(it - g.order.begin());
}

int64_t Leaderboard::RankAt(const Group& g, size_t position) {
  int64_t key = g.order[position].key;
  auto first = std::partition_point(g.order.begin(), g.order.end(),
                                    [key](const Entry& e) { return e.key > key; });
  return (first - g.order.begin()) + 1;
}

void Leaderboard::Reposition(Group& g, int32_t subject,
                             std::vector<std::pair<int64_t, int64_t>>* crossed) {
  int64_t old_key = g.keys[subject];
  int64_t new_key = KeyOf(g.tallies[subject]);
  if (old_key == new_key) return;
  size_t position = PositionOf(g, subject);
  // Another subject's rank counts the subjects strictly above it: it changes exactly when its
  // key lies in [low, high) of the old and new keys.
  if (crossed) crossed->emplace_back(std::min(old_key, new_key), std::max(old_key, new_key));
  g.keys[subject] = new_key;
  auto at = g.order.begin() + static_cast<std::ptrdiff_t>(position);
  auto cmp = [](const Entry& a, const Entry& b) {
    return Before(a.key, a.subject, b.key, b.subject);
  };
  Entry moved_entry{new_key, subject};
  if (new_key > old_key) {
    auto dest = std::lower_bound(g.order.begin(), at, moved_entry, cmp);
    std::rotate(dest, at, at + 1);
    *dest = moved_entry;
  } else {
    auto dest = std::lower_bound(at + 1, g.order.end(), moved_entry, cmp);
    std::rotate(at, at + 1, dest);
    *(dest - 1) = moved_entry;
  }
}

void Leaderboard::SnapshotIfNewDay(UnixMillis now) {
  int64_t day = DayOf(now);
  for (Group& g : groups_) {
    if (g.snapshot_day == day) continue;
    g.snapshot_day = day;
    g.ranks_at_midnight.assign(g.tallies.size(), 0);
    for (size_t i = 0; i < g.order.size(); ++i) {
      bool tie = i > 0 && g.order[i].key == g.order[i - 1].key;
      g.ranks_at_midnight[g.order[i].subject] =
          tie ? g.ranks_at_midnight[g.order[i - 1].subject] : static_cast<int64_t>(i) + 1;
    }
  }
}

std::vector<Leaderboard::Entry> Leaderboard::TopEntries() const {
  const Group& g = group(Grouping::kPerson);
  return {g.order.begin(),
          g.order.begin() + static_cast<std::ptrdiff_t>(std::min(kTopSize, g.order.size()))};
}

void Leaderboard::Add(const Deal& deal) {
  MutexLock lock(&mu_);
  std::vector<int32_t> persons, teams, regions;
  Contribute(deal, 1, persons, teams, regions);
  if (!persons.empty()) sorted_ = false;
}

LeaderboardChange Leaderboard::Apply(const std::optional<Deal>& before, const Deal& after,
                                     UnixMillis now) {
  LeaderboardChange change;
  change.counted = (before && campaign_.Counts(*before)) || campaign_.Counts(after);
  if (!change.counted) return change;
  MutexLock lock(&mu_);
  SortIfNeeded();
  SnapshotIfNewDay(now);
  auto top_before = TopEntries();
  std::vector<int32_t> persons, teams, regions;
  if (before) Contribute(*before, -1, persons, teams, regions);
  Contribute(after, 1, persons, teams, regions);
  SortUnique(persons);
  SortUnique(teams);
  SortUnique(regions);
  std::vector<std::pair<int64_t, int64_t>> crossed;
  for (auto [by, subjects] :
       {std::pair{Grouping::kPerson, &persons}, std::pair{Grouping::kTeam, &teams},
        std::pair{Grouping::kRegion, &regions}}) {
    Group& g = group(by);
    for (int32_t s : *subjects) {
      g.tallies[s].won_amount = Convert(g.tallies[s]);
      Reposition(g, s, by == Grouping::kPerson ? &crossed : nullptr);
    }
  }
  auto top_after = TopEntries();
  change.top_changed = !std::equal(
      top_before.begin(), top_before.end(), top_after.begin(), top_after.end(),
      [](const Entry& a, const Entry& b) { return a.key == b.key && a.subject == b.subject; });
  if (!change.top_changed && !crossed.empty()) {
    // Listed only when needed: with the top changed everyone is told anyway. The keys of the
    // subjects not touched here did not change, so the ranges read on the final order.
    const Group& g = group(Grouping::kPerson);
    std::vector<int32_t> moved = persons;
    for (const auto& range : crossed) {
      // Named copies: clang before 16 cannot capture structured bindings.
      const int64_t low = range.first;
      const int64_t high = range.second;
      auto from = std::partition_point(g.order.begin(), g.order.end(),
                                       [high](const Entry& e) { return e.key >= high; });
      auto to =
          std::partition_point(from, g.order.end(), [low](const Entry& e) { return e.key >= low; });
      for (auto it = from; it != to; ++it) moved.push_back(it->subject);
    }
    SortUnique(moved);
    change.moved.reserve(moved.size());
    for (int32_t s : moved) change.moved.push_back(participant_ids_[s]);
  }
  updated_at_ = now;
  return change;
}

void Leaderboard::SetRates(ExchangeRates rates, UnixMillis now) {
  MutexLock lock(&mu_);
  SortIfNeeded();
  SnapshotIfNewDay(now);
  rates_ = std::move(rates);
  sorted_ = false;
  SortIfNeeded();
  updated_at_ = now;
}

Standing Leaderboard::StandingAt(Grouping by, size_t position, UnixMillis now) const {
  const Group& g = group(by);
  int32_t subject = g.order[position].subject;
  const Tally& tally = g.tallies[subject];
  Standing out;
  out.by = by;
  switch (by) {
    case Grouping::kPerson:
      out.user_id = participant_ids_[subject];
      out.target = campaign_.target;
      break;
    case Grouping::kTeam:
      out.user_id = team_managers_[subject];
      out.target = campaign_.target * team_sizes_[subject];
      break;
    case Grouping::kRegion:
      out.region = region_names_[subject];
      break;
  }
  out.rank = RankAt(g, position);
  if (g.snapshot_day == DayOf(now) && static_cast<size_t>(subject) < g.ranks_at_midnight.size() &&
      g.ranks_at_midnight[subject] > 0) {
    out.rank_change = g.ranks_at_midnight[subject] - out.rank;
  }
  out.value = ValueOf(tally);
  out.won_bp = tally.won_bp;
  out.lost_bp = tally.lost_bp;
  out.win_rate_ppm = WinRatePpm(tally.won_bp, tally.lost_bp);
  return out;
}

std::optional<Standing> Leaderboard::MeIn(Grouping by, Id user, UnixMillis now) const {
  std::optional<int32_t> subject;
  auto person = person_index_.find(user);
  if (by == Grouping::kPerson && person != person_index_.end()) subject = person->second;
  if (by == Grouping::kTeam) {
    if (person != person_index_.end()) {
      subject = team_of_person_[person->second];
    } else if (auto managed = team_index_.find(user); managed != team_index_.end()) {
      subject = managed->second;
    }
  }
  if (!subject) return std::nullopt;
  return StandingAt(by, PositionOf(group(by), *subject), now);
}

Result<LeaderboardPage> Leaderboard::Read(Grouping by, int limit,
                                          const std::optional<std::string>& cursor,
                                          std::optional<Id> me, UnixMillis now) {
  MutexLock lock(&mu_);
  SortIfNeeded();
  const Group& g = group(by);
  size_t start = 0;
  if (cursor) {
    auto dot = cursor->find('_');
    std::optional<int64_t> key, subject;
    if (dot != std::string::npos) {
      key = ParseInt(std::string_view(*cursor).substr(0, dot));
      subject = ParseInt(std::string_view(*cursor).substr(dot + 1));
    }
    if (!key || !subject || *subject < 0 || *subject > INT32_MAX) {
      return Status::InvalidArgument("invalid_cursor", "cursor is not one this list returned");
    }
    Entry after{*key, static_cast<int32_t>(*subject)};
    start =
        static_cast<size_t>(std::upper_bound(g.order.begin(), g.order.end(), after,
                                             [](const Entry& a, const Entry& b) {
                                               return Before(a.key, a.subject, b.key, b.subject);
                                             }) -
                            g.order.begin());
  }
  LeaderboardPage page;
  size_t end = std::min(g.order.size(), start + static_cast<size_t>(std::max(limit, 0)));
  for (size_t i = start; i < end; ++i) page.items.push_back(StandingAt(by, i, now));
  if (end < g.order.size() && end > start) {
    const Entry& last = g.order[end - 1];
    page.next_cursor = std::to_string(last.key) + "_" + std::to_string(last.subject);
  }
  if (me) page.me = MeIn(by, *me, now);
  page.updated_at = updated_at_;
  return page;
}

std::optional<Standing> Leaderboard::StandingOf(Id user, UnixMillis now) {
  MutexLock lock(&mu_);
  SortIfNeeded();
  return MeIn(Grouping::kPerson, user, now);
}

std::vector<Standing> Leaderboard::Top(UnixMillis now) {
  MutexLock lock(&mu_);
  SortIfNeeded();
  std::vector<Standing> out;
  size_t n = std::min(kTopSize, group(Grouping::kPerson).order.size());
  for (size_t i = 0; i < n; ++i) out.push_back(StandingAt(Grouping::kPerson, i, now));
  return out;
}

}  // namespace agora::sales
