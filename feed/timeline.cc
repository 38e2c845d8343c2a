#include "feed/timeline.h"

#include <algorithm>

namespace agora::feed {

void Timeline::Insert(FeedEntry entry) {
  if (capacity_ == 0) return;
  size_t pos = size_;
  while (pos > 0 && at(pos - 1).post_id > entry.post_id) --pos;  // usually no step: newest
  if (pos > 0 && at(pos - 1).post_id == entry.post_id) return;
  if (size_ == capacity_) {
    if (pos == 0) return;
    start_ = (start_ + 1) % ring_.size();
    --size_;
    --pos;
  }
  if (size_ == ring_.size()) {  // not yet at capacity, so start_ == 0
    if (ring_.size() == ring_.capacity()) {
      ring_.reserve(std::min(capacity_, std::max<size_t>(8, ring_.size() * 2)));
    }
    ring_.push_back(entry);
  }
  for (size_t i = size_; i > pos; --i) at(i) = at(i - 1);
  at(pos) = entry;
  ++size_;
}

void Timeline::RemoveSource(Id source_id) {
  std::vector<FeedEntry> kept;
  kept.reserve(size_);
  for (size_t i = 0; i < size_; ++i) {
    if (at(i).source_id != source_id) kept.push_back(at(i));
  }
  if (kept.size() == size_) return;
  // The kept entries, linearised, so the ring can grow again from a zero start.
  ring_ = std::move(kept);
  start_ = 0;
  size_ = ring_.size();
}

size_t Timeline::LowerBound(Id id) const {
  size_t lo = 0, hi = size_;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (at(mid).post_id < id) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

std::vector<FeedEntry> Timeline::Before(std::optional<Id> before, size_t limit) const {
  size_t end = before ? LowerBound(*before) : size_;
  std::vector<FeedEntry> out;
  out.reserve(std::min(limit, end));
  for (size_t i = end; i > 0 && out.size() < limit; --i) out.push_back(at(i - 1));
  return out;
}

std::vector<FeedEntry> Timeline::After(Id after, size_t limit) const {
  size_t begin = LowerBound(after == INT64_MAX ? after : after + 1);
  size_t end = std::min(size_, begin + limit);
  std::vector<FeedEntry> out;
  out.reserve(end - begin);
  for (size_t i = end; i > begin; --i) out.push_back(at(i - 1));
  return out;
}

}  // namespace agora::feed
