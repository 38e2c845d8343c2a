// Campaign leaderboard benchmark (issue 11): a campaign over 100,000 reps and 1,000,000 deals.
//
//   leaderboard_bench DIR [participants] [deals]
//
// Writes the org, the deals and the campaign into DIR/agora.db (a data folder `agora serve`
// can open: the HTTP half of the benchmark runs wrk against it, see bench/leaderboard_bench.sh),
// then measures in one run:
//  - the in-memory leaderboard: its build from SQLite, reads of a page of 20 with `me`, and
//    incremental updates (a deal's share moving);
//  - the same read answered by one SQLite GROUP BY query per read (the ranking needs every
//    participant's sum, so the query aggregates the whole campaign each time).
// Amounts are multiples of 10 minor units, so every share (0.6, 0.4, 1) is exact and the
// engine's per-month rounding and the query's single rounding agree. Prints key=value lines. The
// participant "bench.rep" has the password "bench-password-1".
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "profiles/password.h"
#include "sales/campaign_repository.h"
#include "sales/leaderboard.h"
#include "storage/rows.h"
#include "storage/store.h"

namespace {

using agora::Id;
using agora::Status;
using Clock = std::chrono::steady_clock;
namespace sales = agora::sales;
namespace storage = agora::storage;

constexpr Id kCampaignId = 1;
constexpr Id kFirstRep = 1000;
constexpr int kTeamSize = 10;
const char* const kRegions[] = {"north", "south", "east", "west", "centre"};
const char* const kProducts[] = {"fiber", "mobile", "cloud", "security"};

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return values[static_cast<size_t>(p * static_cast<double>(values.size() - 1))];
}

Status Populate(storage::Connection& c, int reps, int deals, const std::string& hash) {
  auto user = [&](Id id, std::optional<Id> manager, const std::string& username,
                  const std::string& password_hash) {
    return storage::Run(c,
                        "INSERT INTO users (id, username, email, display_name, password_hash, "
                        "role, manager_id, created_at, updated_at) VALUES (?1, ?2, ?2 || "
                        "'@bench.example', ?2, ?3, 'member', ?4, 0, 0)",
                        id, username, password_hash, manager);
  };
  AGORA_RETURN_IF_ERROR(user(1, std::nullopt, "bench.head", "x"));
  int teams = reps / kTeamSize;
  for (int t = 0; t < teams; ++t) {
    AGORA_RETURN_IF_ERROR(user(2 + t + reps + kFirstRep, Id{1}, "mgr" + std::to_string(t), "x"));
  }
  for (int r = 0; r < reps; ++r) {
    Id manager = 2 + (r / kTeamSize) % teams + reps + kFirstRep;
    AGORA_RETURN_IF_ERROR(user(kFirstRep + r, manager,
                               r == 0 ? "bench.rep" : "rep" + std::to_string(r),
                               r == 0 ? hash : "x"));
  }
  sales::Campaign campaign;
  campaign.id = kCampaignId;
  campaign.name = "Bench push";
  campaign.starts_on = "2026-01-01";
  campaign.ends_on = "2026-12-31";
  campaign.metric = sales::Metric::kWonAmount;
  campaign.target = 5'000'000;
  campaign.visibility = sales::CampaignVisibility::kCompany;
  campaign.created_by = 1;
  std::vector<Id> participants;
  for (int r = 0; r < reps; ++r) participants.push_back(kFirstRep + r);
  AGORA_RETURN_IF_ERROR(sales::InsertCampaign(c, campaign, participants));

  std::mt19937_64 rng(20261122);
  for (int d = 0; d < deals; ++d) {
    Id id = 10'000'000 + d;
    Id owner = kFirstRep + static_cast<Id>(rng() % reps);
    bool shared = rng() % 4 == 0;
    bool won = rng() % 3 != 0;
    char closed_on[16];
    std::snprintf(closed_on, sizeof closed_on, "2026-%02d-%02d", static_cast<int>(1 + rng() % 12),
                  static_cast<int>(1 + rng() % 28));
    AGORA_RETURN_IF_ERROR(storage::Run(
        c,
        "INSERT INTO sales_deals (id, owner_id, customer, sector, product, region, amount_minor, "
        "currency, outcome, closed_on, new_customer, created_by, created_at, updated_at) VALUES "
        "(?, ?, 'ACME', 'retail', ?, ?, ?, 'EUR', ?, ?, 0, ?, 0, 0)",
        id, owner, kProducts[rng() % 4], kRegions[rng() % 5],
        static_cast<int64_t>(10'000 + rng() % 1'000'000) * 10, won ? "won" : "lost",
        std::string(closed_on), owner));
    Id partner = kFirstRep + static_cast<Id>(rng() % reps);
    bool with_partner = shared && partner != owner;
    AGORA_RETURN_IF_ERROR(
        storage::Run(c, "INSERT INTO sales_deal_team (deal_id, user_id, share_bp) VALUES (?, ?, ?)",
                     id, owner, int64_t{with_partner ? 6000 : 10'000}));
    if (with_partner) {
      AGORA_RETURN_IF_ERROR(storage::Run(
          c, "INSERT INTO sales_deal_team (deal_id, user_id, share_bp) VALUES (?, ?, 4000)", id,
          partner));
    }
  }
  return Status::Ok();
}

// The page and `me` from one GROUP BY over the campaign's deals: every participant's sum,
// ranked, then the first 20 and the caller's rank.
struct SqlAnswer {
  std::vector<std::pair<Id, int64_t>> top;
  int64_t me_rank = 0;
};
SqlAnswer ReadWithGroupBy(storage::Connection& c, Id me) {
  std::vector<std::pair<Id, int64_t>> all;
  auto status = storage::ForEachRow(
      c,
      "SELECT p.user_id, coalesce(sum(CASE WHEN d.outcome = 'won' THEN d.amount_minor * "
      "t.share_bp END), 0) AS weighted FROM sales_campaign_participants p "
      "LEFT JOIN sales_deal_team t ON t.user_id = p.user_id "
      "LEFT JOIN sales_deals d ON d.id = t.deal_id AND d.closed_on BETWEEN ?2 AND ?3 "
      "WHERE p.campaign_id = ?1 GROUP BY p.user_id ORDER BY weighted DESC, p.user_id",
      [&](storage::Statement& s) {
        all.emplace_back(s.column_int64(0), (s.column_int64(1) + 5000) / 10'000);
      },
      kCampaignId, std::string("2026-01-01"), std::string("2026-12-31"));
  if (!status.ok()) std::cerr << status.message() << "\n";
  SqlAnswer out;
  out.top.assign(all.begin(), all.begin() + std::min<size_t>(20, all.size()));
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i].first != me) continue;
    size_t first = i;
    while (first > 0 && all[first - 1].second == all[i].second) --first;
    out.me_rank = static_cast<int64_t>(first) + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: leaderboard_bench DIR [participants] [deals]\n";
    return 2;
  }
  std::string dir = argv[1];
  int reps = argc > 2 ? std::stoi(argv[2]) : 100'000;
  int deals = argc > 3 ? std::stoi(argv[3]) : 1'000'000;
  std::filesystem::create_directories(dir);
  storage::StoreOptions options;
  options.path = dir + "/agora.db";
  options.synchronous = "NORMAL";
  auto store = storage::Store::Open(options);
  if (!store.ok()) {
    std::cerr << store.status().message() << "\n";
    return 1;
  }
  auto hash =
      agora::profiles::HashPassword("bench-password-1", agora::profiles::PasswordCost::Minimum());
  auto start = Clock::now();
  Status populated =
      (*store)->write([&](storage::Connection& c) { return Populate(c, reps, deals, *hash); });
  if (!populated.ok()) {
    std::cerr << populated.message() << "\n";
    return 1;
  }
  std::cout << "populate_s=" << Seconds(start) << "\n";

  // The engine, built as CampaignService::Load builds it.
  start = Clock::now();
  auto campaign =
      (*store)->read([](storage::Connection& c) { return sales::FindCampaign(c, kCampaignId); });
  std::vector<sales::LeaderboardParticipant> participants;
  for (int r = 0; r < reps; ++r) participants.push_back({kFirstRep + r, std::nullopt});
  sales::Leaderboard board(*campaign, participants, sales::ExchangeRates(), 0);
  std::vector<sales::Deal> loaded;
  Status scanned = (*store)->read([&](storage::Connection& c) {
    return sales::ForEachClosedDeal(c, campaign->starts_on, campaign->ends_on,
                                    [&](const sales::Deal& deal) {
                                      board.Add(deal);
                                      if (loaded.size() < 10'000) loaded.push_back(deal);
                                    });
  });
  if (!scanned.ok()) return 1;
  board.Top(0);  // sorts
  std::cout << "build_s=" << Seconds(start) << "\n";

  std::mt19937_64 rng(7);
  auto random_rep = [&] { return kFirstRep + static_cast<Id>(rng() % reps); };
  // Engine reads: a page of 20 with `me`.
  std::vector<double> engine_us;
  start = Clock::now();
  const int engine_reads = 200'000;
  for (int i = 0; i < engine_reads; ++i) {
    auto t = Clock::now();
    auto page = board.Read(sales::Grouping::kPerson, 20, std::nullopt, random_rep(), 0);
    engine_us.push_back(Seconds(t) * 1e6);
    if (!page.ok() || page->items.size() != 20 || !page->me) return 1;
  }
  double engine_rps = engine_reads / Seconds(start);
  std::cout << "engine_reads_per_s=" << engine_rps
            << " engine_read_p50_us=" << Percentile(engine_us, 0.5)
            << " engine_read_p99_us=" << Percentile(engine_us, 0.99) << "\n";

  // The same answer from SQLite, one GROUP BY per read.
  const int sql_reads = 5;
  std::vector<double> sql_ms;
  start = Clock::now();
  bool same = true;
  for (int i = 0; i < sql_reads; ++i) {
    Id me = random_rep();
    auto t = Clock::now();
    SqlAnswer answer =
        (*store)->read([&](storage::Connection& c) { return ReadWithGroupBy(c, me); });
    sql_ms.push_back(Seconds(t) * 1e3);
    auto page = board.Read(sales::Grouping::kPerson, 20, std::nullopt, me, 0);
    for (size_t k = 0; k < answer.top.size(); ++k) {
      same = same && page->items[k].user_id == answer.top[k].first &&
             page->items[k].value == answer.top[k].second;
    }
    same = same && page->me->rank == answer.me_rank;
  }
  double sql_rps = sql_reads / Seconds(start);
  std::cout << "groupby_reads_per_s=" << sql_rps
            << " groupby_read_p50_ms=" << Percentile(sql_ms, 0.5)
            << " same_answer=" << (same ? "yes" : "NO") << "\n";
  std::cout << "ratio=" << engine_rps / sql_rps << "\n";

  // Incremental updates: a deal moves from one rep's team to another's.
  std::vector<double> update_us;
  for (int i = 0; i < 20'000; ++i) {
    sales::Deal before = loaded[rng() % loaded.size()];
    sales::Deal after = before;
    after.team = {{random_rep(), sales::kWholeShare}};
    auto t = Clock::now();
    board.Apply(before, after, 0);
    board.Apply(after, before, 0);
    update_us.push_back(Seconds(t) * 1e6 / 2);
  }
  std::cout << "update_p50_us=" << Percentile(update_us, 0.5)
            << " update_p99_us=" << Percentile(update_us, 0.99) << "\n";
  std::cout << "campaign_id=" << kCampaignId << "\n";
  return same ? 0 : 1;
}
