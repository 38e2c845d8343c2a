// PostService: creating, reading, editing, deleting and reacting to posts, with their rules.
//
// Thread-safe; every method blocks on SQLite (call from worker threads). Every path checks the
// post's audience (services/audience.h): a post the viewer may not read is kNotFound. Every
// change is one transaction that re-checks its rule (membership, ban, rank) and writes the
// change with its audit record and notifications; cache, feed and live effects follow the
// commit.
#pragma once

#include <string>
#include <vector>

#include "communities/community_repository.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "posts/post.h"
#include "posts/post_repository.h"
#include "profiles/user_repository.h"
#include "services/audience.h"
#include "services/feed_service.h"
#include "services/live_events.h"
#include "services/notification_service.h"
#include "services/quotas.h"
#include "storage/outbox.h"

namespace agora::services {

class PostService {
 public:
  // Every reference must outlive the service.
  PostService(storage::Store& store, IdGenerator& ids, posts::PostRepository& posts,
              profiles::UserRepository& users, communities::CommunityRepository& communities,
              FeedService& feed, NotificationService& notifications, LiveEvents& live,
              Quotas& quotas);

  // Company-wide announcements: admins only; a community's: its moderators. Posting into a
  // community needs membership. Replies inherit their parent's audience (a reply naming a
  // community_id is refused); kNotFound for a missing, deleted or unreadable parent.
  Result<PostView> Create(const Viewer& viewer, posts::NewPost post);
  Result<PostView> Get(const Viewer& viewer, Id id);
  // The author only.
  Result<PostView> Edit(const Viewer& viewer, Id id, const std::string& text);
  // The author, an admin, or a moderator of the post's community.
  Status Delete(const Viewer& viewer, Id id);
  // Inside a use case's transaction that already decided to: tombstones the post, deletes its
  // notifications and tells live streams after the commit. kNotFound when already gone.
  Result<posts::Post> Remove(storage::Transaction& tx, Id id);
  Result<Page<PostView>> Replies(const Viewer& viewer, Id id, const PageRequest& page);
  // kUnprocessable "invalid_reaction" for a type outside posts::ReactionTypes().
  Result<PostView> React(const Viewer& viewer, Id id, const std::string& type);
  Status Unreact(const Viewer& viewer, Id id, const std::string& type);

  // A post another node changed (services/outbox_tailer.h): the cache takes the stored post
  // (and a reply's parent); a new top-level post is fanned out into this node's timelines and
  // streams, a deleted one leaves them, as the node that wrote it did for its own.
  Status ApplyRemote(Id id, storage::OutboxKind kind);

 private:
  // Who a new top-level post is fanned out to: its community's members or its author's
  // followers; nullopt for a source too large to fan out, and for replies and announcements.
  Result<std::optional<std::vector<Id>>> Recipients(storage::Connection& c,
                                                    const posts::Post& post);
  // "@name" mentions that name an active person.
  Result<std::vector<posts::Mention>> ResolveMentions(const std::string& text);
  Result<PostView> WithAuthor(posts::Post post);
  // The post, if it is live and `audience` may read it (kNotFound otherwise).
  Result<posts::Post> Readable(AudienceCheck& audience, Result<posts::Post> post);
  // Inside a use case's transaction: the post as the store holds it, if `viewer` may read it.
  Result<posts::Post> ReadableIn(storage::Connection& c, const Viewer& viewer, Id id);

  // Constant after construction.
  storage::Store& store_;
  IdGenerator& ids_;
  posts::PostRepository& posts_;
  profiles::UserRepository& users_;
  communities::CommunityRepository& communities_;
  FeedService& feed_;
  NotificationService& notifications_;
  LiveEvents& live_;
  Quotas& quotas_;
};

}  // namespace agora::services
