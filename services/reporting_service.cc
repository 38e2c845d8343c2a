#include "services/reporting_service.h"

#include <spdlog/spdlog.h>

#include <unordered_set>

#include "core/logfmt.h"
#include "sales/rates_repository.h"
#include "storage/outbox.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

bool Privileged(const Viewer& viewer) { return viewer.is_admin || viewer.is_sales_ops; }

Status InvalidMonth() {
  return Status::InvalidArgument("invalid_month", "month must be written YYYY-MM");
}

}  // namespace

ReportingService::ReportingService(storage::Store& store, profiles::UserRepository& users,
                                   const Clock& clock, DealEventsRelay& deal_events)
    : store_(store), users_(users), clock_(clock), deal_events_(deal_events) {}

Result<std::shared_ptr<sales::MonthlyResults>> ReportingService::Build(sales::ExchangeRates rates,
                                                                       const CountedDeals& deals) {
  auto engine = std::make_shared<sales::MonthlyResults>(std::move(rates));
  for (const auto& [id, deal] : deals) engine->Apply(std::nullopt, deal);
  AGORA_RETURN_IF_ERROR(RefreshManagers(*engine));
  return engine;
}

Status ReportingService::Start() {
  Status built;
  deal_events_.Build([&](const CountedDeals& deals) {
    // Read under the relay's lock: a rate change told meanwhile waits and converts again.
    auto rates = store_.read([](storage::Connection& c) { return sales::LoadRates(c); });
    if (!rates.ok()) {
      built = rates.status();
      return;
    }
    auto engine = Build(std::move(*rates), deals);
    if (!engine.ok()) {
      built = engine.status();
      return;
    }
    MutexLock lock(&mu_);
    engine_ = std::move(*engine);
  });
  return built;
}

std::shared_ptr<sales::MonthlyResults> ReportingService::engine() const {
  MutexLock lock(&mu_);
  return engine_;
}

Status ReportingService::RefreshManagers(sales::MonthlyResults& engine) {
  uint64_t version = users_.org_chart_version();  // before the read: a change meanwhile shows
  if (engine.managers_version() == version) return Status::Ok();
  auto managers = std::make_shared<sales::MonthlyResults::Managers>();
  AGORA_RETURN_IF_ERROR(store_.read([&](storage::Connection& c) {
    return storage::ForEachRow(
        c, "SELECT id, manager_id FROM users WHERE manager_id IS NOT NULL",
        [&](storage::Statement& s) { managers->emplace(s.column_int64(0), s.column_int64(1)); });
  }));
  engine.SetManagers(std::move(managers), version);
  return Status::Ok();
}

void ReportingService::DealChanged(const DealChange& change) {
  if (auto current = engine()) current->Apply(change.before, change.after);
}

void ReportingService::RatesChanged(const sales::ExchangeRates& rates, const CountedDeals& deals) {
  // Under the relay's lock: no deal change is told while the engine is built again, so it
  // misses none and counts none twice. Rates change a few times a month.
  auto rebuilt = Build(rates, deals);
  if (!rebuilt.ok()) {
    // The old figures stay until the next rate change or restart: say so, not silently.
    spdlog::error("event=results_rebuild_failed message={}", LogValue(rebuilt.status().message()));
    return;
  }
  MutexLock lock(&mu_);
  engine_ = std::move(*rebuilt);
}

Result<CurrencySettings> ReportingService::SetCurrency(
    const Viewer& viewer, const std::string& reporting, const std::string& month,
    const std::map<std::string, std::string>& rates) {
  if (!viewer.is_admin) return Status::PermissionDenied("only admins set currencies and rates");
  auto currency = sales::FindCurrency(reporting);
  if (!currency) {
    return Status::Unprocessable(
        "invalid_currency", "reporting_currency '" + reporting + "' is not a known ISO 4217 code");
  }
  if (!sales::IsIsoMonth(month)) {
    return Status::Unprocessable("invalid_month", "month must be written YYYY-MM");
  }
  CurrencySettings settings{reporting, month, {}};
  for (const auto& [code, text] : rates) {
    if (!sales::FindCurrency(code) || code == reporting) {
      return Status::Unprocessable("invalid_currency",
                                   "a rate is for a known ISO 4217 code other than the reporting "
                                   "currency, not '" +
                                       code + "'");
    }
    AGORA_ASSIGN_OR_RETURN(settings.rates[code], sales::ParseRateMicros(text));
  }
  AGORA_RETURN_IF_ERROR(store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_RETURN_IF_ERROR(sales::SaveRates(tx.connection(), *currency, month, settings.rates));
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(tx.connection(), storage::OutboxTopic::kRates, 0));
    tx.AfterCommitInOrder([this] {
      // The rates as stored now: another node's change may have committed since.
      if (Status told = TellRates(); !told.ok()) {
        spdlog::error("event=rates_tell_failed message={}", LogValue(told.message()));
      }
    });
    return Status::Ok();
  }));
  return settings;
}

Status ReportingService::TellRates() {
  MutexLock lock(&rates_mu_);
  AGORA_ASSIGN_OR_RETURN(auto rates,
                         store_.read([](storage::Connection& c) { return sales::LoadRates(c); }));
  deal_events_.RatesStored(rates);
  return Status::Ok();
}

Status ReportingService::ApplyRemoteRates() { return TellRates(); }

Result<CurrencySettings> ReportingService::Currency(const std::string& month) {
  if (!sales::IsIsoMonth(month)) return InvalidMonth();
  AGORA_ASSIGN_OR_RETURN(auto rates,
                         store_.read([](storage::Connection& c) { return sales::LoadRates(c); }));
  CurrencySettings settings{std::string(rates.reporting().code), month, {}};
  if (auto found = rates.rates().find(month); found != rates.rates().end()) {
    settings.rates.insert(found->second.begin(), found->second.end());
  }
  return settings;
}

Result<MonthlyReport> ReportingService::Monthly(const Viewer& viewer,
                                                const MonthlyRequest& request) {
  std::string month = request.month.value_or(sales::IsoDate(clock_.now_ms()).substr(0, 7));
  if (!sales::IsIsoMonth(month)) return InvalidMonth();
  const auto by = request.by;
  const auto& org_root = request.org_root;
  sales::ResultsQuery query;
  query.month = month;
  query.by = by;
  query.offset = request.offset;
  query.limit = request.limit;
  AGORA_RETURN_IF_ERROR(store_.read([&](storage::Connection& c) -> Status {
    if (org_root) {
      AGORA_ASSIGN_OR_RETURN(bool exists, profiles::UserExists(c, *org_root));
      if (!exists) return Status::NotFound("no such person");
      if (!Privileged(viewer) && *org_root != viewer.user_id) {
        AGORA_ASSIGN_OR_RETURN(bool above, profiles::IsAbove(c, viewer.user_id, *org_root));
        if (!above) {
          return Status(StatusCode::kPermissionDenied, "org_root_not_visible",
                        "results under someone outside your part of the org chart are not yours "
                        "to see");
        }
      }
      AGORA_ASSIGN_OR_RETURN(auto under, profiles::PeopleUnder(c, *org_root));
      query.people.emplace(under.begin(), under.end());
      query.people->insert(*org_root);
    }
    bool per_person =
        by == sales::ResultsDimension::kPerson || by == sales::ResultsDimension::kTeam;
    if (per_person && !Privileged(viewer)) {
      AGORA_ASSIGN_OR_RETURN(auto under, profiles::PeopleUnder(c, viewer.user_id));
      query.visible_people.emplace(under.begin(), under.end());
      query.visible_people->insert(viewer.user_id);
    }
    return Status::Ok();
  }));
  auto current = engine();
  if (!current) return Status::Unavailable("results are being compiled");
  if (by == sales::ResultsDimension::kTeam) AGORA_RETURN_IF_ERROR(RefreshManagers(*current));
  MonthlyReport report{current->reporting(), month, by, {}, {}, {}};
  report.results = current->Compile(query);
  if (request.offset + request.limit < report.results.total_rows) {
    report.next_offset = request.offset + request.limit;
  }
  if (by == sales::ResultsDimension::kPerson || by == sales::ResultsDimension::kTeam) {
    std::vector<Id> ids;
    for (const auto& row : report.results.rows) ids.push_back(std::stoll(row.key));
    AGORA_ASSIGN_OR_RETURN(auto summaries, users_.Summaries(ids));
    for (auto& summary : summaries) report.people.emplace(summary.id, std::move(summary));
  }
  return report;
}

}  // namespace agora::services
