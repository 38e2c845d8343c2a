#include "server/event_window.h"

#include <algorithm>

namespace agora::server {

void EventWindow::Append(WindowEvent event) {
  if (capacity_ == 0) {
    dropped_through_ = event.event_id;
    return;
  }
  events_.push_back(std::move(event));
  while (events_.size() > capacity_) {
    dropped_through_ = events_.front().event_id;
    events_.pop_front();
  }
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
