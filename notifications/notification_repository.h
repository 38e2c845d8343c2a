// NotificationRepository: notifications in SQLite, newest first, with their read state.
//
// Thread-safe; every method blocks on SQLite (call from worker threads). Writes go through the
// store's group-commit writer and return after their commit. Ids are SQLite row ids (assigned
// in commit order, so "newest first" is "largest id first"); they are not IdGenerator ids.
// Access rules (who may be told what) belong to services/notification_service.h.
#pragma once

#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/page.h"
#include "core/status.h"
#include "notifications/notification.h"
#include "storage/store.h"

namespace agora::notifications {

class NotificationRepository {
 public:
  // `store` and `clock` must outlive the repository.
  NotificationRepository(storage::Store& store, const Clock& clock)
      : store_(store), clock_(clock) {}

  // Stores `items` in one transaction and returns what was stored, in order. A reaction folds
  // into its recipient's unread reaction notification of the same post (count + 1, the new
  // actor, a new id); a follow while an unread follow from the same actor exists is skipped.
  // Runs inside the caller's transaction (the change the notifications report).
  Result<std::vector<Notification>> Add(storage::Connection& c,
                                        const std::vector<NewNotification>& items);

  // One notification; nullopt when absent (a reaction folded into a newer one, or removed).
  Result<std::optional<Notification>> Find(Id id);
  // The recipient's notifications, newest first; page cursors are notification ids.
  Result<Page<Notification>> List(Id recipient, bool unread_only, const PageRequest& page);
  // Unread counts grouped by audience (see UnreadGroup).
  Result<std::vector<UnreadGroup>> UnreadGroups(Id recipient);

  // Marks the recipient's notifications among `ids` read; ids that are not theirs are ignored.
  Status MarkRead(Id recipient, const std::vector<Id>& ids);
  Status MarkAllRead(Id recipient);
  // Inside the transaction of the change: marks the recipient's unread notifications of `type`
  // about the deal read.
  Status MarkReadAboutDeal(storage::Connection& c, Id recipient, Id deal_id, NotificationType type);
  // Inside the transaction that deletes the post: deletes every notification about it.
  Status RemoveAboutPost(storage::Connection& c, Id post_id);

 private:
  storage::Store& store_;
  const Clock& clock_;
};

}  // namespace agora::notifications
