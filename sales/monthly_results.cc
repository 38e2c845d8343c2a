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
  std::string month = deal.closed_on->substr(0, 7);
  std::optional<int64_t> converted =
      won ? rates_.Convert(deal.amount_minor, deal.currency, month) : std::optional<int64_t>(0);
  std::vector<int64_t> parts = SplitByShares(converted.value_or(0), deal.team);
  Month& cells = months_[month];
  CellKey key{0, Intern(deal.region), Intern(deal.product)};
  for (size_t i = 0; i < deal.team.size(); ++i) {
    key.person = deal.team[i].user_id;
    int64_t share = sign * deal.team[i].share_bp;
    ResultFigures& cell = cells[key];
    if (won) {
      cell.won_count_bp += share;
      cell.won_amount_minor += sign * parts[i];
      if (deal.new_customer) cell.new_customers_bp += share;
      if (!converted) cell.unconverted_bp += share;
    } else {
      cell.lost_count_bp += share;
    }
    if (cell == ResultFigures{}) cells.erase(key);
  }
}

void MonthlyResults::Apply(const std::optional<Deal>& before, const std::optional<Deal>& after) {
  MutexLock lock(&mu_);
  if (before) Add(*before, -1);
  if (after) Add(*after, +1);
}

Results MonthlyResults::Compile(const ResultsQuery& query,
                                const std::function<std::optional<Id>(Id)>& manager_of) const {
  MutexLock lock(&mu_);
  return CompileLocked(query, manager_of);
}

Results MonthlyResults::CompileLocked(
    const ResultsQuery& query, const std::function<std::optional<Id>(Id)>& manager_of) const {
  // Rows by a number (an interned name or a person's id), named once at the end.
  std::unordered_map<int64_t, ResultRow> rows;
  Results out;
  auto row_of = [&](const CellKey& key) -> std::optional<int64_t> {
    switch (query.by) {
      case ResultsDimension::kRegion:
        return key.region;
      case ResultsDimension::kProduct:
        return key.product;
      case ResultsDimension::kPerson:
        if (query.visible_people && !query.visible_people->contains(key.person)) break;
        return key.person;
      case ResultsDimension::kTeam:
        if (query.visible_people && !query.visible_people->contains(key.person)) break;
        return manager_of(key.person);
    }
    return std::nullopt;
  };
  auto add_month = [&](const std::string& month, ResultFigures ResultRow::*slot) {
    auto found = months_.find(month);
    if (found == months_.end()) return;
    for (const auto& [key, figures] : found->second) {
      if (query.people && !query.people->contains(key.person)) continue;
      out.totals.*slot += figures;
      if (auto row = row_of(key)) rows[*row].*slot += figures;
    }
  };
  add_month(query.month, &ResultRow::month);
  add_month(PreviousMonth(query.month), &ResultRow::previous_month);
  add_month(SameMonthLastYear(query.month), &ResultRow::same_month_last_year);
  bool named = query.by == ResultsDimension::kRegion || query.by == ResultsDimension::kProduct;
  for (auto& [number, row] : rows) {
    if (row.month.empty()) continue;
    row.key = named ? names_[static_cast<size_t>(number)] : std::to_string(number);
    out.rows.push_back(std::move(row));
  }
  std::sort(out.rows.begin(), out.rows.end(), [](const ResultRow& a, const ResultRow& b) {
    if (a.month.won_amount_minor != b.month.won_amount_minor) {
      return a.month.won_amount_minor > b.month.won_amount_minor;
    }
    return a.key < b.key;
  });
  return out;
}

}  // namespace agora::sales
