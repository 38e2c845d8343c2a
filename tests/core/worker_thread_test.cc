#include "core/worker_thread.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace agora {
namespace {

using namespace std::chrono_literals;

TEST(WorkerThread, StopRunsEveryTaskQueuedBefore) {
  WorkerThread<int> worker("test-worker");
  std::vector<int> seen;  // the worker's own until Stop() joined it
  worker.Start([&] {
    std::vector<int> batch;
    while (worker.Take(batch, 2)) {
      seen.insert(seen.end(), batch.begin(), batch.end());
      batch.clear();
    }
  });
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(worker.Post(i));
  worker.Stop();
  ASSERT_EQ(seen.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(seen[i], i);
}

TEST(WorkerThread, PostAfterStopIsRefused) {
  WorkerThread<int> worker("test-worker");
  worker.Start([&] {
    std::vector<int> batch;
    while (worker.Take(batch, 10)) batch.clear();
  });
  worker.Stop();
  EXPECT_FALSE(worker.Post(1));
  worker.Stop();  // idempotent
}

TEST(WorkerThread, TakeReturnsEmptyWhenTheDeadlinePasses) {
  WorkerThread<int> worker("test-worker");
  std::atomic<int> timeouts{0};
  worker.Start([&] {
    std::vector<int> batch;
    while (worker.Take(batch, 10, WorkerThread<int>::Clock::now() + 1ms)) {
      if (batch.empty()) ++timeouts;
      batch.clear();
    }
  });
  while (timeouts.load() < 3) std::this_thread::sleep_for(1ms);
  worker.Stop();
}

TEST(WorkerThread, StopWakesASleeper) {
  WorkerThread<> worker("test-worker");
  std::atomic<bool> slept_through{false};
  worker.Start([&] {
    while (worker.SleepUntil(WorkerThread<>::Clock::now() + 1h)) slept_through = true;
  });
  auto start = std::chrono::steady_clock::now();
  worker.Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 10s);
  EXPECT_FALSE(slept_through.load());
  EXPECT_TRUE(worker.stopping());
}

TEST(WorkerThread, StopWithoutStartDoesNothing) {
  WorkerThread<> worker("test-worker");
  worker.Stop();
  EXPECT_TRUE(worker.stopping());
}

}  // namespace
}  // namespace agora
