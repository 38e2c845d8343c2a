// ReadThroughCache: values read from the store, kept in memory, never older than a committed
// change.
//
// Writers Put() (or Erase()) after every committed change, and each change counts. A reader that
// misses takes Generation() before it reads the store, then Offer()s what it read: the offer is
// dropped when any change came in between, so a slow reader can never put back a value older
// than a committed change. With a capacity (a count, and optionally bytes as a weigher counts
// them) the least recently used values are evicted.
//
// Thread-safe; one mutex for the whole cache (shard several for less contention, as PostCache
// does).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/mutex.h"

namespace agora {

template <typename Key, typename Value, typename Hash = std::hash<Key>>
class ReadThroughCache {
 public:
  // The bytes a value holds, for a cache bounded by bytes as well as by count.
  using Weigher = std::function<size_t(const Value&)>;

  // At most `capacity` values (0: any number) and, with a `weigh`, at most `max_bytes` bytes
  // of them (0: any size).
  explicit ReadThroughCache(size_t capacity = 0, size_t max_bytes = 0, Weigher weigh = {})
      : capacity_(capacity), max_bytes_(max_bytes), weigh_(std::move(weigh)) {}
  ReadThroughCache(const ReadThroughCache&) = delete;
  ReadThroughCache& operator=(const ReadThroughCache&) = delete;

  // The cached value, which becomes the most recently used; nullopt on a miss.
  std::optional<Value> Get(const Key& key) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    auto it = index_.find(key);
    if (it == index_.end()) return std::nullopt;
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->second;
  }

  // A token for Offer(): the number of changes so far. Take it before reading the store.
  uint64_t Generation() const EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return changes_;
  }

  // Caches `value`, read from the store after Generation() returned `generation`, unless a
  // change came since: then it is dropped and the answer is false (the value may be stale).
  // A value cached meanwhile is kept.
  bool Offer(const Key& key, const Value& value, uint64_t generation) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    if (changes_ != generation) return false;
    if (!index_.contains(key)) Store(key, value);
    return true;
  }

  // A committed change: `value` is now the truth for `key`.
  void Put(const Key& key, const Value& value) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    ++changes_;
    Store(key, value);
  }

  // A committed change that removed `key`.
  void Erase(const Key& key) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    ++changes_;
    Remove(key);
  }

  // A committed change that removed every value for which `match(value)` holds.
  template <typename Match>
  void EraseIf(const Match& match) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    ++changes_;
    for (auto it = lru_.begin(); it != lru_.end();) {
      if (match(it->second)) {
        bytes_ -= Weight(it->second);
        index_.erase(it->first);
        it = lru_.erase(it);
      } else {
        ++it;
      }
    }
  }

  // Drops the value of `key` without counting a change: it is no newer in the store, only of
  // no more use (e.g. expired).
  void Evict(const Key& key) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    Remove(key);
  }

  size_t size() const EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return lru_.size();
  }

  // The bytes held, as the weigher counts them (0 without one).
  size_t bytes() const EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return bytes_;
  }

 private:
  using Entry = std::pair<Key, Value>;

  size_t Weight(const Value& value) const { return weigh_ ? weigh_(value) : 0; }

  void Store(const Key& key, const Value& value) REQUIRES(mu_) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      bytes_ = bytes_ - Weight(it->second->second) + Weight(value);
      it->second->second = value;
      lru_.splice(lru_.begin(), lru_, it->second);
    } else {
      lru_.emplace_front(key, value);
      index_.emplace(key, lru_.begin());
      bytes_ += Weight(value);
    }
    while ((capacity_ != 0 && lru_.size() > capacity_) ||
           (max_bytes_ != 0 && bytes_ > max_bytes_ && !lru_.empty())) {
      bytes_ -= Weight(lru_.back().second);
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  void Remove(const Key& key) REQUIRES(mu_) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    bytes_ -= Weight(it->second->second);
    lru_.erase(it->second);
    index_.erase(it);
  }

  // Constant after construction.
  const size_t capacity_;   // 0: no bound
  const size_t max_bytes_;  // 0: no bound
  const Weigher weigh_;     // empty: values are not weighed

  // Guarded by mu_.
  mutable Mutex mu_;
  std::list<Entry> lru_ GUARDED_BY(mu_);  // most recently used first
  std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> index_ GUARDED_BY(mu_);
  uint64_t changes_ GUARDED_BY(mu_) = 0;  // Put, Erase and EraseIf calls so far
  size_t bytes_ GUARDED_BY(mu_) = 0;      // the weights of the values held
};

}  // namespace agora
