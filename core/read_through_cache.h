// ReadThroughCache: values read from the store, kept in memory, never older than a committed
// change.
//
// Writers Put() (or Erase()) after every committed change, and each change counts. A reader that
// misses takes Generation() before it reads the store, then Offer()s what it read: the offer is
// dropped when any change came in between, so a slow reader can never put back a value older
// than a committed change. With a capacity the least recently used values are evicted.
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
  // At most `capacity` values; 0 keeps every value.
  explicit ReadThroughCache(size_t capacity = 0) : capacity_(capacity) {}
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

 private:
  using Entry = std::pair<Key, Value>;

  void Store(const Key& key, const Value& value) REQUIRES(mu_) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      it->second->second = value;
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    lru_.emplace_front(key, value);
    index_.emplace(key, lru_.begin());
    if (capacity_ != 0 && lru_.size() > capacity_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  void Remove(const Key& key) REQUIRES(mu_) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    lru_.erase(it->second);
    index_.erase(it);
  }

  // Constant after construction.
  const size_t capacity_;  // 0: no bound

  // Guarded by mu_.
  mutable Mutex mu_;
  std::list<Entry> lru_ GUARDED_BY(mu_);  // most recently used first
  std::unordered_map<Key, typename std::list<Entry>::iterator, Hash> index_ GUARDED_BY(mu_);
  uint64_t changes_ GUARDED_BY(mu_) = 0;  // Put, Erase and EraseIf calls so far
};

}  // namespace agora
