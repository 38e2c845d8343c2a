#include "server/stream_item_cache.h"

#include <gtest/gtest.h>

#include "server/json_codec.h"

namespace agora::server {
namespace {

const As2Iris kIris("https://agora.example");

services::PostView View(Id id, std::string text) {
  services::PostView view;
  view.post.id = id;
  view.post.author_id = 7;
  view.post.text = std::move(text);
  view.post.created_at = 1'700'000'000'000;
  view.author = {7, "ben", "Ben", "Engineer", true};
  return view;
}

// The item as WriteStreamItem renders it, without any cache.
std::string Rendered(const services::PostView& view, const As2Iris& iris = kIris) {
  return RenderDocument([&](JsonWriter& w) { WriteStreamItem(w, view, iris); });
}

std::string Through(StreamItemCache& cache, const services::PostView& view,
                    const As2Iris& iris = kIris) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  cache.Write(w, buffer, view, iris);
  return std::string(buffer.GetString(), buffer.GetSize());
}

TEST(StreamItemCache, ServesTheSameBytesAsRenderingAndKeepsThem) {
  StreamItemCache cache;
  auto view = View(1, "hello #agora");
  EXPECT_EQ(Through(cache, view), Rendered(view));
  EXPECT_EQ(Through(cache, view), Rendered(view));
  EXPECT_EQ(cache.items(), 1u);
  EXPECT_GT(cache.bytes(), 0u);
}

TEST(StreamItemCache, WritesAmongOtherValuesWithTheirSeparators) {
  StreamItemCache cache;
  auto one = View(1, "one");
  auto two = View(2, "two");
  Through(cache, one);  // cached before the page is written
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartArray();
  cache.Write(w, buffer, one, kIris);
  cache.Write(w, buffer, two, kIris);
  w.EndArray();
  std::string page(buffer.GetString(), buffer.GetSize());
  EXPECT_EQ(page, "[" + Rendered(one) + "," + Rendered(two) + "]");
}

TEST(StreamItemCache, AnyChangeToThePostOrItsAuthorRendersAnew) {
  StreamItemCache cache;
  auto view = View(1, "typo");
  Through(cache, view);
  std::vector<services::PostView> changed(6, view);
  changed[0].post.text = "fixed";
  changed[0].post.edited_at = 1'700'000'001'000;
  changed[1].post.reactions_count = 3;
  changed[2].post.replies_count = 1;
  changed[3].author.display_name = "Ben Renamed";
  changed[4].pinned = true;
  changed[5].post.hashtags = {"new"};
  for (const auto& now : changed) {
    EXPECT_EQ(Through(cache, now), Rendered(now));
    EXPECT_NE(Rendered(now), Rendered(view));
  }
  EXPECT_EQ(cache.items(), 1u);  // one entry per post, replaced
}

TEST(StreamItemCache, AnotherPublicUrlRendersAnew) {
  StreamItemCache cache;
  auto view = View(1, "hello");
  Through(cache, view);
  As2Iris other("https://other.example");
  EXPECT_EQ(Through(cache, view, other), Rendered(view, other));
}

TEST(StreamItemCache, StaysWithinItsBytes) {
  const size_t bound = 64 * 1024;
  StreamItemCache cache(bound);
  for (Id id = 1; id <= 1000; ++id) Through(cache, View(id, std::string(200, 'x')));
  EXPECT_LE(cache.bytes(), bound);
  EXPECT_GT(cache.items(), 0u);
  EXPECT_LT(cache.items(), 1000u);
}

}  // namespace
}  // namespace agora::server
