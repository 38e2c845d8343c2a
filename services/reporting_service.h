// ReportingService: the company's reporting currency and monthly rates, and monthly results
// compiled from an in-memory engine that every committed deal change updates (DealEvents),
// whichever node committed it (services/deal_events_relay.h).
//
// Thread-safe. Queries and settings block on SQLite: call them from worker threads. The
// DealEvents methods run under the relay's lock (services/deal_events.h).
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/mutex.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "sales/monthly_results.h"
#include "services/deal_events_relay.h"
#include "storage/store.h"

namespace agora::services {

struct CurrencySettings {
  std::string reporting_currency;
  std::string month;                     // the month whose rates were set
  std::map<std::string, int64_t> rates;  // currency -> millionths of the reporting currency
};

struct MonthlyRequest {
  std::optional<std::string> month;  // "YYYY-MM"; the current month when absent
  sales::ResultsDimension by = sales::ResultsDimension::kRegion;
  std::optional<Id> org_root;
  size_t offset = 0;  // the page of rows
  size_t limit = 100;
};

struct MonthlyReport {
  sales::Currency currency;  // the reporting currency every amount is in
  std::string month;
  sales::ResultsDimension by = sales::ResultsDimension::kRegion;
  sales::Results results;
  std::optional<size_t> next_offset;  // where the next page of rows starts, when there is one
  // For person and team rows: the people their keys name.
  std::unordered_map<Id, profiles::UserSummary> people;
};

class ReportingService final : public DealEvents {
 public:
  // Every reference must outlive the service. `deal_events` hears of rate changes (this
  // service among its engines). Call Start() before serving.
  ReportingService(storage::Store& store, profiles::UserRepository& users, const Clock& clock,
                   DealEventsRelay& deal_events);

  // Builds the results engine from the deals the relay holds (loaded first: Load), at the
  // stored rates.
  Status Start();

  // Admins only. Sets the reporting currency and replaces one month's rates; the results are
  // converted again. kUnprocessable "invalid_currency", "invalid_month", "invalid_rate".
  Result<CurrencySettings> SetCurrency(const Viewer& viewer, const std::string& reporting,
                                       const std::string& month,
                                       const std::map<std::string, std::string>& rates);
  // The reporting currency and the rates of `month` (anyone signed in).
  Result<CurrencySettings> Currency(const std::string& month);

  // Another node changed the currency or rates (its outbox entry): the engines convert again
  // at the rates stored now. On the outbox tailer's thread.
  Status ApplyRemoteRates();

  // One month's results by region, team, product or person (kInvalidArgument "invalid_month"
  // for a month not written YYYY-MM). Everyone sees national totals
  // and region and product rows; person and team rows cover the people whose deals the viewer may
  // see (themselves and everyone under them; everyone for sales ops and admins). `org_root` narrows
  // rows and totals to that person and everyone under them: the viewer, someone under them, or
  // anyone for sales ops and admins (kPermissionDenied "org_root_not_visible" otherwise).
  Result<MonthlyReport> Monthly(const Viewer& viewer, const MonthlyRequest& request);

  void DealChanged(const DealChange& change) override;
  void RatesChanged(const sales::ExchangeRates& rates, const CountedDeals& deals) override;

 private:
  std::shared_ptr<sales::MonthlyResults> engine() const EXCLUDES(mu_);
  // Gives `engine` the org chart as it is now, unless it has this version already.
  Status RefreshManagers(sales::MonthlyResults& engine);
  Result<std::shared_ptr<sales::MonthlyResults>> Build(sales::ExchangeRates rates,
                                                       const CountedDeals& deals);
  // Reads the rates and tells the engines, one caller at a time: two callers cannot tell the
  // older rates last.
  Status TellRates() EXCLUDES(rates_mu_);

  // Constant after construction.
  storage::Store& store_;
  profiles::UserRepository& users_;
  const Clock& clock_;
  DealEventsRelay& deal_events_;

  Mutex rates_mu_;  // held while rates are read and told
  mutable Mutex mu_;
  std::shared_ptr<sales::MonthlyResults> engine_ GUARDED_BY(mu_);
};

}  // namespace agora::services
