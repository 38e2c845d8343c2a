// EventWindow: the recent live events, kept so that a client reconnecting with the last event
// id it saw gets what it missed. Pure data structure; not thread-safe (the hub's thread owns
// it).
//
// The window is global, not per person: it keeps the last `capacity` events of every kind
// with what is needed to decide, at replay, whether a given reader receives each one (the
// audience is checked again then). Event ids increase in append order.
#pragma once

#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/id.h"
#include "notifications/notification.h"
#include "posts/post.h"

namespace agora::server {

// kLeaderboard and kDealWon go to an audience fixed when they happen, each reader with a
// message of their own (their standing, the campaigns they may see).
enum class LiveKind { kPost, kDelete, kNotification, kLeaderboard, kDealWon };

struct WindowEvent {
  Id event_id = 0;
  LiveKind kind = LiveKind::kPost;
  posts::Post post;                                 // kPost, kDelete: without its text
  notifications::Notification notification;         // kNotification: its recipient_id decides
  std::shared_ptr<const std::string> payload;       // the message as sent
  std::shared_ptr<const std::vector<Id>> audience;  // kLeaderboard, kDealWon: sorted ids
  // kLeaderboard, kDealWon: the message for one reader of the audience.
  std::function<std::shared_ptr<const std::string>(Id reader)> payload_for;
};

// What an event holds in memory, about: the message dominates (a post's rendered item), the
// rest is fixed size or an audience's ids.
size_t WindowEventBytes(const WindowEvent& event);

class EventWindow {
 public:
  // Keeps at most `capacity` events and `max_bytes` of them (WindowEventBytes): a count alone
  // would let a run of long posts hold 4,096 large messages. Events with ids up to `floor` are
  // unknown to this window (e.g. from before a restart): a replay after such an id is
  // incomplete.
  EventWindow(size_t capacity, size_t max_bytes, Id floor = 0)
      : capacity_(capacity), max_bytes_(max_bytes), dropped_through_(floor) {}

  // Appends an event whose id is larger than every earlier one; drops the oldest beyond
  // either bound (the new event too, when it alone is over `max_bytes`).
  void Append(WindowEvent event);

  struct Replay {
    std::vector<const WindowEvent*> events;  // after the given id, oldest first
    bool complete = true;  // false: some events after that id were already dropped
  };
  // Events after `last_event_id`. Pointers stay valid until the next Append.
  Replay After(Id last_event_id) const;

  size_t size() const { return events_.size(); }
  size_t bytes() const { return bytes_; }

 private:
  void DropOldest();

  const size_t capacity_;
  const size_t max_bytes_;
  std::deque<WindowEvent> events_;
  size_t bytes_ = 0;    // WindowEventBytes of events_
  Id dropped_through_;  // the largest event id dropped (or unknown) so far
};

// A FIFO of at most `limit` items: Push refuses beyond it (the caller then drops the client
// rather than let memory grow or slow anyone else). Not thread-safe.
template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t limit) : limit_(limit) {}
  // False (and nothing queued) when full.
  bool Push(T item) {
    if (items_.size() >= limit_) return false;
    items_.push_back(std::move(item));
    return true;
  }
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  T& front() { return items_.front(); }
  void pop() { items_.pop_front(); }
  // Drops everything but the front item (which may be being written).
  void KeepFront() {
    if (items_.size() > 1) items_.erase(items_.begin() + 1, items_.end());
  }

 private:
  const size_t limit_;
  std::deque<T> items_;
};

}  // namespace agora::server
