// SearchIndexer: keeps the search index in step with the store.
//
// One thread owns the index's writer. It follows the outbox (storage/outbox.h): every post or
// person changed since the index's last commit is reloaded from the store and its document
// replaced or removed, and the outbox position is committed with the documents, so after a
// crash it resumes exactly where the index stopped. An index that was never fully built (new,
// or left half-built by an interrupted `agora reindex`) is first built from the whole store.
//
// Thread-safe: Start and Stop from the owner; the statistics from anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>

#include "core/status.h"
#include "core/worker_thread.h"
#include "posts/post_repository.h"
#include "profiles/user_repository.h"
#include "search/search_index.h"
#include "storage/store.h"

namespace agora::services {

struct SearchIndexerOptions {
  // How often the outbox is looked at: the bound on how stale search results can be, plus the
  // time of one commit.
  std::chrono::milliseconds poll_interval{100};
  int batch = 1000;  // outbox entries applied per commit at most
  // Applied entries are deleted from the outbox this often.
  std::chrono::milliseconds prune_interval{10'000};
};

// (documents done, documents in all)
using BuildProgress = std::function<void(int64_t, int64_t)>;

class SearchIndexer {
 public:
  // Every reference must outlive the indexer.
  SearchIndexer(storage::Store& store, posts::PostRepository& posts,
                profiles::UserRepository& users, search::SearchIndex& index,
                SearchIndexerOptions options = {});
  ~SearchIndexer();  // Stop()s

  // Starts the indexing thread.
  void Start();
  // Finishes the batch in hand and stops. Idempotent.
  void Stop();

  // Every live post and every account, indexed anew, then the index marked built at the outbox
  // position read before the scan (what changed during it is replayed after). For a new index
  // and for `agora reindex`; on the indexing thread or while no indexer runs.
  static Status BuildAll(storage::Store& store, posts::PostRepository& posts,
                         profiles::UserRepository& users, search::SearchIndex& index,
                         const BuildProgress& progress);

  // Outbox entries committed to the store but not yet to the index, as of the last look (a
  // full build counts as no lag: see the log's search_build events).
  int64_t lag() const;
  uint64_t failures() const { return failures_.load(); }

 private:
  void Run();
  // Builds the index from the whole store while it is not marked built.
  void BuildUntilDone();
  // Applies up to one batch; returns the number of outbox entries it applied. An index behind
  // what pruning forgot is cleared instead, for the next BuildUntilDone.
  Result<size_t> ApplyNext();

  // Constant after construction.
  storage::Store& store_;
  posts::PostRepository& posts_;
  profiles::UserRepository& users_;
  search::SearchIndex& index_;
  const SearchIndexerOptions options_;

  // Thread-safe: the indexing thread (it takes no tasks, it polls).
  WorkerThread<> thread_;

  // Atomic.
  std::atomic<int64_t> seen_seq_{0};  // newest outbox seq in the store at the last look
  std::atomic<uint64_t> failures_{0};
};

}  // namespace agora::services
