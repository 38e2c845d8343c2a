// Deal import throughput: rows/s through the import path (CSV parsed, every row resolved,
// validated and upserted with its audit row, in transactions of 500 rows, as
// POST /api/v1/deals/import and `agora deals import` do) against a plain SQLite insert loop of
// the same rows (deal and team rows only, same batches, same store and durability settings),
// in one run. Prints "key=value" lines.
//
//   deal_import_bench [ROWS]     default 20,000 rows over 100 owners
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "app/application.h"
#include "bench/import_bench_support.h"
#include "server/deal_codec.h"
#include "storage/rows.h"

namespace {

using agora::Id;
using agora::bench::Clock;
using agora::bench::CpuSeconds;
using agora::bench::Seconds;

constexpr int kOwners = 100;
constexpr size_t kBatch = agora::services::DealService::kImportBatch;

struct Row {
  std::string external_id, owner, customer, amount, currency, outcome, closed_on;
  int64_t amount_minor = 0;
};

std::vector<Row> MakeRows(int count) {
  std::mt19937 rng(7);
  std::vector<Row> rows;
  for (int i = 0; i < count; ++i) {
    Row r;
    char id[32];
    std::snprintf(id, sizeof id, "CRM-%07d", i);
    r.external_id = id;
    r.owner = "rep" + std::to_string(rng() % kOwners);
    r.customer = "Customer " + std::to_string(i);
    int64_t cents = 500'000 + rng() % 40'000'000;
    r.amount = std::to_string(cents / 100) + "." + std::to_string(10 + cents % 90);
    r.amount_minor = (cents / 100) * 100 + 10 + cents % 90;
    r.currency = rng() % 5 == 0 ? "USD" : "EUR";
    int roll = static_cast<int>(rng() % 10);
    r.outcome = roll < 4 ? "won" : roll < 8 ? "lost" : "open";
    if (r.outcome != "open") r.closed_on = "2026-0" + std::to_string(1 + rng() % 9) + "-15";
    rows.push_back(std::move(r));
  }
  return rows;
}

std::string Csv(const std::vector<Row>& rows) {
  std::string csv =
      "external_id,owner,customer,sector,product,region,amount,currency,outcome,"
      "closed_on,new_customer,team\n";
  for (const auto& r : rows) {
    csv += r.external_id + "," + r.owner + "," + r.customer + ",retail,POS,North," + r.amount +
           "," + r.currency + "," + r.outcome + "," + r.closed_on + ",no,\n";
  }
  return csv;
}

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::stoi(argv[1]) : 20'000;
  std::vector<Row> rows = MakeRows(count);
  std::string csv = Csv(rows);
  std::string root = std::filesystem::temp_directory_path() / "agora-deal-import-bench";

  // The import path, from the CSV text to committed deals.
  auto app = agora::bench::OpenWithAccounts(root + "/import", kOwners);
  agora::Viewer admin{1, true, false};
  auto start = Clock::now();
  double cpu_start = CpuSeconds();
  auto parsed = agora::server::ParseDealImport(agora::server::ImportFormat::kCsv, csv);
  auto report = app->deals().Import(admin, *parsed, {});
  double import_s = Seconds(start);
  double import_cpu = CpuSeconds() - cpu_start;
  if (!report.ok() || report->created != count) {
    std::cerr << "import failed\n";
    return 1;
  }
  start = Clock::now();
  parsed = agora::server::ParseDealImport(agora::server::ImportFormat::kCsv, csv);
  auto again = app->deals().Import(admin, *parsed, {});
  double reimport_s = Seconds(start);
  if (!again.ok() || again->unchanged != count) return 1;
  app.reset();

  // The plain loop: the same rows as prepared inserts, in the same batches of one transaction.
  auto plain = agora::bench::OpenWithAccounts(root + "/plain", kOwners);
  start = Clock::now();
  cpu_start = CpuSeconds();
  Id next_id = 1000;
  for (size_t from = 0; from < rows.size(); from += kBatch) {
    agora::Status status = plain->store().write([&](agora::storage::Connection& c) {
      for (size_t i = from; i < std::min(rows.size(), from + kBatch); ++i) {
        const Row& r = rows[i];
        Id id = ++next_id;
        Id owner = std::stoll(r.owner.substr(3)) + 2;
        std::optional<std::string> closed_on;
        if (!r.closed_on.empty()) closed_on = r.closed_on;
        AGORA_RETURN_IF_ERROR(agora::storage::Run(
            c,
            "INSERT INTO sales_deals (id, external_id, owner_id, customer, sector, product, "
            "region, amount_minor, currency, outcome, closed_on, new_customer, created_by, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, 'retail', 'POS', 'North', ?, ?, ?, ?, "
            "0, 1, 0, 0)",
            id, r.external_id, owner, r.customer, r.amount_minor, r.currency, r.outcome,
            closed_on));
        AGORA_RETURN_IF_ERROR(agora::storage::Run(
            c, "INSERT INTO sales_deal_team (deal_id, user_id, share_bp) VALUES (?, ?, 10000)", id,
            owner));
      }
      return agora::Status::Ok();
    });
    if (!status.ok()) {
      std::cerr << status.message() << "\n";
      return 1;
    }
  }
  double plain_s = Seconds(start);
  double plain_cpu = CpuSeconds() - cpu_start;
  plain.reset();
  std::filesystem::remove_all(root);

  std::printf("rows=%d\n", count);
  std::printf("import_rows_per_s=%.0f\n", count / import_s);
  std::printf("reimport_unchanged_rows_per_s=%.0f\n", count / reimport_s);
  std::printf("plain_sqlite_rows_per_s=%.0f\n", count / plain_s);
  std::printf("ratio=%.2f\n", plain_s / import_s);
  std::printf("cpu_ms_per_1000_rows_import=%.1f\n", import_cpu * 1e6 / count);
  std::printf("cpu_ms_per_1000_rows_plain=%.1f\n", plain_cpu * 1e6 / count);
  std::printf("cpu_ratio=%.2f\n", plain_cpu / import_cpu);
  return 0;
}
