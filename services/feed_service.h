// FeedService: home and profile streams, and the feed side of posting and following.
//
// Thread-safe. Fan-out happens on the store's writer thread right after a post commits
// (OnPostCommitted), so deliveries reach timelines in id order and cursors never skip a post.
// Read paths block on SQLite for what is not in memory; call them from worker threads.
#pragma once

#include <optional>
#include <unordered_set>
#include <vector>

#include "communities/community_repository.h"
#include "communities/moderation.h"
#include "core/id.h"
#include "core/mutex.h"
#include "core/status.h"
#include "core/viewer.h"
#include "feed/feed_engine.h"
#include "posts/post.h"
#include "posts/post_repository.h"
#include "profiles/follow_graph.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "services/post_view.h"

namespace agora::services {

struct FeedServiceOptions {
  // Authors with more followers than this are not fanned out: their posts are merged into
  // readers' pages at read time (see docs/performance.md for how it was chosen).
  int64_t fanout_threshold = 5000;
  size_t timeline_capacity = 800;
};

struct StreamPage {
  std::vector<PostView> items;   // newest first
  std::optional<Id> older_than;  // the `before` cursor of the next page, when one exists
};

class FeedService {
 public:
  // Every reference must outlive the service. Reads who is past the fan-out threshold now.
  FeedService(storage::Store& store, feed::FeedEngine& engine, posts::PostRepository& posts,
              profiles::UserRepository& users, communities::CommunityRepository& communities,
              communities::ModerationRepository& moderation, FeedServiceOptions options);

  // On the writer thread, after `post` committed. `recipients` (the author's followers, or
  // the members of the post's community) is nullopt for a source too large to fan out.
  void OnPostCommitted(const posts::Post& post, const std::optional<std::vector<Id>>& recipients);
  // After `user` became a member: the community's recent posts join their timeline.
  Status OnJoined(Id user, Id community_id);
  // After `user` left, was removed or banned: the community's posts leave their timeline.
  void OnLeft(Id user, Id community_id);
  // After a follow committed: the followee's recent posts join the reader's timeline.
  Status OnFollow(Id reader, Id followee);
  // After an unfollow committed: the followee's posts leave the reader's timeline.
  void OnUnfollow(Id reader, Id followee);

  Result<StreamPage> Home(const Viewer& viewer, const posts::IdRange& range, size_t limit);
  // The community's posts, pinned ones first on the first page: kNotFound for a secret
  // community the viewer is outside of, kPermissionDenied for a private one.
  Result<StreamPage> CommunityStream(const Viewer& viewer, Id community_id,
                                     const posts::IdRange& range, size_t limit);
  // kNotFound when nobody answers to `ref`. Company-wide posts only.
  Result<StreamPage> Profile(const Viewer& viewer, const profiles::UserRef& ref,
                             const posts::IdRange& range, size_t limit);

  // Live posts among `ids` with their authors, in the order given.
  Result<std::vector<PostView>> Hydrate(const std::vector<Id>& ids);
  // `posts` with their authors (posts whose author is unknown are dropped).
  Result<std::vector<PostView>> AttachAuthors(std::vector<posts::Post> posts);

  int64_t fanout_threshold() const { return options_.fanout_threshold; }

 private:
  feed::Loader TimelineLoader(Id reader);
  feed::Loader AuthorLoader(Id author);
  feed::Loader CommunityLoader(Id community_id);
  feed::Loader AnnouncementLoader();
  // The large authors `reader` follows and large communities they belong to: the sources to
  // merge on read, as loaders.
  Result<std::vector<feed::PullSource>> PulledSources(Id reader);
  // A page of `refs` (fetched with one extra), hydrated, with its next cursor.
  Result<StreamPage> PageOf(std::vector<posts::PostRef> refs, const posts::IdRange& range,
                            size_t limit);

  feed::FeedEngine& engine_;  // constant after construction
  posts::PostRepository& posts_;
  profiles::UserRepository& users_;
  profiles::FollowGraph graph_;
  communities::CommunityRepository& communities_;
  communities::ModerationRepository& moderation_;
  const FeedServiceOptions options_;

  // Sources (authors, communities) whose posts are merged on read: those past the threshold at
  // start-up and any whose post was not fanned out since. Never shrinks, so no such post is
  // ever left out of a stream.
  // Guarded by large_mu_.
  Mutex large_mu_;
  std::unordered_set<Id> large_sources_ GUARDED_BY(large_mu_);
  bool large_sources_known_ GUARDED_BY(large_mu_) = true;  // false: ask the store
};

}  // namespace agora::services
