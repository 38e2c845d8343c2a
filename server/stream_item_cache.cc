#include "server/stream_item_cache.h"

#include <cstring>

namespace agora::server {

size_t StreamItemCache::ItemBytes(const Item& item) {
  const posts::Post& post = item.view.post;
  size_t bytes = sizeof(Item) + item.json.capacity() + item.base_url.capacity() +
                 post.text.capacity() + item.view.author.username.capacity() +
                 item.view.author.display_name.capacity() + item.view.author.title.capacity();
  for (const auto& m : post.mentions) bytes += sizeof(posts::Mention) + m.username.capacity();
  for (const auto& tag : post.hashtags) bytes += sizeof(std::string) + tag.capacity();
  if (post.deal) {
    bytes += post.deal->customer.size() + post.deal->sector.size() + post.deal->product.size() +
             post.deal->region.size();
  }
  return bytes;
}

StreamItemCache::StreamItemCache(size_t max_bytes) {
  auto weigh = [](const std::shared_ptr<const Item>& item) { return ItemBytes(*item); };
  for (auto& shard : shards_) shard = std::make_unique<Shard>(0, max_bytes / kShards, weigh);
}

namespace {

// `json` as the next value of `w`: the writer places its separator (an empty raw value), then
// the bytes go straight into `out`, the buffer it writes to.
void AppendValue(JsonWriter& w, rapidjson::StringBuffer& out, const std::string& json) {
  w.RawValue("", 0, rapidjson::kObjectType);
  std::memcpy(out.Push(json.size()), json.data(), json.size());
}

}  // namespace

void StreamItemCache::Write(JsonWriter& w, rapidjson::StringBuffer& out,
                            const services::PostView& view, const As2Iris& iris) {
  Shard& shard = ShardOf(view.post.id);
  auto cached = shard.Get(view.post.id);
  if (cached && (*cached)->view == view && (*cached)->base_url == iris.base()) {
    AppendValue(w, out, (*cached)->json);
    return;
  }
  rapidjson::StringBuffer buffer;
  JsonWriter item_writer(buffer);
  WriteStreamItem(item_writer, view, iris);
  auto item = std::make_shared<const Item>(
      Item{view, iris.base(), std::string(buffer.GetString(), buffer.GetSize())});
  AppendValue(w, out, item->json);
  shard.Put(view.post.id, item);
}

size_t StreamItemCache::items() const {
  size_t total = 0;
  for (const auto& shard : shards_) total += shard->size();
  return total;
}

size_t StreamItemCache::bytes() const {
  size_t total = 0;
  for (const auto& shard : shards_) total += shard->bytes();
  return total;
}

}  // namespace agora::server
