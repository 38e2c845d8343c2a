#include "core/id.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <vector>

namespace agora {
namespace {

constexpr UnixMillis kNov2026 = 1795330000000;

TEST(IdGenerator, IdsIncreaseWhileTheClockStandsStill) {
  ManualClock clock(kNov2026);
  IdGenerator ids(clock, 3);
  Id previous = ids.next();
  for (int i = 0; i < 10000; ++i) {  // more than the 4096 sequence values of one millisecond
    Id next = ids.next();
    ASSERT_GT(next, previous);
    previous = next;
  }
}

TEST(IdGenerator, IdsIncreaseWhenTheClockStepsBack) {
  ManualClock clock(kNov2026);
  IdGenerator ids(clock, 0);
  Id before = ids.next();
  clock.advance_ms(-5000);
  EXPECT_GT(ids.next(), before);
}

TEST(IdGenerator, AdvancePastSkipsIdsAlreadyStored) {
  ManualClock clock(kNov2026);
  IdGenerator earlier_run(clock, 0);
  Id stored = 0;
  for (int i = 0; i < 10; ++i) stored = earlier_run.next();
  clock.advance_ms(-60'000);  // the clock went back across a restart
  IdGenerator this_run(clock, 0);
  this_run.AdvancePast(stored);
  EXPECT_GT(this_run.next(), stored);
}

TEST(IdGenerator, IdsSortAfterThoseObservedFromANodeWhoseClockRunsAhead) {
  ManualClock ahead(kNov2026 + 800);
  ManualClock behind(kNov2026);
  IdGenerator node_a(ahead, 1);
  IdGenerator node_b(behind, 2);
  Id from_a = node_a.next();
  EXPECT_LT(node_b.next(), from_a);  // what skew does without Observe
  node_b.Observe(from_a);
  EXPECT_GT(node_b.next(), from_a);
}

TEST(IdGenerator, IgnoresIdsFromAClockTooFarAhead) {
  ManualClock wrong(kNov2026 + IdGenerator::kMaxObservedLeadMs + 1);
  ManualClock right(kNov2026);
  IdGenerator wrong_node(wrong, 1);
  IdGenerator node(right, 2);
  node.Observe(wrong_node.next());
  EXPECT_EQ(IdGenerator::TimeOf(node.next()), kNov2026);
}

TEST(IdGenerator, EncodesCreationTime) {
  ManualClock clock(kNov2026);
  IdGenerator ids(clock, 7);
  EXPECT_EQ(IdGenerator::TimeOf(ids.next()), kNov2026);
  clock.advance_ms(1234);
  EXPECT_EQ(IdGenerator::TimeOf(ids.next()), kNov2026 + 1234);
}

TEST(IdGenerator, IsUniqueAcrossThreads) {
  IdGenerator ids(SystemClock::instance(), 1);
  std::vector<std::vector<Id>> per_thread(4);
  std::vector<std::thread> threads;
  for (auto& out : per_thread) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) out.push_back(ids.next());
    });
  }
  for (auto& t : threads) t.join();
  std::set<Id> all;
  for (const auto& out : per_thread) all.insert(out.begin(), out.end());
  EXPECT_EQ(all.size(), 20000u);
}

TEST(IdGenerator, RefusesNodeOutOfRange) {
  EXPECT_THROW(IdGenerator(SystemClock::instance(), 1024), std::invalid_argument);
}

TEST(ParseId, AcceptsDecimalRoundTrip) {
  EXPECT_EQ(ParseId(IdToString(382784201830694912)), 382784201830694912);
}

TEST(ParseId, RefusesAnythingButAPositiveDecimal) {
  for (const char* bad :
       {"", "0", "-5", "+5", "12a", " 12", "1e5", "99999999999999999999", "0x10"}) {
    EXPECT_FALSE(ParseId(bad).has_value()) << bad;
  }
}

TEST(FormatRfc3339, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(FormatRfc3339(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(1795330000123), "2026-11-22T06:46:40.123Z");
}

}  // namespace
}  // namespace agora
