#include "feed/timeline.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

namespace agora::feed {
namespace {

std::vector<Id> Ids(const std::vector<FeedEntry>& entries) {
  std::vector<Id> out;
  for (const auto& e : entries) out.push_back(e.post_id);
  return out;
}

TEST(Timeline, ReturnsNewestFirst) {
  Timeline t(10);
  for (Id id = 1; id <= 5; ++id) t.Insert({id, 100});
  EXPECT_EQ(Ids(t.Before(std::nullopt, 3)), (std::vector<Id>{5, 4, 3}));
}

TEST(Timeline, KeepsOnlyTheNewestUpToCapacity) {
  Timeline t(4);
  for (Id id = 1; id <= 10; ++id) t.Insert({id, 100});
  EXPECT_EQ(t.size(), 4u);
  EXPECT_EQ(Ids(t.Before(std::nullopt, 10)), (std::vector<Id>{10, 9, 8, 7}));
  t.Insert({3, 100});  // older than everything kept: not inserted
  EXPECT_EQ(Ids(t.Before(std::nullopt, 10)), (std::vector<Id>{10, 9, 8, 7}));
}

TEST(Timeline, OrdersOutOfOrderInsertsAndIgnoresDuplicates) {
  Timeline t(5);
  for (Id id : {5, 1, 3, 9, 7, 3, 8}) t.Insert({id, 100});
  EXPECT_EQ(Ids(t.Before(std::nullopt, 10)), (std::vector<Id>{9, 8, 7, 5, 3}));
}

TEST(Timeline, MatchesASortedReferenceUnderRandomInserts) {
  std::mt19937 rng(7);
  Timeline t(50);
  std::vector<Id> reference;
  for (int i = 0; i < 2000; ++i) {
    Id id = 1 + static_cast<Id>(rng() % 5000);
    t.Insert({id, 1});
    if (std::find(reference.begin(), reference.end(), id) == reference.end()) {
      reference.push_back(id);
      std::sort(reference.rbegin(), reference.rend());
      if (reference.size() > 50) reference.pop_back();
    }
  }
  // The timeline may have refused an id older than all 50 it kept; the reference did too.
  EXPECT_EQ(Ids(t.Before(std::nullopt, 100)), reference);
}

TEST(Timeline, BeforeAndAfterCursorsPartitionWithoutOverlap) {
  Timeline t(100);
  for (Id id = 10; id <= 50; id += 10) t.Insert({id, 1});
  EXPECT_EQ(Ids(t.Before(30, 10)), (std::vector<Id>{20, 10}));
  EXPECT_EQ(Ids(t.After(30, 10)), (std::vector<Id>{50, 40}));
  EXPECT_EQ(Ids(t.After(10, 2)), (std::vector<Id>{30, 20}));  // the two just above
  EXPECT_TRUE(t.Before(10, 10).empty());
  EXPECT_TRUE(t.After(50, 10).empty());
}

TEST(Timeline, RemoveSourceTakesOnlyThatSourcesEntries) {
  Timeline t(4);
  for (Id id = 1; id <= 6; ++id) t.Insert({id, id % 2 == 0 ? 2 : 1});  // wraps the ring
  t.RemoveSource(2);
  EXPECT_EQ(Ids(t.Before(std::nullopt, 10)), (std::vector<Id>{5, 3}));
  t.Insert({7, 2});
  t.Insert({8, 1});
  EXPECT_EQ(Ids(t.Before(std::nullopt, 10)), (std::vector<Id>{8, 7, 5, 3}));
}

TEST(Timeline, EntriesAreSixteenBytes) { EXPECT_EQ(sizeof(FeedEntry), 16u); }

}  // namespace
}  // namespace agora::feed
