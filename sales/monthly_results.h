// MonthlyResults: every closed deal's contribution to its closing month, kept in memory so a
// month's results by region, team, product or person are compiled the moment deals change, not
// by a batch hours later.
//
// A won or lost deal contributes once per team member: counts in basis points of the member's
// share, the amount (converted to the reporting currency) split between members by their shares
// with the largest-remainder method, so members' parts always sum to the deal's amount exactly.
// Region, product and totals add whole deals; person and team add members' parts. Open deals
// count nowhere.
//
// Thread-safe: changes come from the store's writer thread, queries from worker threads. Rates
// are fixed for an engine's life: new rates mean a new engine, rebuilt from the store.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/id.h"
#include "core/mutex.h"
#include "sales/deal.h"
#include "sales/money.h"

namespace agora::sales {

enum class ResultsDimension { kRegion, kTeam, kProduct, kPerson };
const char* DimensionName(ResultsDimension dimension);
std::optional<ResultsDimension> ParseDimension(std::string_view name);

// Counts are in basis points of a deal (a member with share 0.5 of one won deal has 5,000).
struct ResultFigures {
  int64_t won_count_bp = 0;
  int64_t won_amount_minor = 0;  // in the reporting currency
  int64_t lost_count_bp = 0;
  int64_t new_customers_bp = 0;
  int64_t unconverted_bp = 0;  // won deals whose currency has no rate: counted, not summed

  // won / (won + lost); nullopt with neither.
  std::optional<double> win_rate() const;
  bool empty() const { return won_count_bp == 0 && lost_count_bp == 0; }
  ResultFigures& operator+=(const ResultFigures& other);
  bool operator==(const ResultFigures&) const = default;
};

struct ResultRow {
  std::string key;  // region or product name; the person's or the team manager's id
  ResultFigures month;
  ResultFigures previous_month;
  ResultFigures same_month_last_year;
};

struct ResultsQuery {
  std::string month;  // "YYYY-MM"
  ResultsDimension by = ResultsDimension::kRegion;
  // When set, only these people's parts count, in rows and totals (an org subtree).
  std::optional<std::unordered_set<Id>> people;
  // The rows a viewer may see for person and team breakdowns; nullopt: every row.
  std::optional<std::unordered_set<Id>> visible_people;
};

struct Results {
  std::vector<ResultRow> rows;  // by won amount, then key
  ResultRow totals;             // key empty
};

class MonthlyResults {
 public:
  explicit MonthlyResults(ExchangeRates rates) : rates_(std::move(rates)) {}

  // Replaces `before`'s contribution with `after`'s (either may be absent).
  void Apply(const std::optional<Deal>& before, const std::optional<Deal>& after) EXCLUDES(mu_);
  // `manager_of` names a person's manager for team rows (nullopt: no team).
  Results Compile(const ResultsQuery& query,
                  const std::function<std::optional<Id>(Id)>& manager_of) const EXCLUDES(mu_);
  const Currency& reporting() const { return rates_.reporting(); }

 private:
  // One member's part of one deal in a month, by region and product.
  struct CellKey {
    Id person = 0;
    uint32_t region = 0;   // interned
    uint32_t product = 0;  // interned
    bool operator==(const CellKey&) const = default;
  };
  struct CellKeyHash {
    size_t operator()(const CellKey& k) const {
      return std::hash<Id>()(k.person) ^ (size_t{k.region} << 20) ^ (size_t{k.product} << 40);
    }
  };
  using Month = std::unordered_map<CellKey, ResultFigures, CellKeyHash>;

  void Add(const Deal& deal, int sign) REQUIRES(mu_);
  uint32_t Intern(const std::string& name) REQUIRES(mu_);
  Results CompileLocked(const ResultsQuery& query,
                        const std::function<std::optional<Id>(Id)>& manager_of) const REQUIRES(mu_);

  mutable Mutex mu_;
  const ExchangeRates rates_;  // new rates make a new engine
  std::map<std::string, Month> months_ GUARDED_BY(mu_);
  std::vector<std::string> names_ GUARDED_BY(mu_);
  std::unordered_map<std::string, uint32_t> name_ids_ GUARDED_BY(mu_);
};

// "YYYY-MM" one month before, and twelve months before.
std::string PreviousMonth(std::string_view month);
std::string SameMonthLastYear(std::string_view month);
// Whether `text` is a month "YYYY-MM" that exists.
bool IsIsoMonth(std::string_view text);

}  // namespace agora::sales
