// LoginThrottle: counts failed logins per key (an account, an address) in a sliding window.
//
// In memory by design: a restart forgets the counts, which only ever lets an attacker start
// over once per restart. Thread-safe.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/clock.h"

namespace agora::profiles {

struct ThrottleOptions {
  int max_failures = 10;
  int64_t window_ms = int64_t{15} * 60 * 1000;
  size_t max_keys = 100000;  // bounds memory under a spray of distinct keys
};

class LoginThrottle {
 public:
  // `clock` must outlive the throttle.
  LoginThrottle(const Clock& clock, ThrottleOptions options);

  // Seconds until `key` may try again, or nullopt when it may try now.
  std::optional<int64_t> retry_after_seconds(const std::string& key);
  void record_failure(const std::string& key);
  void clear(const std::string& key);

 private:
  void Expire(std::deque<UnixMillis>& failures, UnixMillis now) const;

  const Clock& clock_;  // constant after construction
  const ThrottleOptions options_;

  std::mutex mu_;
  std::unordered_map<std::string, std::deque<UnixMillis>> failures_;  // guarded by mu_
};

}  // namespace agora::profiles
