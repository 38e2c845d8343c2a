#include "profiles/login_throttle.h"

namespace agora::profiles {

LoginThrottle::LoginThrottle(const Clock& clock, ThrottleOptions options)
    : clock_(clock), options_(options) {}

void LoginThrottle::Expire(std::deque<UnixMillis>& failures, UnixMillis now) const {
  while (!failures.empty() && failures.front() <= now - options_.window_ms) failures.pop_front();
}

std::optional<int64_t> LoginThrottle::retry_after_seconds(const std::string& key) {
  MutexLock lock(&mu_);
  auto it = failures_.find(key);
  if (it == failures_.end()) return std::nullopt;
  UnixMillis now = clock_.now_ms();
  Expire(it->second, now);
  if (static_cast<int>(it->second.size()) < options_.max_failures) return std::nullopt;
  // Free again once the oldest counted failure leaves the window.
  int64_t wait_ms = it->second.front() + options_.window_ms - now;
  return std::max<int64_t>(1, (wait_ms + 999) / 1000);
}

void LoginThrottle::record_failure(const std::string& key) {
  MutexLock lock(&mu_);
  UnixMillis now = clock_.now_ms();
  if (failures_.size() >= options_.max_keys && !failures_.contains(key)) {
    // Drop keys whose failures have all expired; if that frees nothing, drop any one key.
    for (auto it = failures_.begin(); it != failures_.end();) {
      Expire(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
    if (failures_.size() >= options_.max_keys) failures_.erase(failures_.begin());
  }
  auto& failures = failures_[key];
  Expire(failures, now);
  failures.push_back(now);
  while (static_cast<int>(failures.size()) > options_.max_failures) failures.pop_front();
}

void LoginThrottle::clear(const std::string& key) {
  MutexLock lock(&mu_);
  failures_.erase(key);
}

}  // namespace agora::profiles
