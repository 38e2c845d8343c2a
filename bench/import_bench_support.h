// What the import benchmarks share: wall and CPU clocks, and a fresh data folder holding the
// accounts an import refers to.
#pragma once

#include <time.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>

#include "app/application.h"
#include "storage/rows.h"

namespace agora::bench {

using Clock = std::chrono::steady_clock;

inline double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

// CPU seconds of the whole process (the caller and the store's writer thread): steadier than
// wall time on a machine shared with other work.
inline double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// A fresh data folder with @admin (id 1) and `reps` members @rep0, @rep1... (ids 2..), written
// as plain rows; exits on failure.
inline std::unique_ptr<app::Application> OpenWithAccounts(const std::string& dir, int reps) {
  std::filesystem::remove_all(dir);
  app::ApplicationOptions options;
  options.data_dir = dir;
  auto opened = app::Application::Open(options);
  if (!opened.ok()) {
    std::cerr << opened.status().message() << "\n";
    std::exit(1);
  }
  Status accounts = (*opened)->store().write([reps](storage::Connection& c) {
    for (int i = 0; i <= reps; ++i) {
      std::string name = i == 0 ? "admin" : "rep" + std::to_string(i - 1);
      AGORA_RETURN_IF_ERROR(storage::Run(
          c,
          "INSERT INTO users (id, username, email, display_name, password_hash, role, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, 'x', ?, 0, 0)",
          int64_t{i + 1}, name, name + "@example.com", name, i == 0 ? "admin" : "member"));
    }
    return Status::Ok();
  });
  if (!accounts.ok()) {
    std::cerr << accounts.message() << "\n";
    std::exit(1);
  }
  (*opened)->ids().AdvancePast(reps + 1);
  return std::move(*opened);
}

}  // namespace agora::bench
