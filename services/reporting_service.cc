#include "services/reporting_service.h"

#include <spdlog/spdlog.h>

#include <unordered_set>

#include "core/logfmt.h"
#include "sales/rates_repository.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

// Every closed deal with its team, one row per member, grouped by deal.
constexpr char kClosedDealsWithTeams[] =
    "SELECT d.id, d.owner_id, d.region, d.product, d.amount_minor, d.currency, d.outcome, "
    "d.closed_on, d.new_customer, t.user_id, t.share_bp FROM sales_deals d "
    "JOIN sales_deal_team t ON t.deal_id = d.id WHERE d.outcome != 'open' ORDER BY d.id";

bool Privileged(const Viewer& viewer) { return viewer.is_admin || viewer.is_sales_ops; }

Status InvalidMonth() {
  return Status::InvalidArgument("invalid_month", "month must be written YYYY-MM");
}

}  // namespace

ReportingService::ReportingService(storage::Store& store, profiles::UserRepository& users,
                                   const Clock& clock, DealEvents& deal_events)
    : store_(store), users_(users), clock_(clock), deal_events_(deal_events) {}

Result<std::shared_ptr<sales::MonthlyResults>> ReportingService::Build(sales::ExchangeRates rates) {
  auto engine = std::make_shared<sales::MonthlyResults>(std::move(rates));
  AGORA_RETURN_IF_ERROR(store_.read([&](storage::Connection& c) -> Status {
    std::optional<sales::Deal> deal;
    AGORA_RETURN_IF_ERROR(storage::ForEachRow(c, kClosedDealsWithTeams, [&](storage::Statement& s) {
      Id id = s.column_int64(0);
      if (!deal || deal->id != id) {
        if (deal) engine->Apply(std::nullopt, deal);
        deal.emplace();
        deal->id = id;
        deal->owner_id = s.column_int64(1);
        deal->region = s.column_text(2);
        deal->product = s.column_text(3);
        deal->amount_minor = s.column_int64(4);
        deal->currency = s.column_text(5);
        deal->outcome = sales::ParseOutcome(s.column_text(6)).value_or(sales::Outcome::kOpen);
        deal->closed_on = s.column_text(7);
        deal->new_customer = s.column_int64(8) != 0;
      }
      deal->team.push_back({s.column_int64(9), static_cast<int>(s.column_int64(10))});
    }));
    if (deal) engine->Apply(std::nullopt, deal);
    return Status::Ok();
  }));
  AGORA_RETURN_IF_ERROR(RefreshManagers(*engine));
  return engine;
}

Status ReportingService::Start() {
  AGORA_ASSIGN_OR_RETURN(auto rates,
                         store_.read([](storage::Connection& c) { return sales::LoadRates(c); }));
  AGORA_ASSIGN_OR_RETURN(auto engine, Build(std::move(rates)));
  MutexLock lock(&mu_);
  engine_ = std::move(engine);
  return Status::Ok();
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

void ReportingService::RatesChanged(const sales::ExchangeRates& rates) {
  // On the writer thread: no deal can commit while the store is read again, so the new engine
  // misses no change and counts none twice. Rates change a few times a month.
  auto rebuilt = Build(rates);
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
    AGORA_ASSIGN_OR_RETURN(auto all, sales::LoadRates(tx.connection()));
    tx.AfterCommitInOrder([this, all = std::move(all)] { deal_events_.RatesChanged(all); });
    return Status::Ok();
  }));
  return settings;
}

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
