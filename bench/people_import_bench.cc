// HR import throughput: people/s through `agora import people`'s path (CSV parsed, every row
// matched by key, validated, created with its audit row in savepoints within transactions of
// 500, then managers set managers-first in a second pass) against a plain SQLite insert loop of
// the same people (user rows with their managers, same batches, same store and durability
// settings), in one run. Prints "key=value" lines.
//
//   people_import_bench [PEOPLE]     default 10,000 people, 10 reports per manager
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "app/application.h"
#include "bench/import_bench_support.h"
#include "storage/rows.h"

namespace {

using agora::Id;
using agora::bench::Clock;
using agora::bench::CpuSeconds;
using agora::bench::Seconds;

constexpr size_t kBatch = agora::services::PeopleImportService::kBatch;
constexpr int kSpan = 10;  // reports per manager

// Person i reports to person (i - 1) / kSpan; the file lists reports before their managers.
std::string Csv(int count, const std::string& title) {
  std::string csv = "employee_number,username,email,display_name,title,department,manager\n";
  for (int i = count - 1; i >= 0; --i) {
    std::string n = std::to_string(i);
    csv += "E" + n + ",person" + n + ",person" + n + "@example.com,Person " + n + "," + title +
           ",Dept " + std::to_string(i % 50) + "," +
           (i == 0 ? "" : "E" + std::to_string((i - 1) / kSpan)) + "\n";
  }
  return csv;
}

}  // namespace

int main(int argc, char** argv) {
  int count = argc > 1 ? std::stoi(argv[1]) : 10'000;
  std::string root = std::filesystem::temp_directory_path() / "agora-people-import-bench";
  agora::Viewer admin{1, true, false};

  auto app = agora::bench::OpenWithAccounts(root + "/import", 0);
  std::string csv = Csv(count, "Engineer");
  auto start = Clock::now();
  double cpu_start = CpuSeconds();
  auto file = agora::services::ParsePeopleCsv(csv);
  auto report = app->people_import().Import(admin, *file, {});
  double import_s = Seconds(start);
  double import_cpu = CpuSeconds() - cpu_start;
  if (!report.ok() || report->created != count || !report->errors.empty()) {
    std::cerr << "import failed\n";
    return 1;
  }
  start = Clock::now();
  file = agora::services::ParsePeopleCsv(csv);
  auto again = app->people_import().Import(admin, *file, {});
  double reimport_s = Seconds(start);
  if (!again.ok() || again->unchanged != count) return 1;
  std::string retitled = Csv(count, "Senior engineer");
  start = Clock::now();
  file = agora::services::ParsePeopleCsv(retitled);
  auto changed = app->people_import().Import(admin, *file, {});
  double update_s = Seconds(start);
  if (!changed.ok() || changed->updated != count) return 1;
  app.reset();

  // The plain loop: the same people as prepared inserts (managers first, so each manager id
  // exists), in the same batches of one transaction.
  auto plain = agora::bench::OpenWithAccounts(root + "/plain", 0);
  start = Clock::now();
  cpu_start = CpuSeconds();
  for (size_t from = 0; from < static_cast<size_t>(count); from += kBatch) {
    agora::Status status = plain->store().write([&](agora::storage::Connection& c) {
      for (size_t i = from; i < std::min(static_cast<size_t>(count), from + kBatch); ++i) {
        std::string n = std::to_string(i);
        std::optional<Id> manager;
        if (i > 0) manager = static_cast<Id>(1000 + (i - 1) / kSpan);
        AGORA_RETURN_IF_ERROR(agora::storage::Run(
            c,
            "INSERT INTO users (id, username, email, display_name, password_hash, role, title, "
            "department, manager_id, employee_number, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, '!', 'member', 'Engineer', ?, ?, ?, 0, 0)",
            static_cast<Id>(1000 + i), "person" + n, "person" + n + "@example.com", "Person " + n,
            "Dept " + std::to_string(i % 50), manager, "E" + n));
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

  std::printf("people=%d\n", count);
  std::printf("import_people_per_s=%.0f\n", count / import_s);
  std::printf("reimport_unchanged_people_per_s=%.0f\n", count / reimport_s);
  std::printf("update_title_people_per_s=%.0f\n", count / update_s);
  std::printf("plain_sqlite_people_per_s=%.0f\n", count / plain_s);
  std::printf("ratio=%.2f\n", plain_s / import_s);
  std::printf("cpu_us_per_person_import=%.1f\n", import_cpu * 1e6 / count);
  std::printf("cpu_us_per_person_plain=%.1f\n", plain_cpu * 1e6 / count);
  std::printf("cpu_ratio=%.2f\n", plain_cpu / import_cpu);
  return 0;
}
