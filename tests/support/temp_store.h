// A real store in a fresh temporary folder, removed afterwards: a SQLite file there, or a fresh
// database of the test binary's PostgreSQL cluster (tests/support/postgres_cluster.h).
//
// Suites that run on each engine take the engine as their parameter:
//   class FooTest : public ::testing::TestWithParam<storage::Engine> {
//     void SetUp() override { AGORA_SKIP_UNLESS_AVAILABLE(store_); ... }
//     agora::testing::TempStore store_{GetParam()};
//   };
//   AGORA_INSTANTIATE_ON_EACH_ENGINE(FooTest);
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "storage/store.h"
#include "tests/support/postgres_cluster.h"

namespace agora::testing {

class TempStore {
 public:
  // When PostgreSQL is asked for and cannot run here, the store is a SQLite one and
  // unavailable() says why: the test should skip.
  explicit TempStore(storage::Engine engine = storage::Engine::kSqlite) {
    char pattern[] = "/tmp/agora-test-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    storage::StoreOptions options;
    options.path = dir_ + "/agora.db";
    if (engine == storage::Engine::kPostgres) {
      if (PostgresCluster* cluster = PostgresCluster::Get()) {
        options.path = cluster->NewDatabase();
      } else {
        unavailable_ = PostgresCluster::WhyNot();
      }
    }
    auto store = storage::Store::Open(options);
    if (!store.ok()) throw std::runtime_error(store.status().message());
    store_ = std::move(*store);
  }
  ~TempStore() {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  storage::Store& operator*() { return *store_; }
  storage::Store* operator->() { return store_.get(); }
  // Why the engine asked for is not available; empty when it is.
  const std::string& unavailable() const { return unavailable_; }

 private:
  std::string dir_;
  std::string unavailable_;
  std::unique_ptr<storage::Store> store_;
};

inline std::string EngineName(const ::testing::TestParamInfo<storage::Engine>& info) {
  return info.param == storage::Engine::kSqlite ? "SQLite" : "PostgreSQL";
}

}  // namespace agora::testing

#define AGORA_INSTANTIATE_ON_EACH_ENGINE(suite)                                                  \
  INSTANTIATE_TEST_SUITE_P(                                                                      \
      Engines, suite,                                                                            \
      ::testing::Values(::agora::storage::Engine::kSqlite, ::agora::storage::Engine::kPostgres), \
      ::agora::testing::EngineName)

#define AGORA_SKIP_UNLESS_AVAILABLE(temp_store) \
  if (!(temp_store).unavailable().empty()) GTEST_SKIP() << (temp_store).unavailable()
