#include "server/event_window.h"

#include <gtest/gtest.h>

namespace agora::server {
namespace {

constexpr size_t kNoByteLimit = SIZE_MAX;

WindowEvent Event(Id id) {
  WindowEvent e;
  e.event_id = id;
  e.payload = std::make_shared<const std::string>("event " + std::to_string(id));
  return e;
}

std::vector<Id> Ids(const EventWindow::Replay& replay) {
  std::vector<Id> out;
  for (const WindowEvent* e : replay.events) out.push_back(e->event_id);
  return out;
}

TEST(EventWindowTest, ReplaysEventsAfterTheGivenIdOldestFirst) {
  EventWindow window(10, kNoByteLimit);
  for (Id id : {3, 5, 8, 13}) window.Append(Event(id));
  auto replay = window.After(5);
  EXPECT_TRUE(replay.complete);
  EXPECT_EQ(Ids(replay), (std::vector<Id>{8, 13}));
  EXPECT_EQ(Ids(window.After(6)), (std::vector<Id>{8, 13}));
  EXPECT_TRUE(window.After(13).events.empty());
}

TEST(EventWindowTest, KeepsOnlyTheNewestCapacityEvents) {
  EventWindow window(3, kNoByteLimit);
  for (Id id = 1; id <= 5; ++id) window.Append(Event(id));
  EXPECT_EQ(window.size(), 3u);
  EXPECT_EQ(Ids(window.After(0)), (std::vector<Id>{3, 4, 5}));
}

TEST(EventWindowTest, SaysWhenEventsAfterTheIdWereDropped) {
  EventWindow window(3, kNoByteLimit);
  for (Id id = 1; id <= 5; ++id) window.Append(Event(id));
  EXPECT_FALSE(window.After(1).complete);  // 2 is gone
  EXPECT_TRUE(window.After(2).complete);   // 3, 4, 5 are all there
  EXPECT_EQ(Ids(window.After(2)), (std::vector<Id>{3, 4, 5}));
}

TEST(EventWindowTest, IdsFromBeforeTheFloorAreIncomplete) {
  EventWindow window(10, kNoByteLimit, 100);
  window.Append(Event(101));
  EXPECT_FALSE(window.After(50).complete);  // e.g. an id from before a restart
  EXPECT_TRUE(window.After(100).complete);
  EXPECT_EQ(Ids(window.After(100)), (std::vector<Id>{101}));
}

TEST(EventWindowTest, ZeroCapacityKeepsNothing) {
  EventWindow window(0, kNoByteLimit);
  window.Append(Event(7));
  EXPECT_EQ(window.size(), 0u);
  EXPECT_FALSE(window.After(6).complete);
}

WindowEvent EventOf(Id id, size_t message_bytes) {
  WindowEvent e;
  e.event_id = id;
  e.payload = std::make_shared<const std::string>(message_bytes, 'x');
  return e;
}

TEST(EventWindowTest, KeepsOnlyWhatFitsInItsBytesWhateverTheCount) {
  const size_t one = WindowEventBytes(EventOf(0, 10'000));
  EventWindow window(4096, 3 * one);
  for (Id id = 1; id <= 5; ++id) window.Append(EventOf(id, 10'000));
  EXPECT_EQ(Ids(window.After(0)), (std::vector<Id>{3, 4, 5}));
  EXPECT_EQ(window.bytes(), 3 * one);
  EXPECT_FALSE(window.After(1).complete);  // 2 was dropped for room
  EXPECT_TRUE(window.After(2).complete);
}

TEST(EventWindowTest, SmallEventsAfterALargeOneDropOnlyWhatTheyNeed) {
  const size_t small = WindowEventBytes(EventOf(0, 100));
  const size_t large = WindowEventBytes(EventOf(0, 50'000));
  EventWindow window(4096, large + 2 * small);
  window.Append(EventOf(1, 100));
  window.Append(EventOf(2, 50'000));
  window.Append(EventOf(3, 100));  // exactly full
  EXPECT_EQ(Ids(window.After(0)), (std::vector<Id>{1, 2, 3}));
  window.Append(EventOf(4, 100));
  EXPECT_EQ(Ids(window.After(0)), (std::vector<Id>{2, 3, 4}));
  window.Append(EventOf(5, 100));  // over by one small event: the large one goes
  EXPECT_EQ(Ids(window.After(0)), (std::vector<Id>{3, 4, 5}));
  EXPECT_EQ(window.bytes(), 3 * small);
}

TEST(EventWindowTest, AnEventLargerThanTheWholeWindowIsNotKept) {
  EventWindow window(4096, 1000);
  window.Append(EventOf(1, 10));
  window.Append(EventOf(2, 5000));
  EXPECT_EQ(window.size(), 0u);
  EXPECT_EQ(window.bytes(), 0u);
  EXPECT_FALSE(window.After(1).complete);
  EXPECT_TRUE(window.After(2).complete);
}

TEST(BoundedQueueTest, RefusesBeyondItsLimit) {
  BoundedQueue<int> queue(2);
  EXPECT_TRUE(queue.Push(1));
  EXPECT_TRUE(queue.Push(2));
  EXPECT_FALSE(queue.Push(3));
  EXPECT_EQ(queue.size(), 2u);
  EXPECT_EQ(queue.front(), 1);
  queue.pop();
  EXPECT_TRUE(queue.Push(3));
  EXPECT_EQ(queue.front(), 2);
}

TEST(BoundedQueueTest, KeepFrontDropsEverythingButTheItemBeingWritten) {
  BoundedQueue<int> queue(5);
  for (int i = 1; i <= 4; ++i) queue.Push(i);
  queue.KeepFront();
  EXPECT_EQ(queue.size(), 1u);
  EXPECT_EQ(queue.front(), 1);
  BoundedQueue<int> empty(5);
  empty.KeepFront();
  EXPECT_TRUE(empty.empty());
}

}  // namespace
}  // namespace agora::server
