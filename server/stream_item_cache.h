// StreamItemCache: the rendered JSON of stream items (server/as2.h, WriteStreamItem) kept per
// post, so that a stream page is mostly concatenation.
//
// An entry is reused only when the post and author it was rendered from equal, member for
// member, the ones about to be shown, under the same public URL. An edit, a delete, a new
// reaction or reply count, a pin or a renamed author therefore miss by construction: nothing
// stale is ever served and no writer has to remember to invalidate anything. Who may read a
// post is not the cache's business: callers pass only views the reader may see, checked at
// read time as before.
//
// Bounded by bytes (least recently used entries go first), as ItemBytes counts them; the size
// is exported in /metrics. Thread-safe: 16 shards, each with its own mutex.
#pragma once

#include <array>
#include <cstddef>
#include <memory>
#include <string>

#include "core/id.h"
#include "core/json.h"
#include "core/read_through_cache.h"
#include "server/as2.h"
#include "services/post_view.h"

namespace agora::server {

class StreamItemCache {
 public:
  // What one entry holds: the view and public URL it was rendered from, and the JSON.
  struct Item {
    services::PostView view;
    std::string base_url;
    std::string json;
  };
  // The bytes an entry holds, as the bound counts them.
  static size_t ItemBytes(const Item& item);

  // At most `max_bytes` of entries in all (0: no bound).
  explicit StreamItemCache(size_t max_bytes = kDefaultMaxBytes);

  // Writes the stream item of `view` into `w`, which writes to `out`: the cached JSON when it
  // was rendered from an equal view under the same `iris`, else rendered now and kept. The JSON
  // is copied into `out` whole (RapidJSON's RawValue copies byte by byte: 11 % of a page).
  void Write(JsonWriter& w, rapidjson::StringBuffer& out, const services::PostView& view,
             const As2Iris& iris);

  size_t items() const;
  size_t bytes() const;

  static constexpr size_t kDefaultMaxBytes = size_t{64} << 20;

 private:
  static constexpr size_t kShards = 16;
  using Shard = ReadThroughCache<Id, std::shared_ptr<const Item>>;
  Shard& ShardOf(Id post_id) { return *shards_[static_cast<size_t>(post_id) % kShards]; }

  std::array<std::unique_ptr<Shard>, kShards> shards_;  // constant after construction
};

}  // namespace agora::server
