#include "feed/feed_engine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace agora::feed {
namespace {

std::vector<Id> Ids(const Result<std::vector<FeedEntry>>& entries) {
  std::vector<Id> out;
  for (const auto& e : *entries) out.push_back(e.post_id);
  return out;
}

Loader Fixed(std::vector<FeedEntry> entries, std::atomic<int>* calls = nullptr) {
  return [entries, calls]() -> Result<std::vector<FeedEntry>> {
    if (calls) ++*calls;
    return entries;
  };
}

TEST(FeedEngine, LoadsAColdTimelineOnceThenServesDeliveries) {
  FeedEngine engine;
  std::atomic<int> loads{0};
  Loader load = Fixed({{2, 9}, {1, 9}}, &loads);
  EXPECT_EQ(Ids(engine.Read(7, load, {}, {})), (std::vector<Id>{2, 1}));
  engine.Deliver({3, 9}, std::vector<Id>{7, 8});
  EXPECT_EQ(Ids(engine.Read(7, load, {}, {})), (std::vector<Id>{3, 2, 1}));
  EXPECT_EQ(loads, 1);
}

TEST(FeedEngine, SkipsDeliveriesToTimelinesNotInMemory) {
  FeedEngine engine;
  engine.Deliver({3, 9}, std::vector<Id>{7});
  EXPECT_EQ(engine.stats().timelines, 0u);
  EXPECT_TRUE(engine.Read(7, Fixed({}), {}, {})->empty());  // the loader is the truth
}

TEST(FeedEngine, KeepsDeliveriesThatArriveWhileLoading) {
  FeedEngine engine;
  Loader slow = [&engine]() -> Result<std::vector<FeedEntry>> {
    // A post committed after the loader's snapshot, delivered during the load.
    std::thread([&engine] { engine.Deliver({5, 9}, std::vector<Id>{7}); }).join();
    return std::vector<FeedEntry>{{4, 9}};
  };
  EXPECT_EQ(Ids(engine.Read(7, slow, {}, {})), (std::vector<Id>{5, 4}));
}

TEST(FeedEngine, MergesPullSourcesWithoutDuplicates) {
  FeedEngine engine;
  std::vector<PullSource> pulls{{100, Fixed({{6, 100}, {3, 100}})}, {0, Fixed({{5, 0}})}};
  auto page = engine.Read(7, Fixed({{4, 9}, {3, 100}, {1, 9}}), pulls, {});
  EXPECT_EQ(Ids(page), (std::vector<Id>{6, 5, 4, 3, 1}));
  engine.RecordSourcePost({8, 100});
  EXPECT_EQ(Ids(engine.Read(7, Fixed({}), pulls, {std::nullopt, std::nullopt, 2})),
            (std::vector<Id>{8, 6}));
}

TEST(FeedEngine, PagesWithCursors) {
  FeedEngine engine;
  Loader load = Fixed({{50, 1}, {40, 1}, {30, 1}, {20, 1}, {10, 1}});
  EXPECT_EQ(Ids(engine.Read(7, load, {}, {40, std::nullopt, 2})), (std::vector<Id>{30, 20}));
  EXPECT_EQ(Ids(engine.Read(7, load, {}, {std::nullopt, 20, 2})), (std::vector<Id>{40, 30}));
}

TEST(FeedEngine, RemoveSourceDropsThatAuthor) {
  FeedEngine engine;
  ASSERT_TRUE(engine.Read(7, Fixed({{3, 1}, {2, 2}, {1, 1}}), {}, {}).ok());
  engine.RemoveSource(7, 1);
  // The store no longer gives source 1 to reader 7.
  EXPECT_EQ(Ids(engine.Read(7, Fixed({{2, 2}}), {}, {})), (std::vector<Id>{2}));
}

TEST(FeedEngine, RemoveSourceRefillsAFullRingFromWhatIsStillFollowed) {
  FeedEngine engine({.timeline_capacity = 3});
  // Source 1 filled the ring and pushed out the older posts of source 2.
  ASSERT_TRUE(engine.Read(7, Fixed({{6, 1}, {5, 1}, {4, 1}, {3, 2}, {2, 2}}), {}, {}).ok());
  engine.RemoveSource(7, 1);
  EXPECT_EQ(Ids(engine.Read(7, Fixed({{3, 2}, {2, 2}, {1, 2}}), {}, {})),
            (std::vector<Id>{3, 2, 1}));
}

TEST(FeedEngine, RemoveSourceDuringALoadDropsTheSourceAndLoadsAgainAfter) {
  FeedEngine engine({.timeline_capacity = 2});
  std::atomic<int> loads{0};
  Loader stale = [&engine, &loads]() -> Result<std::vector<FeedEntry>> {
    ++loads;
    // The unfollow commits while this load holds the store as it was before it.
    std::thread([&engine] { engine.RemoveSource(7, 1); }).join();
    return std::vector<FeedEntry>{{6, 1}, {5, 1}};
  };
  EXPECT_TRUE(engine.Read(7, stale, {}, {})->empty());
  EXPECT_EQ(Ids(engine.Read(7, Fixed({{3, 2}, {2, 2}}, &loads), {}, {})), (std::vector<Id>{3, 2}));
  EXPECT_EQ(loads, 2);
}

TEST(FeedEngine, AFailedLoadIsRetriedLater) {
  FeedEngine engine;
  Loader failing = []() -> Result<std::vector<FeedEntry>> { return Status::Internal("disk"); };
  EXPECT_FALSE(engine.Read(7, failing, {}, {}).ok());
  EXPECT_EQ(Ids(engine.Read(7, Fixed({{1, 1}}), {}, {})), std::vector<Id>{1});
}

TEST(FeedEngine, ConcurrentReadersShareOneLoad) {
  FeedEngine engine;
  std::atomic<int> loads{0};
  Loader load = [&loads]() -> Result<std::vector<FeedEntry>> {
    ++loads;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return std::vector<FeedEntry>{{1, 1}};
  };
  std::vector<std::thread> readers;
  for (int i = 0; i < 8; ++i) {
    readers.emplace_back([&] { EXPECT_EQ(engine.Read(7, load, {}, {})->size(), 1u); });
  }
  for (auto& r : readers) r.join();
  EXPECT_EQ(loads, 1);
}

TEST(FeedEngine, DeliversToEveryLoadedTimelineOfALargeAudience) {
  // More recipients than one chunk, spread over every shard, some of them not in memory.
  FeedEngine engine;
  for (Id reader = 1; reader <= 1000; reader += 2)
    ASSERT_TRUE(engine.Read(reader, Fixed({}), {}, {}).ok());
  std::vector<Id> audience;
  for (Id reader = 1; reader <= 1000; ++reader) audience.push_back(reader);
  engine.Deliver({42, 9}, audience);
  for (Id reader = 1; reader <= 1000; ++reader) {
    auto page = engine.Read(reader, Fixed({}), {}, {});
    EXPECT_EQ(Ids(page), reader % 2 ? std::vector<Id>{42} : std::vector<Id>{}) << reader;
  }
  EXPECT_EQ(engine.stats().entries, 500u);
}

TEST(FeedEngine, ConcurrentDeliveriesAndReadsAllLand) {
  // Deliveries racing each other and readers (which load timelines) lose no entry.
  FeedEngine engine;
  constexpr Id kReaders = 600;
  constexpr int kPostsPerWriter = 200;
  for (Id reader = 1; reader <= kReaders; ++reader)
    ASSERT_TRUE(engine.Read(reader, Fixed({}), {}, {}).ok());
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int w = 0; w < 3; ++w) {
    threads.emplace_back([&engine, w] {
      std::vector<Id> audience;
      for (Id reader = kReaders - w; reader >= 1; reader -= 1 + w) audience.push_back(reader);
      for (int k = 0; k < kPostsPerWriter; ++k) {
        engine.Deliver({1 + w * kPostsPerWriter + k, 9}, audience);
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&engine, &stop, r] {
      for (Id reader = 1 + r; !stop; reader = reader % (kReaders + 50) + 1) {
        EXPECT_TRUE(engine.Read(reader, Fixed({}), {}, {}).ok());
      }
    });
  }
  for (int w = 0; w < 3; ++w) threads[w].join();
  stop = true;
  for (size_t t = 3; t < threads.size(); ++t) threads[t].join();
  // Reader 1 is in every writer's audience: its ring (800 by default) holds all 600 posts.
  FeedQuery all{std::nullopt, std::nullopt, 1000};
  EXPECT_EQ(engine.Read(1, Fixed({}), {}, all)->size(), 3u * kPostsPerWriter);
}

TEST(FeedEngine, ReportsMemory) {
  FeedEngine engine;
  ASSERT_TRUE(engine.Read(7, Fixed({{2, 1}, {1, 1}}), {}, {}).ok());
  FeedStats stats = engine.stats();
  EXPECT_EQ(stats.timelines, 1u);
  EXPECT_EQ(stats.entries, 2u);
  EXPECT_GE(stats.bytes, 2 * sizeof(FeedEntry));
}

}  // namespace
}  // namespace agora::feed
