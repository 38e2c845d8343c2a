// LoginThrottle: counts login events per key (an account, an address, an account at an
// address) in a sliding window, and says when a key has reached its limit.
//
// In memory by design: a restart forgets the counts, which only ever lets an attacker start
// over once per restart. Memory is bounded: at most `max_keys` keys, the least recently
// counted one forgotten first, each holding at most `limit` times. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <list>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/mutex.h"

namespace agora::profiles {

struct ThrottleOptions {
  int limit = 10;
  int64_t window_ms = int64_t{15} * 60 * 1000;
  size_t max_keys = 100000;  // bounds memory under a spray of distinct keys
};

class LoginThrottle {
 public:
  // `clock` must outlive the throttle.
  LoginThrottle(const Clock& clock, ThrottleOptions options);

  // Seconds until `key` may try again, or nullopt when it is under its limit.
  std::optional<int64_t> retry_after_seconds(const std::string& key);
  // Whether `key` has anything counted in the window.
  bool contains(const std::string& key);
  void record(const std::string& key);
  void clear(const std::string& key);
  // How many keys are held (for /metrics and tests).
  size_t size() const;

 private:
  struct Entry {
    std::deque<UnixMillis> times;
    std::list<std::string>::iterator recency;  // its place in recency_
  };
  // `key`'s entry with the times older than the window dropped; null when none is left.
  Entry* Live(const std::string& key, UnixMillis now) REQUIRES(mu_);

  // Constant after construction.
  const Clock& clock_;
  const ThrottleOptions options_;

  // Guarded by mu_.
  mutable Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mu_);
  std::list<std::string> recency_ GUARDED_BY(mu_);  // least recently counted first
};

}  // namespace agora::profiles
