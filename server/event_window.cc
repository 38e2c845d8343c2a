#include "server/event_window.h"

#include <algorithm>

namespace agora::server {

size_t WindowEventBytes(const WindowEvent& event) {
  return sizeof(WindowEvent) + (event.payload ? event.payload->size() : 0) +
         (event.audience ? event.audience->size() * sizeof(Id) : 0);
}

void EventWindow::Append(WindowEvent event) {
  bytes_ += WindowEventBytes(event);
  events_.push_back(std::move(event));
  while (!events_.empty() && (events_.size() > capacity_ || bytes_ > max_bytes_)) DropOldest();
}

void EventWindow::DropOldest() {
  dropped_through_ = events_.front().event_id;
  bytes_ -= WindowEventBytes(events_.front());
  events_.pop_front();
}

EventWindow::Replay EventWindow::After(Id last_event_id) const {
  Replay out;
  out.complete = last_event_id >= dropped_through_;
  auto first = std::upper_bound(events_.begin(), events_.end(), last_event_id,
                                [](Id id, const WindowEvent& e) { return id < e.event_id; });
  for (auto it = first; it != events_.end(); ++it) out.events.push_back(&*it);
  return out;
}

}  // namespace agora::server
