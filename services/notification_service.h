// NotificationService: who is told what, and reading one's notifications.
//
// Thread-safe; every method blocks on SQLite (call from worker threads, or the hub's thread).
// Rules:
// - nobody is notified of their own action, nor by a deactivated account, nor while their own
//   account is deactivated (checked when a notification is made);
// - nobody is notified of content they cannot read (services/audience.h), checked when it is
//   made and again whenever it is read or pushed: a notification about a post in a community
//   the recipient has since left reads as absent;
// - notifications about a deleted post are deleted with it.
// The On* hooks run inside the transaction of the change they report: the notifications commit
// with the change or not at all, and reach live streams only after that commit: this node's
// at once, other nodes' through the outbox (one entry per notification pushed, ApplyRemote).
#pragma once

#include <optional>
#include <vector>

#include "communities/community.h"
#include "communities/community_repository.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "notifications/notification.h"
#include "notifications/notification_repository.h"
#include "posts/post.h"
#include "posts/post_repository.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "services/live_events.h"
#include "services/post_view.h"
#include "storage/transaction.h"

namespace agora::services {

class FeedService;

struct NotificationView {
  notifications::Notification notification;
  profiles::UserSummary actor;
  std::optional<PostView> post;                     // absent for follows and invitations
  std::optional<communities::Community> community;  // the post's or the one concerned
};

class NotificationService {
 public:
  // Every reference must outlive the service.
  NotificationService(notifications::NotificationRepository& repo, profiles::UserRepository& users,
                      communities::CommunityRepository& communities, FeedService& feed,
                      LiveEvents& live);

  // A post is written: its mentions, the parent's author for a reply, everyone (company-wide)
  // or the community's members for an announcement.
  Status OnPostCreated(storage::Transaction& tx, const posts::Post& post,
                       std::optional<Id> parent_author);
  Status OnReaction(storage::Transaction& tx, Id actor, const posts::Post& post);
  Status OnFollow(storage::Transaction& tx, Id follower, Id followee);
  // A private community's owners and moderators hear of a pending request.
  Status OnJoinRequest(storage::Transaction& tx, Id requester, Id community_id);
  Status OnInvitation(storage::Transaction& tx, Id moderator, Id invitee, Id community_id);
  // To the community's owners and moderators, or to the admins for a company-wide post.
  Status OnReport(storage::Transaction& tx, Id reporter, const posts::Post& post);
  Status OnPostDeleted(storage::Transaction& tx, Id post_id);
  // A deal became won: its owner is asked for a story, even when they recorded the win
  // themselves (the one exception to "nobody is told of their own action").
  Status OnDealWon(storage::Transaction& tx, Id actor, Id owner, Id deal_id);
  // A story was attached to the deal: the owner's request for it is marked read.
  Status OnStoryAttached(storage::Transaction& tx, Id owner, Id deal_id);
  // The author of `answer` hears that `actor` accepted it on `question` (the notification's post).
  Status OnAnswerAccepted(storage::Transaction& tx, Id actor, const posts::Post& question,
                          const posts::Post& answer);

  // A leaver's handover (services/account_service.h): the receiver of a community they owned
  // alone, or of an open deal, hears of it from the acting admin.
  Status OnCommunityHandedOver(storage::Transaction& tx, Id actor, Id receiver, Id community_id);
  Status OnDealHandedOver(storage::Transaction& tx, Id actor, Id receiver, Id deal_id);

  // Newest first; items the viewer may no longer read are left out of the page.
  Result<Page<NotificationView>> List(const Viewer& viewer, bool unread_only,
                                      const PageRequest& page);
  Result<int64_t> UnreadCount(const Viewer& viewer);
  // Ids that are not the viewer's are ignored. At most PageRequest::kMaxLimit ids
  // (kUnprocessable "invalid_ids" otherwise).
  Status MarkRead(const Viewer& viewer, const std::vector<Id>& ids);
  Status MarkAllRead(const Viewer& viewer);

  // Another node stored the notification (its outbox entry): it is pushed to the recipient's
  // live streams on this node, as that node pushed it to its own. Nothing when it is gone.
  // On the outbox tailer's thread.
  Status ApplyRemote(Id notification_id);

  // The notification as its recipient may see it now; nullopt when they may not.
  Result<std::optional<NotificationView>> ViewFor(const notifications::Notification& n);

 private:
  // Stores what passes the rules (self, deactivated actor or recipient, audience) in `tx` and
  // pushes it live once `tx` committed.
  Status Notify(storage::Transaction& tx, Id actor,
                std::vector<notifications::NewNotification> items);
  // Inside `tx`: an outbox entry for each stored notification to push, pushed here once `tx`
  // committed. Announcements are not pushed: they reach every open stream as a `post` event.
  Status Push(storage::Transaction& tx, std::vector<notifications::Notification> stored);
  Result<std::vector<NotificationView>> Views(const Viewer& viewer,
                                              std::vector<notifications::Notification> items);
  // Owners and moderators of a community (at most 100 of each).
  Result<std::vector<Id>> Moderators(storage::Connection& c, Id community_id);

  // Constant after construction.
  notifications::NotificationRepository& repo_;
  profiles::UserRepository& users_;
  communities::CommunityRepository& communities_;
  FeedService& feed_;
  LiveEvents& live_;
};

}  // namespace agora::services
