#include "profiles/login_throttle.h"

#include <algorithm>

namespace agora::profiles {

LoginThrottle::LoginThrottle(const Clock& clock, ThrottleOptions options)
    : clock_(clock), options_(options) {}

LoginThrottle::Entry* LoginThrottle::Live(const std::string& key, UnixMillis now) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  auto& times = it->second.times;
  while (!times.empty() && times.front() <= now - options_.window_ms) times.pop_front();
  if (!times.empty()) return &it->second;
  recency_.erase(it->second.recency);
  entries_.erase(it);
  return nullptr;
}

std::optional<int64_t> LoginThrottle::retry_after_seconds(const std::string& key) {
  MutexLock lock(&mu_);
  UnixMillis now = clock_.now_ms();
  Entry* entry = Live(key, now);
  if (!entry || static_cast<int>(entry->times.size()) < options_.limit) return std::nullopt;
  // Free again once the oldest counted time leaves the window.
  int64_t wait_ms = entry->times.front() + options_.window_ms - now;
  return std::max<int64_t>(1, (wait_ms + 999) / 1000);
}

bool LoginThrottle::contains(const std::string& key) {
  MutexLock lock(&mu_);
  return Live(key, clock_.now_ms()) != nullptr;
}

void LoginThrottle::record(const std::string& key) {
  MutexLock lock(&mu_);
  UnixMillis now = clock_.now_ms();
  Entry* entry = Live(key, now);
  if (!entry) {
    if (entries_.size() >= options_.max_keys) {
      entries_.erase(recency_.front());
      recency_.pop_front();
    }
    recency_.push_back(key);
    entry = &entries_.emplace(key, Entry{{}, std::prev(recency_.end())}).first->second;
  } else {
    recency_.splice(recency_.end(), recency_, entry->recency);
  }
  entry->times.push_back(now);
  while (static_cast<int>(entry->times.size()) > options_.limit) entry->times.pop_front();
}

void LoginThrottle::clear(const std::string& key) {
  MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return;
  recency_.erase(it->second.recency);
  entries_.erase(it);
}

size_t LoginThrottle::size() const {
  MutexLock lock(&mu_);
  return entries_.size();
}

}  // namespace agora::profiles
