#include "services/notification_service.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "services/audience.h"
#include "services/feed_service.h"
#include "storage/outbox.h"

namespace agora::services {
namespace {

using notifications::NewNotification;
using notifications::Notification;
using notifications::NotificationType;

}  // namespace

NotificationService::NotificationService(notifications::NotificationRepository& repo,
                                         profiles::UserRepository& users,
                                         communities::CommunityRepository& communities,
                                         FeedService& feed, LiveEvents& live)
    : repo_(repo), users_(users), communities_(communities), feed_(feed), live_(live) {}

Status NotificationService::Notify(storage::Transaction& tx, Id actor,
                                   std::vector<NewNotification> items) {
  if (items.empty()) return Status::Ok();
  storage::Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto actor_active, profiles::ActiveAmong(c, {actor}));
  if (actor_active.empty()) return Status::Ok();
  // Deactivated recipients are told nothing (announcements list active accounts already).
  std::unordered_set<Id> active;
  bool all_active = items.front().type == NotificationType::kAnnouncement;
  if (!all_active) {
    std::vector<Id> recipients;
    for (const auto& item : items) recipients.push_back(item.recipient_id);
    AGORA_ASSIGN_OR_RETURN(auto found, profiles::ActiveAmong(c, recipients));
    active.insert(found.begin(), found.end());
  }
  std::unordered_set<Id> guests;  // confined to their communities (services/audience.h)
  {
    std::vector<Id> recipients;
    for (const auto& item : items) recipients.push_back(item.recipient_id);
    AGORA_ASSIGN_OR_RETURN(auto found, profiles::GuestsAmong(c, recipients));
    guests.insert(found.begin(), found.end());
  }
  std::vector<NewNotification> allowed;
  allowed.reserve(items.size());
  for (auto& item : items) {
    if (item.recipient_id == actor || (!all_active && !active.contains(item.recipient_id))) {
      continue;
    }
    // Content the recipient cannot read is never announced to them.
    Viewer recipient{item.recipient_id};
    // The end date does not matter here, only that the recipient is confined.
    if (guests.contains(item.recipient_id)) recipient.guest_until = 0;
    AudienceCheck audience(communities_, c, recipient);
    if (item.post_id) {
      AGORA_ASSIGN_OR_RETURN(bool readable, audience.CanRead(item.community_id));
      if (!readable) continue;
    } else if (item.community_id && item.type != NotificationType::kInvitation) {
      AGORA_ASSIGN_OR_RETURN(bool visible, audience.CanSee(*item.community_id));
      if (!visible) continue;
    } else if (!item.community_id && recipient.is_guest()) {
      continue;  // a follow: a guest hears only of their communities
    }
    allowed.push_back(item);
  }
  AGORA_ASSIGN_OR_RETURN(auto stored, repo_.Add(c, allowed));
  return Push(tx, std::move(stored));
}

Status NotificationService::Push(storage::Transaction& tx, std::vector<Notification> stored) {
  std::erase_if(stored,
                [](const Notification& n) { return n.type == NotificationType::kAnnouncement; });
  for (const auto& n : stored) {
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(tx.connection(),
                                                storage::OutboxTopic::kNotification, n.id,
                                                storage::OutboxKind::kCreated, n.recipient_id));
  }
  tx.AfterCommitInOrder([this, stored = std::move(stored)] {
    for (const auto& n : stored) live_.Notified(n);
  });
  return Status::Ok();
}

Status NotificationService::ApplyRemote(Id notification_id) {
  AGORA_ASSIGN_OR_RETURN(auto found, repo_.Find(notification_id));
  if (found && found->type != NotificationType::kAnnouncement) live_.Notified(*found);
  return Status::Ok();
}

Result<std::vector<Id>> NotificationService::Moderators(storage::Connection& c, Id community_id) {
  std::vector<Id> out;
  for (auto role : {communities::Role::kOwner, communities::Role::kModerator}) {
    AGORA_ASSIGN_OR_RETURN(
        auto ids, communities_.MembersInRole(c, community_id, role, PageRequest::kMaxLimit));
    out.insert(out.end(), ids.begin(), ids.end());
  }
  return out;
}

Status NotificationService::OnPostCreated(storage::Transaction& tx, const posts::Post& post,
                                          std::optional<Id> parent_author) {
  std::vector<NewNotification> items;
  std::unordered_set<Id> told;
  auto add = [&](Id recipient, NotificationType type) {
    if (recipient == post.author_id || !told.insert(recipient).second) return;
    items.push_back({recipient, type, post.author_id, post.id, post.community_id});
  };
  if (parent_author) add(*parent_author, NotificationType::kReply);
  for (const auto& m : post.mentions) add(m.user_id, NotificationType::kMention);
  if (post.kind == posts::PostKind::kAnnouncement && !post.in_reply_to) {
    std::vector<Id> everyone;
    if (post.community_id) {
      AGORA_ASSIGN_OR_RETURN(auto members, communities::MembersUnlessLarge(
                                               tx.connection(), *post.community_id, INT64_MAX));
      everyone = members.value_or(std::vector<Id>());
    } else {
      AGORA_ASSIGN_OR_RETURN(everyone, profiles::ActiveIds(tx.connection(), false));
    }
    for (Id id : everyone) add(id, NotificationType::kAnnouncement);
  }
  return Notify(tx, post.author_id, std::move(items));
}

Status NotificationService::OnReaction(storage::Transaction& tx, Id actor,
                                       const posts::Post& post) {
  return Notify(tx, actor,
                {{post.author_id, NotificationType::kReaction, actor, post.id, post.community_id}});
}

Status NotificationService::OnAnswerAccepted(storage::Transaction& tx, Id actor,
                                             const posts::Post& question,
                                             const posts::Post& answer) {
  return Notify(tx, actor,
                {{answer.author_id, NotificationType::kAnswerAccepted, actor, question.id,
                  question.community_id}});
}

Status NotificationService::OnFollow(storage::Transaction& tx, Id follower, Id followee) {
  return Notify(tx, follower,
                {{followee, NotificationType::kFollow, follower, std::nullopt, std::nullopt}});
}

Status NotificationService::OnJoinRequest(storage::Transaction& tx, Id requester, Id community_id) {
  AGORA_ASSIGN_OR_RETURN(auto moderators, Moderators(tx.connection(), community_id));
  std::vector<NewNotification> items;
  for (Id m : moderators) {
    items.push_back({m, NotificationType::kJoinRequest, requester, std::nullopt, community_id});
  }
  return Notify(tx, requester, std::move(items));
}

Status NotificationService::OnInvitation(storage::Transaction& tx, Id moderator, Id invitee,
                                         Id community_id) {
  return Notify(tx, moderator,
                {{invitee, NotificationType::kInvitation, moderator, std::nullopt, community_id}});
}

Status NotificationService::OnReport(storage::Transaction& tx, Id reporter,
                                     const posts::Post& post) {
  AGORA_ASSIGN_OR_RETURN(auto recipients, post.community_id
                                              ? Moderators(tx.connection(), *post.community_id)
                                              : profiles::ActiveIds(tx.connection(), true));
  std::vector<NewNotification> items;
  for (Id r : recipients) {
    items.push_back({r, NotificationType::kReport, reporter, post.id, post.community_id});
  }
  return Notify(tx, reporter, std::move(items));
}

Status NotificationService::OnPostDeleted(storage::Transaction& tx, Id post_id) {
  return repo_.RemoveAboutPost(tx.connection(), post_id);
}

Status NotificationService::OnDealWon(storage::Transaction& tx, Id actor, Id owner, Id deal_id) {
  storage::Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto active, profiles::ActiveAmong(c, {owner}));
  if (active.empty()) return Status::Ok();
  NewNotification item{owner,  NotificationType::kStoryRequested, actor, std::nullopt, std::nullopt,
                       deal_id};
  AGORA_ASSIGN_OR_RETURN(auto stored, repo_.Add(c, {item}));
  return Push(tx, std::move(stored));
}

Status NotificationService::OnCommunityHandedOver(storage::Transaction& tx, Id actor, Id receiver,
                                                  Id community_id) {
  return Notify(
      tx, actor,
      {{receiver, NotificationType::kCommunityHandedOver, actor, std::nullopt, community_id}});
}

Status NotificationService::OnDealHandedOver(storage::Transaction& tx, Id actor, Id receiver,
                                             Id deal_id) {
  return Notify(
      tx, actor,
      {{receiver, NotificationType::kDealHandedOver, actor, std::nullopt, std::nullopt, deal_id}});
}

Status NotificationService::OnStoryAttached(storage::Transaction& tx, Id owner, Id deal_id) {
  return repo_.MarkReadAboutDeal(tx.connection(), owner, deal_id,
                                 NotificationType::kStoryRequested);
}

Result<std::vector<NotificationView>> NotificationService::Views(const Viewer& viewer,
                                                                 std::vector<Notification> items) {
  std::vector<Id> post_ids, actor_ids;
  for (const auto& n : items) {
    if (n.post_id) post_ids.push_back(*n.post_id);
    if (std::find(actor_ids.begin(), actor_ids.end(), n.actor_id) == actor_ids.end()) {
      actor_ids.push_back(n.actor_id);
    }
  }
  auto posts = feed_.Hydrate(post_ids);  // deleted posts are left out
  if (!posts.ok()) return posts.status();
  std::unordered_map<Id, const PostView*> post_by_id;
  for (const auto& p : *posts) post_by_id[p.post.id] = &p;
  auto actors = users_.Summaries(actor_ids);
  if (!actors.ok()) return actors.status();
  std::unordered_map<Id, const profiles::UserSummary*> actor_by_id;
  for (const auto& a : *actors) actor_by_id[a.id] = &a;

  AudienceCheck audience(communities_, viewer);
  std::unordered_map<Id, std::optional<communities::Community>> community_by_id;
  std::vector<NotificationView> out;
  for (auto& n : items) {
    auto actor = actor_by_id.find(n.actor_id);
    if (actor == actor_by_id.end()) continue;
    NotificationView view{n, *actor->second, std::nullopt, std::nullopt};
    std::optional<Id> community_id = n.community_id;
    if (n.post_id) {
      auto post = post_by_id.find(*n.post_id);
      if (post == post_by_id.end()) continue;  // deleted
      auto readable = audience.CanRead(post->second->post.community_id);
      if (!readable.ok()) return readable.status();
      if (!*readable) continue;
      view.post = *post->second;
      community_id = post->second->post.community_id;
    } else if (community_id) {
      auto visible = audience.CanSee(*community_id);
      if (!visible.ok()) return visible.status();
      if (!*visible) continue;
    } else if (viewer.is_guest()) {
      continue;  // a follow or a deal: a guest hears only of their communities
    }
    if (community_id) {
      auto it = community_by_id.find(*community_id);
      if (it == community_by_id.end()) {
        auto community = communities_.Find(*community_id);
        std::optional<communities::Community> value;
        if (community.ok()) value = std::move(*community);
        it = community_by_id.emplace(*community_id, std::move(value)).first;
      }
      if (!it->second) continue;
      view.community = it->second;
    }
    out.push_back(std::move(view));
  }
  return out;
}

Result<Page<NotificationView>> NotificationService::List(const Viewer& viewer, bool unread_only,
                                                         const PageRequest& page) {
  auto stored = repo_.List(viewer.user_id, unread_only, page);
  if (!stored.ok()) return stored.status();
  auto views = Views(viewer, std::move(stored->items));
  if (!views.ok()) return views.status();
  return Page<NotificationView>{std::move(*views), std::move(stored->next_cursor)};
}

Result<int64_t> NotificationService::UnreadCount(const Viewer& viewer) {
  auto groups = repo_.UnreadGroups(viewer.user_id);
  if (!groups.ok()) return groups.status();
  AudienceCheck audience(communities_, viewer);
  int64_t count = 0;
  for (const auto& g : *groups) {
    bool counted = !viewer.is_guest();  // nothing company-wide for a guest
    if (g.community_id) {
      auto ok = g.about_post ? audience.CanRead(g.community_id) : audience.CanSee(*g.community_id);
      if (!ok.ok()) return ok.status();
      counted = *ok;
    }
    if (counted) count += g.count;
  }
  return count;
}

Status NotificationService::MarkRead(const Viewer& viewer, const std::vector<Id>& ids) {
  if (ids.size() > static_cast<size_t>(PageRequest::kMaxLimit)) {
    return Status::Unprocessable("invalid_ids", "mark at most 100 ids at once, or send all");
  }
  return repo_.MarkRead(viewer.user_id, ids);
}

Status NotificationService::MarkAllRead(const Viewer& viewer) {
  return repo_.MarkAllRead(viewer.user_id);
}

Result<std::optional<NotificationView>> NotificationService::ViewFor(const Notification& n) {
  Viewer recipient{n.recipient_id};
  AGORA_ASSIGN_OR_RETURN(auto user, users_.FindById(n.recipient_id));
  recipient.guest_until = user.guest_until;
  auto views = Views(recipient, {n});
  if (!views.ok()) return views.status();
  if (views->empty()) return std::optional<NotificationView>();
  return std::optional<NotificationView>(std::move(views->front()));
}

}  // namespace agora::services
