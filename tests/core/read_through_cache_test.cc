#include "core/read_through_cache.h"

#include <gtest/gtest.h>

#include <string>

namespace agora {
namespace {

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
