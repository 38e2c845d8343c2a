// PostCache: recent posts in memory, so feeds hydrate without SQLite.
//
// Thread-safe; sharded by id. Writers Put() the committed value after every change (a deleted
// post is kept as a tombstone), and readers that filled a miss from SQLite Offer() it: the offer
// is dropped if any change touched the shard since the reader looked, so a slow reader can
// never put back a value older than a committed change.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "posts/post.h"

namespace agora::posts {

class PostCache {
 public:
  explicit PostCache(size_t capacity);

  std::optional<Post> Get(Id id);
  // A token to pass to Offer(): the shard's change count when the caller missed.
  uint64_t Generation(Id id);
  void Offer(const Post& post, uint64_t generation);
  void Put(const Post& post);

  size_t size() const;

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    mutable std::mutex mu;
    std::list<Post> lru;                                      // most recent first; guarded by mu
    std::unordered_map<Id, std::list<Post>::iterator> index;  // guarded by mu
    uint64_t changes = 0;                                     // guarded by mu
  };

  Shard& ShardFor(Id id) { return shards_[static_cast<uint64_t>(id) % kShards]; }
  void Store(Shard& shard, const Post& post);

  const size_t per_shard_capacity_;
  std::array<Shard, kShards> shards_;
};

}  // namespace agora::posts
