// FeedService: home and profile streams, and the feed side of posting and following.
//
// Thread-safe. Fan-out happens on the store's writer thread right after a post commits
// (OnPostCommitted), so deliveries reach timelines in id order and cursors never skip a post.
// Read paths block on SQLite for what is not in memory; call them from worker threads.
#pragma once

#include <mutex>
#include <optional>
#include <unordered_set>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "core/viewer.h"
#include "feed/feed_engine.h"
#include "posts/post.h"
#include "posts/post_repository.h"
#include "profiles/follow_graph.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"

namespace agora::services {

struct FeedServiceOptions {
  // Authors with more followers than this are not fanned out: their posts are merged into
  // readers' pages at read time (see docs/performance.md for how it was chosen).
  int64_t fanout_threshold = 5000;
  size_t timeline_capacity = 800;
};

// A post with its author, ready to render.
struct PostView {
  posts::Post post;
  profiles::UserSummary author;
};

struct StreamPage {
  std::vector<PostView> items;   // newest first
  std::optional<Id> older_than;  // the `before` cursor of the next page, when one exists
};

class FeedService {
 public:
  // Every reference must outlive the service. Reads who is past the fan-out threshold now.
  FeedService(storage::Store& store, feed::FeedEngine& engine, posts::PostRepository& posts,
              profiles::UserRepository& users, FeedServiceOptions options);

  // On the writer thread, after `post` committed. `followers` is nullopt for an author too
  // large to fan out.
  void OnPostCommitted(const posts::Post& post, const std::optional<std::vector<Id>>& followers);
  // After a follow committed: the followee's recent posts join the reader's timeline.
  Status OnFollow(Id reader, Id followee);
  // After an unfollow committed: the followee's posts leave the reader's timeline.
  void OnUnfollow(Id reader, Id followee);

  Result<StreamPage> Home(const Viewer& viewer, const posts::IdRange& range, size_t limit);
  // kNotFound when nobody answers to `ref`.
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
  feed::Loader AnnouncementLoader();
  // The large authors `reader` follows: the sources to merge on read.
  Result<std::vector<Id>> PulledAuthors(Id reader);

  feed::FeedEngine& engine_;  // constant after construction
  posts::PostRepository& posts_;
  profiles::UserRepository& users_;
  profiles::FollowGraph graph_;
  const FeedServiceOptions options_;

  // Authors whose posts are merged on read: those past the threshold at start-up and anyone
  // whose post was not fanned out since. Never shrinks, so no such post is ever left out.
  std::mutex large_mu_;
  std::unordered_set<Id> large_authors_;  // guarded by large_mu_
  bool large_authors_known_ = true;       // guarded by large_mu_; false: ask the store each time
};

}  // namespace agora::services
