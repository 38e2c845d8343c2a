#include "feed/feed_engine.h"

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>

#include "core/mutex.h"

namespace agora::feed {

class FeedEngine::Table {
 public:
  explicit Table(size_t capacity) : capacity_(capacity) {}

  // Runs `change` on the timeline of `id` if it is in memory; if it is loading, runs it once
  // the load is done. Nothing happens to a timeline that is not in memory. With `evict`, a
  // timeline in memory is dropped instead, so that its next read loads it again; one that is
  // loading may hold what the store had before the change, so it gets `change`, serves the
  // read that loaded it, and is dropped after.
  void IfPresent(Id id, std::function<void(Timeline&)> change, bool evict = false) {
    Shard& shard = ShardFor(id);
    MutexLock lock(&shard.mu);
    auto it = shard.slots.find(id);
    if (it == shard.slots.end()) return;
    if (it->second.loading) {
      it->second.deferred.push_back(std::move(change));
      it->second.stale = it->second.stale || evict;
      return;
    }
    if (evict) {
      shard.slots.erase(it);
    } else {
      change(*it->second.timeline);
    }
  }

  // Inserts `entry` into every recipient's timeline that is in memory, taking each shard's
  // lock once: the hot path of fan-out.
  void InsertMany(FeedEntry entry, std::span<const Id> recipients) {
    thread_local std::array<std::vector<Id>, kShards> by_shard;
    for (auto& bucket : by_shard) bucket.clear();
    for (Id id : recipients) by_shard[ShardIndex(id)].push_back(id);
    for (size_t i = 0; i < kShards; ++i) {
      if (by_shard[i].empty()) continue;
      Shard& shard = shards_[i];
      MutexLock lock(&shard.mu);
      // Two passes: find every slot and prefetch where its entry will go, then insert, so the
      // cache misses of one recipient overlap those of the next.
      thread_local std::vector<Slot*> slots;
      slots.clear();
      for (Id id : by_shard[i]) {
        auto it = shard.slots.find(id);
        if (it == shard.slots.end()) continue;
        slots.push_back(&it->second);
        if (it->second.timeline) it->second.timeline->PrefetchNewest();
      }
      for (Slot* slot : slots) {
        if (slot->loading) {
          slot->deferred.push_back([entry](Timeline& t) { t.Insert(entry); });
        } else {
          slot->timeline->Insert(entry);
        }
      }
    }
  }

  // Runs `read` on the timeline of `id`, loading it first if needed.
  template <typename Fn>
  Status WithLoaded(Id id, const Loader& load, Fn read) {
    Shard& shard = ShardFor(id);
    MutexLock lock(&shard.mu);
    for (;;) {
      auto it = shard.slots.find(id);
      if (it != shard.slots.end() && !it->second.loading) {
        read(*it->second.timeline);
        return Status::Ok();
      }
      if (it == shard.slots.end()) break;
      shard.loaded.Wait(shard.mu);  // another reader is loading it
    }
    shard.slots[id].loading = true;
    shard.mu.Unlock();
    auto entries = load();
    shard.mu.Lock();
    auto it = shard.slots.find(id);
    if (!entries.ok()) {
      shard.slots.erase(it);
      shard.loaded.SignalAll();
      return entries.status();
    }
    Slot& slot = it->second;
    slot.timeline.emplace(capacity_);
    for (auto e = entries->rbegin(); e != entries->rend(); ++e) slot.timeline->Insert(*e);
    for (const auto& change : slot.deferred) change(*slot.timeline);
    slot.deferred.clear();
    slot.loading = false;
    shard.loaded.SignalAll();
    read(*slot.timeline);
    if (slot.stale) shard.slots.erase(it);
    return Status::Ok();
  }

  void AddTo(FeedStats& stats) const {
    for (const auto& shard : shards_) {
      MutexLock lock(&shard.mu);
      for (const auto& [id, slot] : shard.slots) {
        if (!slot.timeline) continue;
        ++stats.timelines;
        stats.entries += slot.timeline->size();
        stats.bytes += slot.timeline->allocated_bytes();
      }
    }
  }

 private:
  struct Slot {
    // Inline: one cache miss fewer per delivery; empty while loading.
    std::optional<Timeline> timeline;
    bool loading = false;
    bool stale = false;  // evicted while loading: dropped once the load's read is served
    std::vector<std::function<void(Timeline&)>> deferred;  // changes that came during the load
  };
  struct Shard {
    // Guarded by mu; `loaded` is signalled when a slot's load ends.
    mutable Mutex mu;
    CondVar loaded;
    // Open addressing: a delivery costs one probe instead of a bucket and a node.
    boost::unordered_flat_map<Id, Slot> slots GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 64;

  static size_t ShardIndex(Id id) { return static_cast<uint64_t>(id) % kShards; }
  Shard& ShardFor(Id id) { return shards_[ShardIndex(id)]; }

  const size_t capacity_;
  std::array<Shard, kShards> shards_;
};

FeedEngine::FeedEngine(FeedOptions options)
    : options_(options),
      readers_(std::make_unique<Table>(options.timeline_capacity)),
      sources_(std::make_unique<Table>(options.source_capacity)) {}

FeedEngine::~FeedEngine() = default;

void FeedEngine::Deliver(FeedEntry entry, std::span<const Id> recipients) {
  readers_->InsertMany(entry, recipients);
}

void FeedEngine::RecordSourcePost(FeedEntry entry) {
  sources_->IfPresent(entry.source_id, [entry](Timeline& t) { t.Insert(entry); });
}

void FeedEngine::AddEntries(Id reader, std::span<const FeedEntry> entries) {
  std::vector<FeedEntry> copy(entries.begin(), entries.end());
  readers_->IfPresent(reader, [copy](Timeline& t) {
    for (const auto& e : copy) t.Insert(e);
  });
}

void FeedEngine::RemoveSource(Id reader, Id source_id) {
  // Taking the source's entries out of a full ring would leave it short of the older posts of
  // the other sources that the ring pushed out: rebuilt from the store, it holds them again.
  readers_->IfPresent(
      reader, [source_id](Timeline& t) { t.RemoveSource(source_id); }, /*evict=*/true);
}

Result<std::vector<FeedEntry>> FeedEngine::Read(Id reader, const Loader& load_timeline,
                                                std::span<const PullSource> pulls,
                                                const FeedQuery& query) {
  std::vector<FeedEntry> merged;
  auto take = [&](const Timeline& t) {
    std::vector<FeedEntry> part = query.before || !query.after ? t.Before(query.before, query.limit)
                                                               : t.After(*query.after, query.limit);
    merged.insert(merged.end(), part.begin(), part.end());
  };
  AGORA_RETURN_IF_ERROR(readers_->WithLoaded(reader, load_timeline, take));
  for (const auto& pull : pulls) {
    AGORA_RETURN_IF_ERROR(sources_->WithLoaded(pull.source_id, pull.load, take));
  }
  std::sort(merged.begin(), merged.end(),
            [](const FeedEntry& a, const FeedEntry& b) { return a.post_id > b.post_id; });
  merged.erase(
      std::unique(merged.begin(), merged.end(),
                  [](const FeedEntry& a, const FeedEntry& b) { return a.post_id == b.post_id; }),
      merged.end());
  if (merged.size() > query.limit) {
    if (query.before || !query.after) {
      merged.resize(query.limit);  // the newest below the cursor
    } else {
      // The nearest above the cursor.
      auto excess = static_cast<std::ptrdiff_t>(merged.size() - query.limit);
      merged.erase(merged.begin(), merged.begin() + excess);
    }
  }
  return merged;
}

FeedStats FeedEngine::stats() const {
  FeedStats stats;
  readers_->AddTo(stats);
  sources_->AddTo(stats);
  return stats;
}

}  // namespace agora::feed
