// LiveHub: the live events of GET /api/v1/stream, from the services to the open sockets.
//
// The hub implements services::LiveEvents. Every call only queues a task for the hub's own
// thread and returns, so the store's writer thread and the workers never wait on sockets.
// On its thread the hub assigns the event id, renders the JSON once, asks StreamService who of
// the connected readers may receive it now (the same audience check as the pages, at send
// time), keeps the event in the recent window and posts the message to each socket's strand.
// Sockets have a bounded outbound queue each (server/websocket_session.cc): a slow one is
// closed, never waited for. The hub never includes the feed engine (check: the dependency
// file of live_hub.cc names no feed/ header). Free of Beast.
//
// Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/id.h"
#include "core/mutex.h"
#include "core/viewer.h"
#include "core/worker_thread.h"
#include "server/event_window.h"
#include "services/live_events.h"
#include "services/stream_service.h"

namespace agora::server {

class PublicUrl;  // server/as2.h

struct StreamOptions {
  size_t queue_limit = 256;   // messages waiting per socket; beyond it the socket closes (1013)
  size_t message_max = 4096;  // largest message a client may send (1009 beyond)
  std::chrono::milliseconds idle_timeout{60'000};  // no frame (pongs included) this long: close
  size_t window = 4096;            // recent events kept for resuming with last_event_id
  size_t window_bytes = 16 << 20;  // and at most this much of them (messages included)
  int send_buffer = 64 << 10;      // SO_SNDBUF of stream sockets: bounds kernel memory per socket
  // Open streams per account; one more is closed at once (1008), so one token cannot take
  // every connection of the server.
  size_t streams_per_account = 16;
  // How often every open stream's token is checked again, so a session that expired (or
  // ended without a logout, e.g. purged) closes its streams too.
  std::chrono::milliseconds session_check_interval{30'000};
  // How often the streams of guests are checked so: a guest's account ends at a set time, and
  // their streams close within this of it.
  std::chrono::milliseconds guest_check_interval{500};
  // Subscriptions (each with its replay) waiting for the hub's thread; one more is closed at
  // once (1013, reconnect later). Live events go before them (a few subscriptions a turn), so a
  // reconnect storm cannot hold back live delivery either.
  size_t pending_subscribes = 1024;
  // The base of the ActivityStreams ids in post events (server/as2.h); null: ids are paths.
  const PublicUrl* public_url = nullptr;
};

// What the hub sees of a socket (server/websocket_session.cc implements it). The methods
// are thread-safe and return at once: they post to the socket's strand.
class StreamSocket {
 public:
  virtual ~StreamSocket() = default;
  // Queues a live message; a full queue closes the socket (1013).
  virtual void Send(std::shared_ptr<const std::string> message) = 0;
  // What a resuming client missed, written before anything sent later, one message at a time
  // as the client reads them: outside the queue's limit (the window bounds it).
  virtual void Replay(std::vector<std::shared_ptr<const std::string>> messages) = 0;
  virtual void Close(uint16_t code, std::string reason) = 0;
};

// WebSocket close codes the hub and sockets use.
inline constexpr uint16_t kCloseGoingAway = 1001;  // server shutting down
inline constexpr uint16_t kClosePolicy = 1008;     // session ended: logout, deactivation
inline constexpr uint16_t kCloseTooBig = 1009;     // client message over message_max
inline constexpr uint16_t kCloseTryAgain = 1013;   // too slow, or the hub too busy: reconnect

struct HubStats {
  uint64_t events = 0;                // events published
  uint64_t deliveries = 0;            // messages handed to sockets
  uint64_t slow_closed = 0;           // sockets closed for a full queue
  uint64_t shed = 0;                  // subscriptions refused over pending_subscribes
  size_t sockets = 0;                 // open stream sockets
  size_t pending_subscribes = 0;      // subscriptions waiting for the hub's thread now
  size_t pending_subscribes_max = 0;  // the most subscriptions ever waiting at once
  size_t window_events = 0;           // events kept for resuming now
  size_t window_bytes = 0;            // what they hold (WindowEventBytes)
};

class LiveHub final : public services::LiveEvents {
 public:
  // `streams` must outlive the hub. Starts the hub's thread.
  LiveHub(services::StreamService& streams, StreamOptions options);
  ~LiveHub() override;  // Stop()s

  void PostCommitted(const posts::Post& post,
                     const std::optional<std::vector<Id>>& recipients) override;
  void PostDeleted(const posts::Post& post) override;
  void Notified(const notifications::Notification& notification) override;
  void SessionEnded(const std::string& token) override;
  void AccountDeactivated(Id user_id) override;
  void AccountReactivated(Id user_id) override;
  void LeaderboardChanged(const services::LeaderboardEvent& event) override;
  void DealWon(const services::DealWonEvent& event) override;

  // Blocks on SQLite: call from a worker thread.
  Result<Viewer> Authenticate(std::string_view token) { return streams_.Authenticate(token); }

  // A socket whose handshake completed starts receiving; with `last_event_id`, first what it
  // missed from the recent window (re-checked against the audience), in order. Live events
  // queued meanwhile go first. Over pending_subscribes waiting, the socket is closed with 1013
  // instead.
  void Subscribe(std::shared_ptr<StreamSocket> socket, Viewer viewer, std::string token,
                 std::optional<Id> last_event_id);
  // A socket going away (its destructor); `socket` is used only as a key.
  void Unsubscribe(StreamSocket* socket);
  // Sockets count themselves in and out (their constructor and destructor).
  void Opened() { ++sockets_; }
  void Closed() { --sockets_; }
  void CountSlowConsumer() { ++slow_closed_; }

  // Shutdown: every socket closes with 1001.
  void CloseAll();
  // Finishes queued tasks and subscriptions and joins the hub's thread; later events are
  // dropped, later subscriptions closed (1001). Idempotent.
  void Stop();

  const StreamOptions& options() const { return options_; }
  size_t sockets() const { return sockets_; }
  HubStats stats() const;

 private:
  struct Subscriber {
    StreamSocket* key = nullptr;
    std::weak_ptr<StreamSocket> socket;
    std::string token;
    bool guest = false;  // checked every guest_check_interval
  };

  struct WaitingSubscription {
    std::shared_ptr<StreamSocket> socket;
    Viewer viewer;
    std::string token;
    std::optional<Id> last_event_id;
  };
  // What a replay learnt of its one reader, each asked of the store at most once: a replay
  // costs two reads and one per followed author, not an audience read per event.
  struct ReplayReader {
    Viewer viewer;
    std::optional<std::unordered_set<Id>> communities;  // member of now
    std::unordered_map<Id, bool> follows;               // by author
  };

  void Enqueue(std::function<void()> task);
  void Run();
  // On the hub's thread: subscribes the oldest few waiting; true while more wait.
  bool SubscribeWaiting() EXCLUDES(subscriptions_mu_);
  // Closes the streams (of guests, when `guests_only`) whose token no longer authenticates.
  void CloseEndedSessions(bool guests_only);

  // On the hub's thread only.
  void Remember(WindowEvent event);  // in the window, for resuming clients
  void PublishPost(const posts::Post& post, const std::optional<std::vector<Id>>& recipients);
  void PublishDelete(const posts::Post& post);
  void PublishNotification(const notifications::Notification& n);
  // An event for a fixed, sorted audience, each reader with the message `payload_for` makes.
  void PublishToAudience(
      LiveKind kind, std::shared_ptr<const std::vector<Id>> audience,
      std::function<std::shared_ptr<const std::string>(Id event_id, Id reader)> payload_for);
  void AddSubscriber(const std::shared_ptr<StreamSocket>& socket, Viewer viewer, std::string token,
                     std::optional<Id> last_event_id);
  // What `viewer` missed after `last_event_id` and may receive now, in order.
  std::vector<std::shared_ptr<const std::string>> Missed(const Viewer& viewer, Id last_event_id);
  void RemoveSubscriber(StreamSocket* key);
  void CloseWhere(const std::function<bool(Id user, const Subscriber&)>& match, uint16_t code,
                  const std::string& reason);
  void SendTo(Id user, const std::shared_ptr<const std::string>& payload);
  std::vector<Id> ConnectedUsers() const;
  // Whether the replay's reader receives a window event now.
  bool Receives(ReplayReader& reader, const WindowEvent& event);
  bool MemberOf(ReplayReader& reader, Id community_id);

  // Constant after construction.
  services::StreamService& streams_;
  const StreamOptions options_;

  // Thread-safe: the hub's thread and the tasks queued for it.
  WorkerThread<std::function<void()>> thread_;

  // Guarded by subscriptions_mu_: handshakes done, waiting for the hub's thread.
  Mutex subscriptions_mu_;
  std::deque<WaitingSubscription> subscriptions_ GUARDED_BY(subscriptions_mu_);

  // Touched on the hub's thread only.
  IdGenerator event_ids_;
  EventWindow window_;
  std::unordered_map<Id, std::vector<Subscriber>> by_user_;
  std::unordered_map<StreamSocket*, Id> user_of_;
  std::unordered_set<Id> ended_users_;            // deactivated: refused if they race in
  std::unordered_set<std::string> ended_tokens_;  // logged out (bounded, see EndToken)
  size_t guest_subscribers_ = 0;

  // Atomic.
  std::atomic<size_t> sockets_{0};
  std::atomic<uint64_t> events_{0};
  std::atomic<uint64_t> deliveries_{0};
  std::atomic<uint64_t> slow_closed_{0};
  std::atomic<uint64_t> shed_{0};
  std::atomic<size_t> pending_subscribes_{0};  // subscriptions_.size(), readable without the lock
  std::atomic<size_t> pending_subscribes_max_{0};
  std::atomic<size_t> window_events_{0};  // window_.size(), readable off the hub's thread
  std::atomic<size_t> window_bytes_{0};   // window_.bytes(), likewise
};

}  // namespace agora::server
