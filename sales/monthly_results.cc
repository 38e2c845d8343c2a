#include "sales/monthly_results.h"

#include <algorithm>
#include <cstdio>

#include "core/clock.h"
#include "core/enum_names.h"

namespace agora::sales {
namespace {

constexpr EnumName<ResultsDimension> kDimensionNames[] = {
    {ResultsDimension::kRegion, "region"},
    {ResultsDimension::kTeam, "team"},
    {ResultsDimension::kProduct, "product"},
    {ResultsDimension::kPerson, "person"},
};

// `amount` split by `team`'s shares, the parts summing to `amount` exactly: each member gets
// the floor of their part, and the cents left go to the largest remainders (ties by position).
std::vector<int64_t> SplitByShares(int64_t amount, const std::vector<TeamShare>& team) {
  std::vector<int64_t> parts(team.size());
  std::vector<std::pair<int64_t, size_t>> remainders;
  int64_t given = 0;
  for (size_t i = 0; i < team.size(); ++i) {
    __extension__ using Int128 = __int128;
    Int128 exact = static_cast<Int128>(amount) * team[i].share_bp;
    parts[i] = static_cast<int64_t>(exact / kWholeShare);
    remainders.emplace_back(static_cast<int64_t>(exact % kWholeShare), i);
    given += parts[i];
  }
  std::stable_sort(remainders.begin(), remainders.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t i = 0; given < amount && i < remainders.size(); ++i, ++given) {
    ++parts[remainders[i].second];
  }
  return parts;
}

int FromDigits(std::string_view text) {
  int value = 0;
  for (char c : text) value = value * 10 + (c - '0');
  return value;
}

std::string FormatMonth(int year, int month) {
  char text[24];
  std::snprintf(text, sizeof text, "%04d-%02d", year, month);
  return text;
}

}  // namespace

const char* DimensionName(ResultsDimension dimension) { return NameOf(kDimensionNames, dimension); }
std::optional<ResultsDimension> ParseDimension(std::string_view name) {
  return ParseName(kDimensionNames, name);
}

std::optional<double> ResultFigures::win_rate() const {
  if (won_count_bp + lost_count_bp == 0) return std::nullopt;
  return static_cast<double>(won_count_bp) / static_cast<double>(won_count_bp + lost_count_bp);
}

ResultFigures& ResultFigures::operator+=(const ResultFigures& other) {
  won_count_bp += other.won_count_bp;
  won_amount_minor += other.won_amount_minor;
  lost_count_bp += other.lost_count_bp;
  new_customers_bp += other.new_customers_bp;
  unconverted_bp += other.unconverted_bp;
  return *this;
}

bool IsIsoMonth(std::string_view text) {
  return text.size() == 7 && IsIsoDate(std::string(text) + "-01");
}

std::string PreviousMonth(std::string_view month) {
  int year = FromDigits(month.substr(0, 4));
  int number = FromDigits(month.substr(5, 2));
  return number == 1 ? FormatMonth(year - 1, 12) : FormatMonth(year, number - 1);
}

std::string SameMonthLastYear(std::string_view month) {
  return FormatMonth(FromDigits(month.substr(0, 4)) - 1, FromDigits(month.substr(5, 2)));
}

uint32_t MonthlyResults::Intern(const std::string& name) {
  auto [it, inserted] = name_ids_.try_emplace(name, static_cast<uint32_t>(names_.size()));
  if (inserted) names_.push_back(name);
  return it->second;
}

void MonthlyResults::Add(const Deal& deal, int sign) {
  if (deal.outcome == Outcome::kOpen || !deal.closed_on) return;
  bool won = deal.outcome == Outcome::kWon;
  std::string month_key = deal.closed_on->substr(0, 7);
  std::optional<int64_t> converted =
      won ? rates_.Convert(deal.amount_minor, deal.currency, month_key) : std::optional<int64_t>(0);
  auto figures = [&](int64_t share_bp, int64_t amount) {
    ResultFigures f;
    if (won) {
      f.won_count_bp = sign * share_bp;
      f.won_amount_minor = sign * amount;
      if (deal.new_customer) f.new_customers_bp = sign * share_bp;
      if (!converted) f.unconverted_bp = sign * share_bp;
    } else {
      f.lost_count_bp = sign * share_bp;
    }
    return f;
  };
  auto add = [](auto& map, const auto& key, const ResultFigures& f) {
    auto& slot = map[key];
    slot += f;
    if (slot == ResultFigures{}) map.erase(key);
  };
  Month& month = months_[month_key];
  CellKey key{0, Intern(deal.region), Intern(deal.product)};
  ResultFigures whole = figures(kWholeShare, converted.value_or(0));
  add(month.by_region, key.region, whole);
  add(month.by_product, key.product, whole);
  month.totals += whole;
  std::vector<int64_t> parts = SplitByShares(converted.value_or(0), deal.team);
  for (size_t i = 0; i < deal.team.size(); ++i) {
    key.person = deal.team[i].user_id;
    ResultFigures part = figures(deal.team[i].share_bp, parts[i]);
    add(month.cells, key, part);
    add(month.by_person, key.person, part);
    if (auto manager = ManagerOf(key.person)) add(month.by_team, *manager, part);
  }
}

std::optional<Id> MonthlyResults::ManagerOf(Id person) const {
  if (!managers_) return std::nullopt;
  auto found = managers_->find(person);
  if (found == managers_->end()) return std::nullopt;
  return found->second;
}

void MonthlyResults::SetManagers(std::shared_ptr<const Managers> managers, uint64_t version) {
  MutexLock lock(&mu_);
  managers_ = std::move(managers);
  managers_version_ = version;
  for (auto& [key, month] : months_) {
    month.by_team.clear();
    for (const auto& [person, figures] : month.by_person) {
      if (auto manager = ManagerOf(person)) month.by_team[*manager] += figures;
    }
  }
}

std::optional<uint64_t> MonthlyResults::managers_version() const {
  MutexLock lock(&mu_);
  return managers_version_;
}

void MonthlyResults::Apply(const std::optional<Deal>& before, const std::optional<Deal>& after) {
  MutexLock lock(&mu_);
  if (before) Add(*before, -1);
  if (after) Add(*after, +1);
}

MonthlyResults::Figures MonthlyResults::Fold(const Month& month, const ResultsQuery& query,
                                             const Figures** direct) const {
  Figures out;
  auto visible = [&](Id person) {
    return (!query.people || query.people->contains(person)) &&
           (!query.visible_people || query.visible_people->contains(person));
  };
  switch (query.by) {
    case ResultsDimension::kRegion:
    case ResultsDimension::kProduct: {
      bool region = query.by == ResultsDimension::kRegion;
      if (!query.people) {
        *direct = region ? &month.by_region : &month.by_product;
        return out;
      }
      for (const auto& [key, figures] : month.cells) {
        if (query.people->contains(key.person)) out[region ? key.region : key.product] += figures;
      }
      return out;
    }
    case ResultsDimension::kPerson:
      if (!query.people && !query.visible_people) {
        *direct = &month.by_person;
        return out;
      }
      for (const auto& [person, figures] : month.by_person) {
        if (visible(person)) out.emplace(person, figures);
      }
      return out;
    case ResultsDimension::kTeam:
      if (!query.people && !query.visible_people) {
        *direct = &month.by_team;
        return out;
      }
      for (const auto& [person, figures] : month.by_person) {
        if (!visible(person)) continue;
        if (auto manager = ManagerOf(person)) out[*manager] += figures;
      }
      return out;
  }
  return out;
}

const MonthlyResults::Month& MonthlyResults::MonthOf(const std::string& key) const {
  static const Month kEmpty;
  auto found = months_.find(key);
  return found == months_.end() ? kEmpty : found->second;
}

Results MonthlyResults::Compile(const ResultsQuery& query) const {
  MutexLock lock(&mu_);
  const Month& current = MonthOf(query.month);
  const Month& previous = MonthOf(PreviousMonth(query.month));
  const Month& last_year = MonthOf(SameMonthLastYear(query.month));

  Results out;
  const Figures* direct = nullptr;
  Figures folded = Fold(current, query, &direct);
  const Figures& rows = direct ? *direct : folded;
  bool named = query.by == ResultsDimension::kRegion || query.by == ResultsDimension::kProduct;
  struct RowRef {
    int64_t key;
    const ResultFigures* figures;
    std::string name;  // regions and products only: people are ordered by id
  };
  std::vector<RowRef> order;
  order.reserve(rows.size());
  for (const auto& [key, figures] : rows) {
    order.push_back({key, &figures, named ? names_[static_cast<size_t>(key)] : std::string()});
  }
  out.total_rows = order.size();
  auto before = [](const RowRef& a, const RowRef& b) {
    if (a.figures->won_amount_minor != b.figures->won_amount_minor) {
      return a.figures->won_amount_minor > b.figures->won_amount_minor;
    }
    return a.name != b.name ? a.name < b.name : a.key < b.key;
  };
  size_t end = std::min(order.size(), query.offset + query.limit);
  if (query.offset < end) {
    std::partial_sort(order.begin(), order.begin() + static_cast<ptrdiff_t>(end), order.end(),
                      before);
  }

  // The earlier months, only for the rows of the page.
  const Figures* previous_direct = nullptr;
  const Figures* last_year_direct = nullptr;
  Figures previous_folded = Fold(previous, query, &previous_direct);
  Figures last_year_folded = Fold(last_year, query, &last_year_direct);
  auto lookup = [](const Figures& figures, int64_t key) {
    auto found = figures.find(key);
    return found == figures.end() ? ResultFigures{} : found->second;
  };
  for (size_t i = query.offset; i < end; ++i) {
    ResultRow row;
    row.key = named ? order[i].name : std::to_string(order[i].key);
    row.month = *order[i].figures;
    row.previous_month = lookup(previous_direct ? *previous_direct : previous_folded, order[i].key);
    row.same_month_last_year =
        lookup(last_year_direct ? *last_year_direct : last_year_folded, order[i].key);
    out.rows.push_back(std::move(row));
  }

  // Totals: national, or the people counted.
  auto total = [&](const Month& month) {
    if (!query.people) return month.totals;
    ResultFigures sum;
    for (const auto& [person, figures] : month.by_person) {
      if (query.people->contains(person)) sum += figures;
    }
    return sum;
  };
  out.totals.month = total(current);
  out.totals.previous_month = total(previous);
  out.totals.same_month_last_year = total(last_year);
  return out;
}

}  // namespace agora::sales
