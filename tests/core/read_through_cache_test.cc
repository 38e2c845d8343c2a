#include "core/read_through_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace agora {
namespace {

TEST(ReadThroughCache, ABoundInBytesEvictsTheLeastRecentlyUsedValues) {
  ReadThroughCache<int, std::string> cache(
      /*capacity=*/100, /*max_bytes=*/25, [](const std::string& v) { return v.size(); });
  cache.Put(1, std::string(10, 'a'));
  cache.Put(2, std::string(10, 'b'));
  ASSERT_TRUE(cache.Get(1));  // now the most recently used
  cache.Put(3, std::string(10, 'c'));

  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.bytes(), 20u);
  EXPECT_EQ(cache.Get(2), std::nullopt);
  EXPECT_TRUE(cache.Get(1));
  EXPECT_TRUE(cache.Get(3));
}

TEST(ReadThroughCache, BytesFollowReplacementsAndRemovals) {
  ReadThroughCache<int, std::string> cache(0, 1000, [](const std::string& v) { return v.size(); });
  cache.Put(1, "four");
  cache.Put(1, "eleven char");
  cache.Put(2, "six ch");
  EXPECT_EQ(cache.bytes(), 17u);
  cache.Erase(1);
  EXPECT_EQ(cache.bytes(), 6u);
  cache.EraseIf([](const std::string&) { return true; });
  EXPECT_EQ(cache.bytes(), 0u);
  // A value larger than the whole bound is not kept.
  cache.Put(3, std::string(2000, 'x'));
  EXPECT_EQ(cache.size(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
}

TEST(ReadThroughCache, OfferAfterNoChangeIsCached) {
  ReadThroughCache<int, std::string> cache;
  uint64_t generation = cache.Generation();
  EXPECT_TRUE(cache.Offer(1, "read", generation));
  EXPECT_EQ(cache.Get(1), "read");
}

TEST(ReadThroughCache, OfferRacingAChangeIsDropped) {
  ReadThroughCache<int, std::string> cache;
  uint64_t generation = cache.Generation();
  cache.Put(2, "other key, still a change");
  EXPECT_FALSE(cache.Offer(1, "stale", generation));
  EXPECT_EQ(cache.Get(1), std::nullopt);
}

TEST(ReadThroughCache, OfferKeepsAValueCachedMeanwhile) {
  ReadThroughCache<int, std::string> cache;
  uint64_t generation = cache.Generation();
  EXPECT_TRUE(cache.Offer(1, "first", generation));
  EXPECT_TRUE(cache.Offer(1, "second", generation));
  EXPECT_EQ(cache.Get(1), "first");
}

TEST(ReadThroughCache, EraseAndEraseIfCountAsChangesEvictDoesNot) {
  ReadThroughCache<int, int> cache;
  cache.Put(1, 10);
  cache.Put(2, 20);
  cache.Put(3, 30);
  uint64_t generation = cache.Generation();
  cache.Evict(1);
  EXPECT_EQ(cache.Generation(), generation);
  cache.Erase(2);
  cache.EraseIf([](int value) { return value == 30; });
  EXPECT_EQ(cache.Generation(), generation + 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(ReadThroughCache, CapacityEvictsTheLeastRecentlyUsed) {
  ReadThroughCache<int, int> cache(2);
  cache.Put(1, 10);
  cache.Put(2, 20);
  EXPECT_EQ(cache.Get(1), 10);  // 2 is now the least recently used
  cache.Put(3, 30);
  EXPECT_EQ(cache.size(), 2u);
  EXPECT_EQ(cache.Get(2), std::nullopt);
  EXPECT_EQ(cache.Get(1), 10);
  EXPECT_EQ(cache.Get(3), 30);
}

}  // namespace
}  // namespace agora
