// Monthly results over a national sales network: 100,000 people (10 regional directors, 1,000
// managers, reps under them) and 1,000,000 closed deals over twelve months, a fifth of them
// shared by two reps. Prints one line of key=value results:
//   build_s        DealEventsRelay::Load and ReportingService::Start(): the deals read from the
//                  store, the engine built from them
//   <by>_p50_ms, <by>_p99_ms   ReportingService::Monthly for one month, as an admin, over
//                  300 calls, for by = region, product, team, person
//   groupby_p50_ms, groupby_p99_ms   the region answer (month, previous month, last year) by
//                  SQLite GROUP BY queries on the same store, the comparator (30 calls)
//
//   results_bench DIR    (DIR: a folder for the store, filled on the first run: a few minutes;
//                         later runs reuse it)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "profiles/user_repository.h"
#include "services/deal_events_relay.h"
#include "services/reporting_service.h"
#include "storage/rows.h"
#include "storage/store.h"

namespace {

using agora::Id;
using SteadyClock = std::chrono::steady_clock;

constexpr int kPeople = 100'000;
constexpr int kDirectors = 10;
constexpr int kManagers = 1'000;
constexpr int kDeals = 1'000'000;
constexpr int kRuns = 300;
constexpr int kComparatorRuns = 30;  // about a second each

const char* const kRegions[] = {"Île-de-France",    "Auvergne-Rhône-Alpes",
                                "Occitanie",        "Nouvelle-Aquitaine",
                                "Hauts-de-France",  "Grand Est",
                                "Bretagne",         "Normandie",
                                "Pays de la Loire", "PACA"};
const char* const kProducts[] = {"Cloud", "Payments", "Analytics", "Security", "Support"};

agora::Status Fill(agora::storage::Store& store) {
  return store.write([](agora::storage::Connection& c) -> agora::Status {
    for (Id id = 1; id <= kPeople; ++id) {
      std::optional<Id> manager;
      if (id > kDirectors && id <= kDirectors + kManagers) manager = 1 + (id % kDirectors);
      if (id > kDirectors + kManagers) manager = kDirectors + 1 + (id % kManagers);
      std::string name = "person" + std::to_string(id);
      AGORA_RETURN_IF_ERROR(agora::storage::Run(
          c,
          "INSERT INTO users (id, username, email, display_name, password_hash, role, "
          "manager_id, created_at, updated_at) VALUES (?, ?, ?, ?, '', 'member', ?, 0, 0)",
          id, name, name + "@example.com", name, manager));
    }
    std::mt19937_64 rng(20261202);
    std::uniform_int_distribution<Id> rep(kDirectors + kManagers + 1, kPeople);
    for (Id id = 1; id <= kDeals; ++id) {
      Id owner = rep(rng);
      int month = 1 + static_cast<int>(rng() % 12);
      char closed_on[16];
      std::snprintf(closed_on, sizeof closed_on, "2026-%02d-%02d", month,
                    1 + static_cast<int>(rng() % 28));
      bool won = rng() % 100 < 40;
      AGORA_RETURN_IF_ERROR(agora::storage::Run(
          c,
          "INSERT INTO sales_deals (id, owner_id, customer, sector, product, region, "
          "amount_minor, currency, outcome, closed_on, new_customer, created_by, created_at, "
          "updated_at) VALUES (?, ?, 'Customer', 'retail', ?, ?, ?, 'EUR', ?, ?, ?, ?, 0, 0)",
          id, owner, kProducts[rng() % 5], kRegions[owner % 10],
          static_cast<int64_t>(100'000 + rng() % 10'000'000), won ? "won" : "lost",
          std::string(closed_on), static_cast<int64_t>(rng() % 4 == 0), owner));
      bool shared = rng() % 5 == 0;
      Id partner = rep(rng);
      if (shared && partner != owner) {
        AGORA_RETURN_IF_ERROR(agora::storage::Run(
            c,
            "INSERT INTO sales_deal_team (deal_id, user_id, share_bp) VALUES (?, ?, 6000), "
            "(?, ?, 4000)",
            id, owner, id, partner));
      } else {
        AGORA_RETURN_IF_ERROR(agora::storage::Run(
            c, "INSERT INTO sales_deal_team (deal_id, user_id, share_bp) VALUES (?, ?, 10000)", id,
            owner));
      }
    }
    return agora::Status::Ok();
  });
}

struct Percentiles {
  double p50_ms = 0;
  double p99_ms = 0;
};

template <typename Fn>
Percentiles Measure(int runs, Fn&& fn) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto start = SteadyClock::now();
    fn();
    ms.push_back(std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[ms.size() * 99 / 100]};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: results_bench DIR\n");
    return 2;
  }
  agora::storage::StoreOptions options;
  options.path = std::string(argv[1]) + "/agora.db";
  // A store left by an earlier run is used as it is: filling takes most of a run.
  bool filled = std::filesystem::exists(options.path);
  auto store = agora::storage::Store::Open(options);
  if (!store.ok() || (!filled && !Fill(**store).ok())) {
    std::fprintf(stderr, "could not fill the store\n");
    return 1;
  }
  const agora::Clock& clock = agora::SystemClock::instance();
  agora::profiles::UserRepository users(**store, clock);
  agora::services::DealEventsRelay events;
  agora::services::ReportingService reporting(**store, users, clock, events);
  events.Attach(reporting);
  auto start = SteadyClock::now();
  if (!events.Load(**store).ok() || !reporting.Start().ok()) return 1;
  std::printf("build_s=%.2f", std::chrono::duration<double>(SteadyClock::now() - start).count());

  agora::Viewer admin{1, true, false};
  for (auto by : {agora::sales::ResultsDimension::kRegion, agora::sales::ResultsDimension::kProduct,
                  agora::sales::ResultsDimension::kTeam, agora::sales::ResultsDimension::kPerson}) {
    auto p = Measure(kRuns, [&] {
      agora::services::MonthlyRequest request;
      request.month = "2026-11";
      request.by = by;
      auto report = reporting.Monthly(admin, request);
      if (!report.ok() || report->results.rows.empty()) std::abort();
    });
    std::printf(" %s_p50_ms=%.2f %s_p99_ms=%.2f", agora::sales::DimensionName(by), p.p50_ms,
                agora::sales::DimensionName(by), p.p99_ms);
  }
  auto groupby = Measure(kComparatorRuns, [&] {
    auto status = (*store)->read([](agora::storage::Connection& c) -> agora::Status {
      for (const char* month : {"2026-11", "2026-10", "2025-11"}) {
        int64_t rows = 0;
        AGORA_RETURN_IF_ERROR(agora::storage::ForEachRow(
            c,
            "SELECT region, sum(outcome = 'won'), sum(CASE WHEN outcome = 'won' THEN amount_minor "
            "ELSE 0 END), sum(outcome = 'lost'), sum(outcome = 'won' AND new_customer) "
            "FROM sales_deals WHERE closed_on BETWEEN ? AND ? GROUP BY region",
            [&](agora::storage::Statement&) { ++rows; }, std::string(month) + "-01",
            std::string(month) + "-31"));
      }
      return agora::Status::Ok();
    });
    if (!status.ok()) std::abort();
  });
  std::printf(" groupby_p50_ms=%.2f groupby_p99_ms=%.2f\n", groupby.p50_ms, groupby.p99_ms);
  return 0;
}
