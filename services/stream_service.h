// StreamService: the access answers the live-stream hub needs, off the socket threads.
//
// Thread-safe; every method may block on SQLite: call from worker threads or the hub's own
// thread, never from socket threads or the store's writer thread. The rules are the home
// stream's (services/feed_service.h) and the audience check's (services/audience.h), asked at
// send time, so a member who leaves or is removed stops receiving at once.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "communities/community_repository.h"
#include "core/status.h"
#include "core/viewer.h"
#include "notifications/notification.h"
#include "posts/post.h"
#include "profiles/follow_graph.h"
#include "services/notification_service.h"
#include "services/post_view.h"
#include "storage/store.h"

namespace agora::services {

class AccountService;
class FeedService;

class StreamService {
 public:
  // Every reference must outlive the service.
  StreamService(storage::Store& store, AccountService& accounts, FeedService& feed,
                communities::CommunityRepository& communities, NotificationService& notifications);

  // The viewer behind a bearer token; kUnauthenticated otherwise.
  Result<Viewer> Authenticate(std::string_view token);

  // Of `connected`, who get `post` in their home stream now: its author and followers for a
  // company-wide post (`fanned_out`, when given, stands for the followers), the community's
  // current members for a community post, everyone for a company-wide announcement; guests
  // only their communities' posts.
  Result<std::vector<Id>> PostReaders(const posts::Post& post,
                                      const std::optional<std::vector<Id>>& fanned_out,
                                      const std::vector<Id>& connected);
  // Of `connected`, who may have had `post` (now deleted) in a stream: everyone for a
  // company-wide post, the current members for a community post.
  Result<std::vector<Id>> DeleteReaders(const posts::Post& post, const std::vector<Id>& connected);
  // For a replay, which reads once what one reader may receive rather than every source's
  // audience per event: the communities `reader` is a member of now, and whether they follow
  // `author` now (one edge lookup).
  Result<std::vector<Id>> CommunitiesOf(Id reader);
  Result<bool> Follows(Id reader, Id author);
  // The post with its author, as a stream item (nullopt when it is gone).
  Result<std::optional<PostView>> View(const posts::Post& post);
  // The notification as its recipient may see it now (nullopt when they may not).
  Result<std::optional<NotificationView>> Notification(const notifications::Notification& n);

 private:
  // Current members of a community (state member).
  Result<std::vector<Id>> Members(Id community_id);
  Result<std::vector<Id>> Followers(Id author);
  // `connected` but the guests among them, who receive nothing company-wide.
  Result<std::vector<Id>> WithoutGuests(const std::vector<Id>& connected);

  storage::Store& store_;  // constant after construction
  AccountService& accounts_;
  FeedService& feed_;
  communities::CommunityRepository& communities_;
  NotificationService& notifications_;
  profiles::FollowGraph graph_;
};

}  // namespace agora::services
