// WorkerThread: one named background thread, the queue of work it takes from and the way to
// stop it.
//
// The owner Start()s the thread with its loop. The loop sleeps with Take() (until work is
// queued, Stop() begins or a deadline passes) or SleepUntil() (until Stop() or a deadline),
// and returns once either says the thread is stopping. Stop() refuses new work, lets the loop
// take what was queued before, and joins. Used by the store's writer, the live hub and the
// search indexer.
//
// Thread-safety: Post, stopping and Stop from any thread (Stop not from the worker itself);
// Take and SleepUntil from the worker thread only; Start once, before Stop.
#pragma once

#include <pthread.h>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "core/mutex.h"

namespace agora {

template <typename Task = std::function<void()>>
class WorkerThread {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr Clock::time_point kNever = Clock::time_point::max();

  // `name` is what debuggers and `top -H` show (its first 15 bytes).
  explicit WorkerThread(std::string name) : name_(std::move(name)) {}
  ~WorkerThread() { Stop(); }
  WorkerThread(const WorkerThread&) = delete;
  WorkerThread& operator=(const WorkerThread&) = delete;

  // Starts the thread, which runs `loop` once.
  void Start(std::function<void()> loop) EXCLUDES(join_mu_) {
    MutexLock lock(&join_mu_);
    thread_ = std::thread([this, loop = std::move(loop)] {
      pthread_setname_np(pthread_self(), name_.substr(0, 15).c_str());
      loop();
    });
  }

  // Queues `task` and wakes the thread. False, and `task` dropped, once Stop() began.
  bool Post(Task task) EXCLUDES(mu_) {
    {
      MutexLock lock(&mu_);
      if (stopping_) return false;
      queue_.push_back(std::move(task));
    }
    wake_.Signal();
    return true;
  }

  // On the thread: waits until a task is queued, Stop() begins or `deadline` passes, then
  // moves up to `max` queued tasks, oldest first, onto the end of `out`. False when stopping
  // and nothing is left: the loop returns. True with nothing taken when `deadline` passed.
  bool Take(std::vector<Task>& out, size_t max, Clock::time_point deadline = kNever) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    while (!stopping_ && queue_.empty() && WaitUntil(deadline)) {
    }
    if (queue_.empty()) return !stopping_;
    for (size_t taken = 0; taken < max && !queue_.empty(); ++taken) {
      out.push_back(std::move(queue_.front()));
      queue_.pop_front();
    }
    return true;
  }

  // On the thread: sleeps until Stop() begins or `deadline` passes. False when stopping.
  bool SleepUntil(Clock::time_point deadline) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    while (!stopping_ && WaitUntil(deadline)) {
    }
    return !stopping_;
  }

  bool stopping() const EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return stopping_;
  }

  // Refuses new tasks, wakes the thread, and returns once it ended (the loop taking what was
  // queued before). Idempotent; never from the worker thread itself.
  void Stop() EXCLUDES(mu_, join_mu_) {
    {
      MutexLock lock(&mu_);
      stopping_ = true;
    }
    wake_.SignalAll();
    MutexLock lock(&join_mu_);
    if (thread_.joinable()) thread_.join();
  }

 private:
  // One wait on wake_; false when `deadline` passed.
  bool WaitUntil(Clock::time_point deadline) REQUIRES(mu_) {
    if (deadline == kNever) {
      wake_.Wait(mu_);
      return true;
    }
    return wake_.WaitUntil(mu_, deadline);
  }

  // Constant after construction.
  const std::string name_;

  // Guarded by mu_; wake_ is signalled when a task is queued or Stop() begins.
  mutable Mutex mu_;
  CondVar wake_;
  std::deque<Task> queue_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;

  // Guarded by join_mu_: set by Start(), joined by Stop().
  Mutex join_mu_;
  std::thread thread_ GUARDED_BY(join_mu_);
};

}  // namespace agora
