#include "feed/feed_engine.h"

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>

namespace agora::feed {

class FeedEngine::Table {
 public:
  explicit Table(size_t capacity) : capacity_(capacity) {}

  // Runs `change` on the timeline of `id` if it is in memory; if it is loading, runs it once
  // the load is done. Nothing happens to a timeline that is not in memory.
  void IfPresent(Id id, std::function<void(Timeline&)> change) {
    Shard& shard = ShardFor(id);
    std::lock_guard lock(shard.mu);
    auto it = shard.slots.find(id);
    if (it == shard.slots.end()) return;
    if (it->second.loading) {
      it->second.deferred.push_back(std::move(change));
      return;
    }
    change(*it->second.timeline);
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
      std::lock_guard lock(shard.mu);
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
    std::unique_lock lock(shard.mu);
    for (;;) {
      auto it = shard.slots.find(id);
      if (it != shard.slots.end() && !it->second.loading) {
        read(*it->second.timeline);
        return Status::Ok();
      }
      if (it == shard.slots.end()) break;
      shard.loaded.wait(lock);  // another reader is loading it
    }
    shard.slots[id].loading = true;
    lock.unlock();
    auto entries = load();
    lock.lock();
    auto it = shard.slots.find(id);
    if (!entries.ok()) {
      shard.slots.erase(it);
      shard.loaded.notify_all();
      return entries.status();
    }
    Slot& slot = it->second;
    slot.timeline.emplace(capacity_);
    for (auto e = entries->rbegin(); e != entries->rend(); ++e) slot.timeline->Insert(*e);
    for (const auto& change : slot.deferred) change(*slot.timeline);
    slot.deferred.clear();
    slot.loading = false;
    shard.loaded.notify_all();
    read(*slot.timeline);
    return Status::Ok();
  }

  void AddTo(FeedStats& stats) const {
    for (const auto& shard : shards_) {
      std::lock_guard lock(shard.mu);
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
    std::optional<Timeline>
        timeline;  // inline: one cache miss fewer per delivery; empty while loading
    bool loading = false;
    std::vector<std::function<void(Timeline&)>> deferred;  // changes that came during the load
  };
  struct Shard {
    mutable std::mutex mu;
    std::condition_variable loaded;
    // Open addressing: a delivery costs one probe instead of a bucket and a node.
    boost::unordered_flat_map<Id, Slot> slots;  // guarded by mu
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
  readers_->IfPresent(reader, [source_id](Timeline& t) { t.RemoveSource(source_id); });
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
