// FeedEngine: everyone's home timeline in memory, filled by fan-out on write, with
// merge-on-read for sources too large to fan out.
//
// Thread-safe. Timelines live in 64 shards, each behind its own mutex. A timeline that is not
// in memory (after a restart, or never read) is built on first read by a loader the caller
// supplies; deliveries that arrive while it loads are kept and merged, so nothing committed
// meanwhile is lost. Deliveries to timelines not in memory are skipped: their loader reads the
// store, which already holds the post. The engine knows nothing of where recipients or posts
// come from; services/ tells it.
#pragma once

#include <array>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "feed/timeline.h"

namespace agora::feed {

struct FeedOptions {
  size_t timeline_capacity = 800;  // entries kept per reader
  size_t source_capacity = 800;    // recent posts kept per large source (merge-on-read)
};

// Produces the entries of a timeline that is not in memory, newest first, from the store.
using Loader = std::function<Result<std::vector<FeedEntry>>()>;

// A large source (author or community) whose recent posts are merged in at read time.
struct PullSource {
  Id source_id = 0;
  Loader load;  // used when the source's recent posts are not in memory
};

struct FeedQuery {
  std::optional<Id> before;  // entries older than this post id
  std::optional<Id> after;   // entries newer than this post id (ignored when before is set)
  size_t limit = 20;
};

struct FeedStats {
  size_t timelines = 0;
  size_t entries = 0;
  size_t bytes = 0;  // allocated for entries
};

class FeedEngine {
 public:
  explicit FeedEngine(FeedOptions options = {});
  ~FeedEngine();

  // Fan-out on write: puts `entry` into each recipient's timeline that is in memory.
  void Deliver(FeedEntry entry, std::span<const Id> recipients);
  // Records a post of a large source for merge-on-read (its log, if in memory).
  void RecordSourcePost(FeedEntry entry);
  // Adds entries to one reader's timeline, if in memory (e.g. a new followee's recent posts).
  void AddEntries(Id reader, std::span<const FeedEntry> entries);
  // Takes a source's entries out of one reader's timeline (unfollow, leaving a community): the
  // timeline leaves memory and its next read loads it from the store, so it is refilled from
  // what the reader still follows, as a rebuilt one would be. The caller calls this after the
  // change committed.
  void RemoveSource(Id reader, Id source_id);

  // Candidates for one page of `reader`'s stream, newest first: the reader's timeline merged
  // with the logs of `pulls`, deduplicated. Loads what is not in memory through the loaders.
  Result<std::vector<FeedEntry>> Read(Id reader, const Loader& load_timeline,
                                      std::span<const PullSource> pulls, const FeedQuery& query);

  FeedStats stats() const;

 private:
  class Table;  // a sharded map of id -> timeline with load-once semantics

  const FeedOptions options_;
  std::unique_ptr<Table> readers_;
  std::unique_ptr<Table> sources_;
};

}  // namespace agora::feed
