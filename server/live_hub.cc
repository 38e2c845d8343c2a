#include "server/live_hub.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <unordered_set>

#include "core/clock.h"
#include "core/logfmt.h"
#include "server/render_live.h"

namespace agora::server {
namespace {

// Logged-out tokens remembered so a socket authenticated just before the logout is refused
// when it subscribes just after; a session lookup refuses them from then on anyway.
constexpr size_t kEndedTokensMax = 100'000;

// Subscriptions (each with its replay) taken per turn of the hub's loop, between which the
// live events queued meanwhile go out.
constexpr size_t kSubscriptionsPerTurn = 8;

// What the window keeps of a post: enough to decide who receives it, not its text.
posts::Post Slim(const posts::Post& post) {
  posts::Post slim;
  slim.id = post.id;
  slim.author_id = post.author_id;
  slim.community_id = post.community_id;
  slim.kind = post.kind;
  slim.in_reply_to = post.in_reply_to;
  return slim;
}

}  // namespace

LiveHub::LiveHub(services::StreamService& streams, StreamOptions options)
    : streams_(streams),
      options_(options),
      thread_("agora-hub"),
      event_ids_(SystemClock::instance(), 1),
      window_(options.window, options.window_bytes, event_ids_.next()) {
  thread_.Start([this] { Run(); });
}

LiveHub::~LiveHub() { Stop(); }

void LiveHub::Stop() {
  thread_.Stop();
  // Subscribed after the loop ended: nothing will serve them.
  std::deque<WaitingSubscription> late;
  {
    MutexLock lock(&subscriptions_mu_);
    late.swap(subscriptions_);
    pending_subscribes_ = 0;
  }
  for (auto& waiting : late) waiting.socket->Close(kCloseGoingAway, "server shutting down");
}

void LiveHub::Enqueue(std::function<void()> task) {
  thread_.Post(std::move(task));  // dropped once stopping
}

void LiveHub::Run() {
  auto next_session_check = std::chrono::steady_clock::now() + options_.session_check_interval;
  auto next_guest_check = std::chrono::steady_clock::now() + options_.guest_check_interval;
  std::vector<std::function<void()>> batch;
  auto wake_at = [&] {
    return guest_subscribers_ > 0 ? std::min(next_session_check, next_guest_check)
                                  : next_session_check;
  };
  // Ends when stopping, once every queued task ran and every waiting subscription was served.
  bool more_waiting = false;
  while (
      thread_.Take(batch, SIZE_MAX, more_waiting ? std::chrono::steady_clock::now() : wake_at()) ||
      more_waiting) {
    auto now = std::chrono::steady_clock::now();
    if (now >= next_session_check) {
      CloseEndedSessions(false);
      next_session_check = now + options_.session_check_interval;
      next_guest_check = now + options_.guest_check_interval;
    } else if (now >= next_guest_check) {
      if (guest_subscribers_ > 0) CloseEndedSessions(true);
      next_guest_check = now + options_.guest_check_interval;
    }
    for (auto& task : batch) {
      try {
        task();
      } catch (const std::exception& e) {
        spdlog::error("event=hub_task_failed what={}", LogValue(e.what()));
      }
    }
    batch.clear();
    // After the events: a storm of subscriptions delays a live event by a few replays at most.
    more_waiting = SubscribeWaiting();
  }
}

bool LiveHub::SubscribeWaiting() {
  std::vector<WaitingSubscription> turn;
  {
    MutexLock lock(&subscriptions_mu_);
    while (turn.size() < kSubscriptionsPerTurn && !subscriptions_.empty()) {
      turn.push_back(std::move(subscriptions_.front()));
      subscriptions_.pop_front();
    }
    pending_subscribes_ = subscriptions_.size();
  }
  for (auto& waiting : turn) {
    try {
      AddSubscriber(waiting.socket, waiting.viewer, std::move(waiting.token),
                    waiting.last_event_id);
    } catch (const std::exception& e) {
      spdlog::error("event=hub_subscribe_failed what={}", LogValue(e.what()));
    }
  }
  MutexLock lock(&subscriptions_mu_);
  return !subscriptions_.empty();
}

HubStats LiveHub::stats() const {
  return {events_.load(),
          deliveries_.load(),
          slow_closed_.load(),
          shed_.load(),
          sockets_.load(),
          pending_subscribes_.load(),
          pending_subscribes_max_.load(),
          window_events_.load(),
          window_bytes_.load()};
}

void LiveHub::Remember(WindowEvent event) {
  window_.Append(std::move(event));
  window_events_ = window_.size();
  window_bytes_ = window_.bytes();
}

void LiveHub::PostCommitted(const posts::Post& post,
                            const std::optional<std::vector<Id>>& recipients) {
  if (post.in_reply_to) return;  // replies stay under their parent
  Enqueue([this, post, recipients] { PublishPost(post, recipients); });
}

void LiveHub::PostDeleted(const posts::Post& post) {
  Enqueue([this, post = Slim(post)] { PublishDelete(post); });
}

void LiveHub::Notified(const notifications::Notification& n) {
  Enqueue([this, n] { PublishNotification(n); });
}

void LiveHub::SessionEnded(const std::string& token) {
  Enqueue([this, token] {
    if (ended_tokens_.size() >= kEndedTokensMax) ended_tokens_.clear();
    ended_tokens_.insert(token);
    CloseWhere([&](Id, const Subscriber& s) { return s.token == token; }, kClosePolicy,
               "session ended");
  });
}

void LiveHub::CloseEndedSessions(bool guests_only) {
  std::unordered_map<std::string, bool> ended;  // by token: a user's sockets often share one
  CloseWhere(
      [&](Id, const Subscriber& s) {
        if (guests_only && !s.guest) return false;
        auto known = ended.find(s.token);
        if (known != ended.end()) return known->second;
        auto viewer = Authenticate(s.token);
        // Only a token the store refuses ends a stream; a failing read is no verdict.
        bool gone = !viewer.ok() && viewer.status().code() == StatusCode::kUnauthenticated;
        ended.emplace(s.token, gone);
        return gone;
      },
      kClosePolicy, "session ended");
}

void LiveHub::AccountDeactivated(Id user_id) {
  Enqueue([this, user_id] {
    ended_users_.insert(user_id);
    CloseWhere([&](Id user, const Subscriber&) { return user == user_id; }, kClosePolicy,
               "account deactivated");
  });
}

void LiveHub::AccountReactivated(Id user_id) {
  Enqueue([this, user_id] { ended_users_.erase(user_id); });
}

void LiveHub::LeaderboardChanged(const services::LeaderboardEvent& event) {
  Enqueue([this, event] {
    auto top = std::make_shared<const std::string>(RenderLeaderboardTop(event));
    PublishToAudience(
        LiveKind::kLeaderboard, event.recipients, [event, top](Id event_id, Id reader) {
          return std::make_shared<const std::string>(
              RenderLiveLeaderboard(event_id, event, event.standing_of(reader), *top));
        });
  });
}

void LiveHub::DealWon(const services::DealWonEvent& event) {
  auto shared = std::make_shared<const services::DealWonEvent>(event);
  auto audience = std::make_shared<std::vector<Id>>();
  for (const auto& [reader, campaigns] : event.recipients) audience->push_back(reader);
  Enqueue([this, shared, audience = std::shared_ptr<const std::vector<Id>>(audience)] {
    PublishToAudience(LiveKind::kDealWon, audience, [shared](Id event_id, Id reader) {
      const auto& recipients = shared->recipients;
      auto it = std::lower_bound(recipients.begin(), recipients.end(), reader,
                                 [](const auto& r, Id id) { return r.first < id; });
      static const std::vector<Id> kNone;
      const auto& campaign_ids = it != recipients.end() && it->first == reader ? it->second : kNone;
      return std::make_shared<const std::string>(
          RenderLiveDealWon(event_id, *shared, campaign_ids));
    });
  });
}

void LiveHub::Subscribe(std::shared_ptr<StreamSocket> socket, Viewer viewer, std::string token,
                        std::optional<Id> last_event_id) {
  {
    MutexLock lock(&subscriptions_mu_);
    if (subscriptions_.size() < options_.pending_subscribes) {
      subscriptions_.push_back({socket, viewer, std::move(token), last_event_id});
      size_t pending = subscriptions_.size();
      pending_subscribes_ = pending;
      if (pending > pending_subscribes_max_) pending_subscribes_max_ = pending;
      socket = nullptr;
    }
  }
  if (socket) {
    ++shed_;
    socket->Close(kCloseTryAgain, "server busy: reconnect shortly");
    return;
  }
  Enqueue([] {});  // wakes the hub's thread, which serves subscriptions after events
}

void LiveHub::Unsubscribe(StreamSocket* socket) {
  Enqueue([this, socket] { RemoveSubscriber(socket); });
}

void LiveHub::CloseAll() {
  Enqueue([this] {
    CloseWhere([](Id, const Subscriber&) { return true; }, kCloseGoingAway, "server shutting down");
  });
}

std::vector<Id> LiveHub::ConnectedUsers() const {
  std::vector<Id> out;
  out.reserve(by_user_.size());
  for (const auto& [user, subscribers] : by_user_) out.push_back(user);
  return out;
}

void LiveHub::SendTo(Id user, const std::shared_ptr<const std::string>& payload) {
  auto it = by_user_.find(user);
  if (it == by_user_.end()) return;
  for (const auto& s : it->second) {
    if (auto socket = s.socket.lock()) {
      socket->Send(payload);
      ++deliveries_;
    }
  }
}

void LiveHub::PublishPost(const posts::Post& post,
                          const std::optional<std::vector<Id>>& recipients) {
  auto view = streams_.View(post);
  if (!view.ok() || !*view) return;
  Id event_id = event_ids_.next();
  auto payload = std::make_shared<const std::string>(RenderLivePost(
      event_id, **view, options_.public_url ? As2Iris(*options_.public_url) : As2Iris("")));
  Remember({event_id, LiveKind::kPost, Slim(post), {}, payload, nullptr, nullptr});
  ++events_;
  if (by_user_.empty()) return;
  auto readers = streams_.PostReaders(post, recipients, ConnectedUsers());
  if (!readers.ok()) {
    spdlog::error("event=hub_readers_failed post={} message={}", post.id,
                  LogValue(readers.status().message()));
    return;
  }
  for (Id reader : *readers) SendTo(reader, payload);
}

void LiveHub::PublishDelete(const posts::Post& post) {
  Id event_id = event_ids_.next();
  auto payload = std::make_shared<const std::string>(RenderLiveDelete(event_id, post.id));
  Remember({event_id, LiveKind::kDelete, post, {}, payload, nullptr, nullptr});
  ++events_;
  if (by_user_.empty()) return;
  auto readers = streams_.DeleteReaders(post, ConnectedUsers());
  if (!readers.ok()) return;
  for (Id reader : *readers) SendTo(reader, payload);
}

void LiveHub::PublishNotification(const notifications::Notification& n) {
  auto view = streams_.Notification(n);  // the recipient's access, now
  if (!view.ok() || !*view) return;
  Id event_id = event_ids_.next();
  auto payload = std::make_shared<const std::string>(RenderLiveNotification(event_id, **view));
  Remember({event_id, LiveKind::kNotification, {}, n, payload, nullptr, nullptr});
  ++events_;
  SendTo(n.recipient_id, payload);
}

void LiveHub::PublishToAudience(
    LiveKind kind, std::shared_ptr<const std::vector<Id>> audience,
    std::function<std::shared_ptr<const std::string>(Id event_id, Id reader)> payload_for) {
  Id event_id = event_ids_.next();
  auto for_reader = [payload_for = std::move(payload_for), event_id](Id reader) {
    return payload_for(event_id, reader);
  };
  WindowEvent event{event_id, kind, {}, {}, nullptr, audience, for_reader};
  Remember(std::move(event));
  ++events_;
  // Walk the smaller side: the connected readers or the audience.
  auto send = [&](Id reader) {
    if (std::binary_search(audience->begin(), audience->end(), reader)) {
      SendTo(reader, for_reader(reader));
    }
  };
  if (by_user_.size() < audience->size()) {
    for (const auto& [reader, subscribers] : by_user_) send(reader);
  } else {
    for (Id reader : *audience) {
      if (by_user_.contains(reader)) SendTo(reader, for_reader(reader));
    }
  }
}

bool LiveHub::MemberOf(ReplayReader& reader, Id community_id) {
  if (!reader.communities) {
    auto ids = streams_.CommunitiesOf(reader.viewer.user_id);
    reader.communities.emplace();
    if (ids.ok()) reader.communities->insert(ids->begin(), ids->end());  // else: none, safely
  }
  return reader.communities->contains(community_id);
}

// The rules of StreamService::PostReaders and DeleteReaders, for one reader.
bool LiveHub::Receives(ReplayReader& reader, const WindowEvent& event) {
  const Id user = reader.viewer.user_id;
  switch (event.kind) {
    case LiveKind::kPost:
    case LiveKind::kDelete: {
      const posts::Post& post = event.post;
      if (post.community_id) return MemberOf(reader, *post.community_id);
      if (reader.viewer.is_guest()) return false;  // nothing company-wide for guests
      if (event.kind == LiveKind::kDelete || post.kind == posts::PostKind::kAnnouncement ||
          post.author_id == user) {
        return true;
      }
      auto known = reader.follows.find(post.author_id);
      if (known != reader.follows.end()) return known->second;
      auto follows = streams_.Follows(user, post.author_id);
      bool receives = follows.ok() && *follows;
      reader.follows.emplace(post.author_id, receives);
      return receives;
    }
    case LiveKind::kNotification: {
      if (event.notification.recipient_id != user) return false;
      auto view = streams_.Notification(event.notification);
      return view.ok() && view->has_value();
    }
    case LiveKind::kLeaderboard:
    case LiveKind::kDealWon:
      return std::binary_search(event.audience->begin(), event.audience->end(), user);
  }
  return false;
}

void LiveHub::AddSubscriber(const std::shared_ptr<StreamSocket>& socket, Viewer viewer,
                            std::string token, std::optional<Id> last_event_id) {
  if (ended_users_.contains(viewer.user_id) || ended_tokens_.contains(token)) {
    socket->Close(kClosePolicy, "session ended");
    return;
  }
  auto open = by_user_.find(viewer.user_id);
  if (open != by_user_.end() && open->second.size() >= options_.streams_per_account) {
    socket->Close(kClosePolicy, "too many streams for this account");
    return;
  }
  if (last_event_id) {
    auto missed = Missed(viewer, *last_event_id);
    deliveries_ += missed.size();
    socket->Replay(std::move(missed));
  }
  user_of_[socket.get()] = viewer.user_id;
  by_user_[viewer.user_id].push_back({socket.get(), socket, std::move(token), viewer.is_guest()});
  if (viewer.is_guest()) ++guest_subscribers_;
}

std::vector<std::shared_ptr<const std::string>> LiveHub::Missed(const Viewer& viewer,
                                                                Id last_event_id) {
  std::vector<std::shared_ptr<const std::string>> missed;
  auto replay = window_.After(last_event_id);
  if (!replay.complete) {
    missed.push_back(std::make_shared<const std::string>(RenderLiveNotice(
        "gap", "events after last_event_id are no longer kept; reload the pages")));
  }
  // A post deleted since is not sent again; its delete event follows in the window.
  std::unordered_set<Id> deleted;
  for (const WindowEvent* event : replay.events) {
    if (event->kind == LiveKind::kDelete) deleted.insert(event->post.id);
  }
  ReplayReader reader{viewer, std::nullopt, {}};
  for (const WindowEvent* event : replay.events) {
    if (event->kind == LiveKind::kPost && deleted.contains(event->post.id)) continue;
    if (Receives(reader, *event)) {
      missed.push_back(event->payload_for ? event->payload_for(viewer.user_id) : event->payload);
    }
  }
  return missed;
}

void LiveHub::RemoveSubscriber(StreamSocket* key) {
  auto it = user_of_.find(key);
  if (it == user_of_.end()) return;
  auto list = by_user_.find(it->second);
  if (list != by_user_.end()) {
    std::erase_if(list->second, [&](const Subscriber& s) {
      if (s.key != key) return false;
      if (s.guest) --guest_subscribers_;
      return true;
    });
    if (list->second.empty()) by_user_.erase(list);
  }
  user_of_.erase(it);
}

void LiveHub::CloseWhere(const std::function<bool(Id, const Subscriber&)>& match, uint16_t code,
                         const std::string& reason) {
  std::vector<StreamSocket*> closed;
  for (auto& [user, subscribers] : by_user_) {
    for (const auto& s : subscribers) {
      if (!match(user, s)) continue;
      if (auto socket = s.socket.lock()) socket->Close(code, reason);
      closed.push_back(s.key);
    }
  }
  for (StreamSocket* key : closed) RemoveSubscriber(key);
}

}  // namespace agora::server
