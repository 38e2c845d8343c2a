// FollowGraph: who follows whom, with counts kept on the users table in the same transaction.
//
// Thread-safe; every method blocks on SQLite (call from worker threads).
#pragma once

#include <optional>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "storage/store.h"

namespace agora::profiles {

struct Relationship {
  bool following = false;    // the viewer follows the target
  bool followed_by = false;  // the target follows the viewer
};

class FollowGraph {
 public:
  // `store` must outlive the graph.
  explicit FollowGraph(storage::Store& store) : store_(store) {}

  // Inside a use case's transaction. Idempotent: following twice changes nothing (`added` is
  // false). `edge_id` is a time-sortable id that orders the lists. kNotFound when the followee
  // is unknown or inactive; kUnprocessable "self_follow" for oneself.
  struct Followed {
    Relationship relationship;
    bool added = false;
  };
  Result<Followed> Follow(storage::Connection& c, Id follower, Id followee, Id edge_id);
  // Idempotent; kNotFound when the followee is unknown.
  Status Unfollow(Id follower, Id followee);

  Result<Relationship> Between(Id viewer, Id target);

  // Everyone `reader` follows (for rebuilding a timeline).
  Result<std::vector<Id>> FolloweeIds(Id reader);
  // Everyone with more than `threshold` followers.
  Result<std::vector<Id>> UsersWithMoreFollowersThan(int64_t threshold);

  // Newest edges first; page cursors are edge ids.
  Result<Page<Id>> Followers(Id user, const PageRequest& page);
  Result<Page<Id>> Following(Id user, const PageRequest& page);

 private:
  storage::Store& store_;
};

// Inside a write transaction: the followers of `author`, unless there are more than
// `threshold` of them (then nullopt: the author is too large to fan out).
Result<std::optional<std::vector<Id>>> FollowersUnlessLarge(storage::Connection& c, Id author,
                                                            int64_t threshold);

}  // namespace agora::profiles
