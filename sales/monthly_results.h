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
#include <map>
#include <memory>
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
  // The page of rows wanted, in the rows' order.
  size_t offset = 0;
  size_t limit = 100;
  // When set, only these people's parts count, in rows and totals (an org subtree).
  std::optional<std::unordered_set<Id>> people;
  // The rows a viewer may see for person and team breakdowns; nullopt: every row.
  std::optional<std::unordered_set<Id>> visible_people;
};

struct Results {
  std::vector<ResultRow> rows;  // the page asked for, by won amount, then key
  size_t total_rows = 0;        // rows on every page
  ResultRow totals;             // key empty
};

class MonthlyResults {
 public:
  explicit MonthlyResults(ExchangeRates rates) : rates_(std::move(rates)) {}

  // Replaces `before`'s contribution with `after`'s (either may be absent).
  void Apply(const std::optional<Deal>& before, const std::optional<Deal>& after) EXCLUDES(mu_);
  Results Compile(const ResultsQuery& query) const EXCLUDES(mu_);

  // Who manages whom, for team rows (a person absent from the map has no team), with the
  // org chart version it was read at. Team figures are regrouped at once.
  using Managers = std::unordered_map<Id, Id>;
  void SetManagers(std::shared_ptr<const Managers> managers, uint64_t version) EXCLUDES(mu_);
  // The version given with the managers in use; nullopt before any.
  std::optional<uint64_t> managers_version() const EXCLUDES(mu_);
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
  using Figures = std::unordered_map<int64_t, ResultFigures>;
  // A month's figures, kept ready for the common questions (national rows by region, product
  // or person, and totals); the cells answer the rest (a subtree's region and product rows).
  struct Month {
    std::unordered_map<CellKey, ResultFigures, CellKeyHash> cells;
    Figures by_region;   // whole deals, by interned region
    Figures by_product;  // whole deals, by interned product
    Figures by_person;   // members' parts, by person
    Figures by_team;     // members' parts, by their manager (see SetManagers)
    ResultFigures totals;
  };

  void Add(const Deal& deal, int sign) REQUIRES(mu_);
  uint32_t Intern(const std::string& name) REQUIRES(mu_);
  // `month`'s figures by the query's rows, for the people it counts; `direct` is set instead
  // when a kept map already is the answer.
  Figures Fold(const Month& month, const ResultsQuery& query, const Figures** direct) const
      REQUIRES(mu_);
  std::optional<Id> ManagerOf(Id person) const REQUIRES(mu_);
  // The month named "YYYY-MM", or an empty one.
  const Month& MonthOf(const std::string& key) const REQUIRES(mu_);

  mutable Mutex mu_;
  const ExchangeRates rates_;  // new rates make a new engine
  std::map<std::string, Month> months_ GUARDED_BY(mu_);
  std::shared_ptr<const Managers> managers_ GUARDED_BY(mu_);
  std::optional<uint64_t> managers_version_ GUARDED_BY(mu_);
  std::vector<std::string> names_ GUARDED_BY(mu_);
  std::unordered_map<std::string, uint32_t> name_ids_ GUARDED_BY(mu_);
};

// "YYYY-MM" one month before, and twelve months before.
std::string PreviousMonth(std::string_view month);
std::string SameMonthLastYear(std::string_view month);
// Whether `text` is a month "YYYY-MM" that exists.
bool IsIsoMonth(std::string_view text);

}  // namespace agora::sales
