// A real store in a fresh temporary folder, removed afterwards: a SQLite file there, or the
// database at `location` when one is given (a PostgreSQL URL).
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "storage/store.h"

namespace agora::testing {

class TempStore {
 public:
  explicit TempStore(const std::string& location = "") {
    char pattern[] = "/tmp/agora-test-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    storage::StoreOptions options;
    options.path = location.empty() ? dir_ + "/agora.db" : location;
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

 private:
  std::string dir_;
  std::unique_ptr<storage::Store> store_;
};

}  // namespace agora::testing
