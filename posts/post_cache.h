// PostCache: recent posts in memory, so feeds hydrate without SQLite.
//
// Thread-safe; sharded by id, each shard a core/read_through_cache.h of its own. Writers Put()
// the committed value after every change (a deleted post is kept as a tombstone), and readers
// that filled a miss from SQLite Offer() it: the offer is dropped if any change touched the
// shard since the reader looked, so a slow reader can never put back a value older than a
// committed change.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

#include "core/read_through_cache.h"
#include "posts/post.h"

namespace agora::posts {

// What a cached post holds in memory, its text and lists included (an estimate).
size_t PostBytes(const Post& post);

class PostCache {
 public:
  // At most `capacity` posts and `max_bytes` bytes of them (PostBytes), spread over the shards.
  PostCache(size_t capacity, size_t max_bytes);

  std::optional<Post> Get(Id id) { return ShardFor(id).Get(id); }
  // A token to pass to Offer(): the shard's change count when the caller missed.
  uint64_t Generation(Id id) { return ShardFor(id).Generation(); }
  void Offer(const Post& post, uint64_t generation) {
    ShardFor(post.id).Offer(post.id, post, generation);
  }
  void Put(const Post& post) { ShardFor(post.id).Put(post.id, post); }

  size_t size() const;
  size_t bytes() const;

 private:
  using Shard = ReadThroughCache<Id, Post>;
  static constexpr size_t kShards = 16;

  Shard& ShardFor(Id id) { return shards_[static_cast<uint64_t>(id) % kShards]; }

  // Constant after construction (each shard is thread-safe). A deque: shards never move.
  std::deque<Shard> shards_;
};

}  // namespace agora::posts
