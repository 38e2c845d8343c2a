// LiveEvents: what the services tell the live-stream hub (server/live_hub.h implements it).
//
// Every method only copies the event and hands it over: they are called on the store's writer
// thread (after a commit, in commit order) and on worker threads, and must never block on
// sockets or SQLite. The hub re-checks every event against the audience when it sends it.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/id.h"
#include "notifications/notification.h"
#include "posts/post.h"
#include "sales/campaign.h"
#include "sales/deal.h"
#include "sales/leaderboard.h"

namespace agora::services {

// A campaign's person standings changed (services/campaign_service.h).
struct LeaderboardEvent {
  sales::Campaign campaign;
  sales::Currency currency;                           // the reporting currency of amounts
  std::vector<sales::Standing> top;                   // the first Leaderboard::kTopSize persons
  std::shared_ptr<const std::vector<Id>> recipients;  // participants, sorted by id
  // A recipient's own standing, read when the hub sends to them.
  std::function<std::optional<sales::Standing>(Id user)> standing_of;
};

// A deal became won: a celebration for those who may see it.
struct DealWonEvent {
  sales::Deal deal;
  sales::Currency currency;  // the deal's own
  // Everyone who may see the deal, sorted by id, each with the campaigns it counts in that
  // they may see.
  std::vector<std::pair<Id, std::vector<Id>>> recipients;
};

class LiveEvents {
 public:
  virtual ~LiveEvents() = default;

  // A top-level post committed; `recipients` as FeedService::OnPostCommitted got them
  // (nullopt for a source too large to fan out). Called on the writer thread.
  virtual void PostCommitted(const posts::Post& post,
                             const std::optional<std::vector<Id>>& recipients) = 0;
  // A post was deleted (by its author, a moderator or an admin).
  virtual void PostDeleted(const posts::Post& post) = 0;
  // A notification was stored for its recipient.
  virtual void Notified(const notifications::Notification& notification) = 0;
  // The session of `token` ended (logout): its sockets close.
  virtual void SessionEnded(const std::string& token) = 0;
  // The account was deactivated: every socket of `user_id` closes.
  virtual void AccountDeactivated(Id user_id) = 0;
  // The account was reactivated: its new sessions may open streams again.
  virtual void AccountReactivated(Id /*user_id*/) {}
  // Sales: called on the writer thread, after a deal's commit.
  virtual void LeaderboardChanged(const LeaderboardEvent& event) = 0;
  virtual void DealWon(const DealWonEvent& event) = 0;
};

// Forwards to a sink attached later (the hub is made by `agora serve`, after the services);
// drops events while none is attached. Attach before serving and detach only once nothing can
// call any more (the store and the worker pools stopped).
class LiveEventsRelay final : public LiveEvents {
 public:
  void Attach(LiveEvents* target) { target_.store(target); }

  void PostCommitted(const posts::Post& post,
                     const std::optional<std::vector<Id>>& recipients) override {
    if (auto* t = target_.load()) t->PostCommitted(post, recipients);
  }
  void PostDeleted(const posts::Post& post) override {
    if (auto* t = target_.load()) t->PostDeleted(post);
  }
  void Notified(const notifications::Notification& notification) override {
    if (auto* t = target_.load()) t->Notified(notification);
  }
  void SessionEnded(const std::string& token) override {
    if (auto* t = target_.load()) t->SessionEnded(token);
  }
  void AccountDeactivated(Id user_id) override {
    if (auto* t = target_.load()) t->AccountDeactivated(user_id);
  }
  void AccountReactivated(Id user_id) override {
    if (auto* t = target_.load()) t->AccountReactivated(user_id);
  }
  void LeaderboardChanged(const LeaderboardEvent& event) override {
    if (auto* t = target_.load()) t->LeaderboardChanged(event);
  }
  void DealWon(const DealWonEvent& event) override {
    if (auto* t = target_.load()) t->DealWon(event);
  }

 private:
  std::atomic<LiveEvents*> target_{nullptr};
};

}  // namespace agora::services
