#include "posts/post_cache.h"

#include <algorithm>

namespace agora::posts {

PostCache::PostCache(size_t capacity) {
  size_t per_shard = std::max<size_t>(1, capacity / kShards);
  for (size_t i = 0; i < kShards; ++i) shards_.emplace_back(per_shard);
}

size_t PostCache::size() const {
  size_t total = 0;
  for (const Shard& shard : shards_) total += shard.size();
  return total;
}

}  // namespace agora::posts
