#include "posts/post_cache.h"

namespace agora::posts {

PostCache::PostCache(size_t capacity)
    : per_shard_capacity_(std::max<size_t>(1, capacity / kShards)) {}

std::optional<Post> PostCache::Get(Id id) {
  Shard& shard = ShardFor(id);
  std::lock_guard lock(shard.mu);
  auto it = shard.index.find(id);
  if (it == shard.index.end()) return std::nullopt;
  shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
  return *it->second;
}

uint64_t PostCache::Generation(Id id) {
  Shard& shard = ShardFor(id);
  std::lock_guard lock(shard.mu);
  return shard.changes;
}

void PostCache::Offer(const Post& post, uint64_t generation) {
  Shard& shard = ShardFor(post.id);
  std::lock_guard lock(shard.mu);
  if (shard.changes != generation || shard.index.contains(post.id)) return;
  Store(shard, post);
}

void PostCache::Put(const Post& post) {
  Shard& shard = ShardFor(post.id);
  std::lock_guard lock(shard.mu);
  ++shard.changes;
  Store(shard, post);
}

void PostCache::Store(Shard& shard, const Post& post) {
  auto it = shard.index.find(post.id);
  if (it != shard.index.end()) {
    *it->second = post;
    shard.lru.splice(shard.lru.begin(), shard.lru, it->second);
    return;
  }
  shard.lru.push_front(post);
  shard.index[post.id] = shard.lru.begin();
  if (shard.lru.size() > per_shard_capacity_) {
    shard.index.erase(shard.lru.back().id);
    shard.lru.pop_back();
  }
}

size_t PostCache::size() const {
  size_t total = 0;
  for (const auto& shard : shards_) {
    std::lock_guard lock(shard.mu);
    total += shard.lru.size();
  }
  return total;
}

}  // namespace agora::posts
