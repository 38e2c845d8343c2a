#include "posts/post_cache.h"

#include <gtest/gtest.h>

namespace agora::posts {
namespace {

Post PostOf(Id id, size_t text_bytes) {
  Post post;
  post.id = id;
  post.author_id = 1;
  post.text = std::string(text_bytes, 'x');
  return post;
}

TEST(PostCache, LargePostsAreBoundedByBytesNotOnlyByCount) {
  // Room for 100,000 posts by count, but 1 MiB by bytes: 1,000 posts of 20 KB cannot all stay.
  constexpr size_t kMaxBytes = size_t{1} << 20;
  PostCache cache(100'000, kMaxBytes);
  for (Id id = 1; id <= 1000; ++id) cache.Put(PostOf(id, 20'000));

  EXPECT_LE(cache.bytes(), kMaxBytes);
  EXPECT_LT(cache.size(), 1000u);
  EXPECT_GT(cache.size(), 0u);
  EXPECT_TRUE(cache.Get(1000));  // the newest stays
}

TEST(PostCache, BytesCountTheTextAndTheLists) {
  Post post = PostOf(1, 100);
  size_t plain = PostBytes(post);
  post.hashtags = {"release", "launch"};
  post.mentions = {{2, "ana.lopez"}};
  EXPECT_GT(PostBytes(post), plain + 13 + 9);
  EXPECT_GT(plain, 100u);
}

}  // namespace
}  // namespace agora::posts
