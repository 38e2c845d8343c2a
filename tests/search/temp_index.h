// A real Xapian index in a fresh temporary folder, removed afterwards.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "search/search_index.h"

namespace agora::testing {

class TempIndex {
 public:
  explicit TempIndex(search::SearchLimits limits = {}) {
    char pattern[] = "/tmp/agora-index-XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    Open(limits);
  }
  ~TempIndex() {
    index_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Closes the index, to change its files as another program would; Reopen opens it again.
  void Close() { index_.reset(); }
  // Closes and opens the index again, as a restart would.
  void Reopen(search::SearchLimits limits = {}) {
    index_.reset();
    Open(limits);
  }

  search::SearchIndex& operator*() { return *index_; }
  search::SearchIndex* operator->() { return index_.get(); }
  const std::string& path() const { return path_; }

 private:
  void Open(search::SearchLimits limits) {
    path_ = dir_ + "/search";
    auto index = search::SearchIndex::Open(path_, limits);
    if (!index.ok()) throw std::runtime_error(index.status().message());
    index_ = std::move(*index);
  }

  std::string dir_;
  std::string path_;
  std::unique_ptr<search::SearchIndex> index_;
};

}  // namespace agora::testing
