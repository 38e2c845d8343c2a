// AtOnce: two actions released at the same instant, for the tests that race a rule.
#pragma once

#include <atomic>
#include <functional>
#include <thread>

namespace agora::integration {

// Runs `a` and `b` on two threads released at the same instant.
inline void AtOnce(const std::function<void()>& a, const std::function<void()>& b) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  auto run = [&](const std::function<void()>& fn) {
    ready.fetch_add(1);
    while (!go.load()) std::this_thread::yield();
    fn();
  };
  std::thread first(run, a);
  std::thread second(run, b);
  while (ready.load() < 2) std::this_thread::yield();
  go.store(true);
  first.join();
  second.join();
}

}  // namespace agora::integration
