#include "posts/post_cache.h"

#include <algorithm>

namespace agora::posts {

size_t PostBytes(const Post& post) {
  // The cache's list node and index entry come on top of the value.
  constexpr size_t kOverhead = 64;
  size_t bytes = kOverhead + sizeof(Post) + post.text.size();
  for (const auto& mention : post.mentions) bytes += sizeof(Mention) + mention.username.size();
  for (const auto& tag : post.hashtags) bytes += sizeof(std::string) + tag.size();
  return bytes;
}

PostCache::PostCache(size_t capacity, size_t max_bytes) {
  size_t per_shard = std::max<size_t>(1, capacity / kShards);
  size_t bytes_per_shard = max_bytes / kShards;
  for (size_t i = 0; i < kShards; ++i) shards_.emplace_back(per_shard, bytes_per_shard, PostBytes);
}

size_t PostCache::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) total += shard.size();
  return total;
}

size_t PostCache::bytes() const {
  size_t total = 0;
  for (const Shard& shard : shards_) total += shard.bytes();
  return total;
}

}  // namespace agora::posts
