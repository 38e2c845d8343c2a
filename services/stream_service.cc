#include "services/stream_service.h"

#include <unordered_set>

#include "profiles/user_repository.h"
#include "services/account_service.h"
#include "services/feed_service.h"

namespace agora::services {
namespace {

std::vector<Id> Intersect(const std::vector<Id>& allowed, const std::vector<Id>& connected) {
  std::unordered_set<Id> set(allowed.begin(), allowed.end());
  std::vector<Id> out;
  for (Id id : connected) {
    if (set.contains(id)) out.push_back(id);
  }
  return out;
}

}  // namespace

StreamService::StreamService(storage::Store& store, AccountService& accounts, FeedService& feed,
                             communities::CommunityRepository& communities,
                             NotificationService& notifications)
    : store_(store),
      accounts_(accounts),
      feed_(feed),
      communities_(communities),
      notifications_(notifications),
      graph_(store) {}

Result<Viewer> StreamService::Authenticate(std::string_view token) {
  return accounts_.Authenticate(token);
}

Result<std::vector<Id>> StreamService::Members(Id community_id) {
  return store_.read([&](storage::Connection& c) -> Result<std::vector<Id>> {
    auto members = communities::MembersUnlessLarge(c, community_id, INT64_MAX);
    if (!members.ok()) return members.status();
    return members->value_or(std::vector<Id>());
  });
}

Result<std::vector<Id>> StreamService::Followers(Id author) {
  return store_.read([&](storage::Connection& c) -> Result<std::vector<Id>> {
    auto followers = profiles::FollowersUnlessLarge(c, author, INT64_MAX);
    if (!followers.ok()) return followers.status();
    return followers->value_or(std::vector<Id>());
  });
}

Result<std::vector<Id>> StreamService::WithoutGuests(const std::vector<Id>& connected) {
  return store_.read([&](storage::Connection& c) -> Result<std::vector<Id>> {
    AGORA_ASSIGN_OR_RETURN(auto guests, profiles::GuestsAmong(c, connected));
    if (guests.empty()) return connected;
    std::unordered_set<Id> confined(guests.begin(), guests.end());
    std::vector<Id> out;
    for (Id id : connected) {
      if (!confined.contains(id)) out.push_back(id);
    }
    return out;
  });
}

Result<std::vector<Id>> StreamService::PostReaders(const posts::Post& post,
                                                   const std::optional<std::vector<Id>>& fanned_out,
                                                   const std::vector<Id>& all_connected) {
  if (post.in_reply_to || all_connected.empty()) return std::vector<Id>();
  if (post.community_id) {
    // Membership now, not at commit: someone removed meanwhile gets nothing.
    auto members = Members(*post.community_id);
    if (!members.ok()) return members.status();
    return Intersect(*members, all_connected);
  }
  // Company-wide: never to a guest (services/audience.h).
  AGORA_ASSIGN_OR_RETURN(auto connected, WithoutGuests(all_connected));
  if (connected.empty()) return connected;
  if (post.kind == posts::PostKind::kAnnouncement) return connected;
  if (!fanned_out && connected.size() == 1) {
    // One reader (a replay): one edge lookup rather than every follower.
    Id reader = connected.front();
    if (reader == post.author_id) return connected;
    auto relationship = graph_.Between(reader, post.author_id);
    if (!relationship.ok()) return relationship.status();
    return relationship->following ? connected : std::vector<Id>();
  }
  std::vector<Id> readers;
  if (fanned_out) {
    readers = *fanned_out;
  } else {
    auto followers = Followers(post.author_id);
    if (!followers.ok()) return followers.status();
    readers = std::move(*followers);
  }
  readers.push_back(post.author_id);
  return Intersect(readers, connected);
}

Result<std::vector<Id>> StreamService::DeleteReaders(const posts::Post& post,
                                                     const std::vector<Id>& connected) {
  if (!post.community_id) return WithoutGuests(connected);
  auto members = Members(*post.community_id);
  if (!members.ok()) return members.status();
  return Intersect(*members, connected);
}

Result<std::vector<Id>> StreamService::CommunitiesOf(Id reader) {
  return communities_.MemberCommunityIds(reader);
}

Result<bool> StreamService::Follows(Id reader, Id author) {
  AGORA_ASSIGN_OR_RETURN(auto relationship, graph_.Between(reader, author));
  return relationship.following;
}

Result<std::optional<PostView>> StreamService::View(const posts::Post& post) {
  std::vector<posts::Post> one{post};
  auto views = feed_.AttachAuthors(std::move(one));
  if (!views.ok()) return views.status();
  if (views->empty()) return std::optional<PostView>();
  return std::optional<PostView>(std::move(views->front()));
}

Result<std::optional<NotificationView>> StreamService::Notification(
    const notifications::Notification& n) {
  return notifications_.ViewFor(n);
}

}  // namespace agora::services
