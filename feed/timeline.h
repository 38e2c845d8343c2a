// Timeline: a bounded, ordered ring of feed entries (newest kept, oldest dropped).
//
// Not thread-safe: the FeedEngine guards each timeline with its shard's lock. Entries stay
// sorted by post id (ids are time-sortable), so cursors are binary searches.
#pragma once

#include <cstddef>
#include <optional>
#include <vector>

#include "core/id.h"

namespace agora::feed {

// 16 bytes: the post, and where it came from (its author for follow delivery, its community
// for community delivery), so unfollowing or leaving can take a source's entries out.
struct FeedEntry {
  Id post_id = 0;
  Id source_id = 0;
  friend bool operator==(const FeedEntry&, const FeedEntry&) = default;
};

class Timeline {
 public:
  explicit Timeline(size_t capacity) : capacity_(capacity) {}

  // Inserts in id order; a duplicate post id is ignored; past capacity the oldest entry goes
  // (an entry older than everything kept in a full timeline is not inserted).
  void Insert(FeedEntry entry);
  void RemoveSource(Id source_id);

  // Up to `limit` entries older than `before` (all when absent), newest first.
  std::vector<FeedEntry> Before(std::optional<Id> before, size_t limit) const;
  // The `limit` entries just newer than `after`, newest first.
  std::vector<FeedEntry> After(Id after, size_t limit) const;

  // A hint to the CPU that an Insert is coming (the newest entry and the free slot after it).
  void PrefetchNewest() const {
    if (size_ > 0) __builtin_prefetch(&at(size_ - 1), 1);
  }

  size_t size() const { return size_; }
  size_t allocated_bytes() const { return ring_.capacity() * sizeof(FeedEntry); }

 private:
  FeedEntry& at(size_t i) { return ring_[(start_ + i) % ring_.size()]; }
  const FeedEntry& at(size_t i) const { return ring_[(start_ + i) % ring_.size()]; }
  // Logical index of the first entry whose id is not below `id`.
  size_t LowerBound(Id id) const;

  size_t capacity_;              // not const: timelines move when their table grows
  std::vector<FeedEntry> ring_;  // grows up to capacity_, then wraps
  size_t start_ = 0;             // logical 0, the oldest; non-zero only once ring_ is full
  size_t size_ = 0;
};

}  // namespace agora::feed
