#include "profiles/follow_graph.h"

#include "profiles/user_repository.h"
#include "storage/outbox.h"
#include "storage/rows.h"

namespace agora::profiles {
namespace {

using storage::Connection;

using storage::Statement;

Result<bool> EdgeExists(Connection& c, Id follower, Id followee) {
  AGORA_ASSIGN_OR_RETURN(auto edge,
                         storage::ReadOne(
                             c, "SELECT 1 FROM follows WHERE follower_id = ? AND followee_id = ?",
                             [](Statement&) { return true; }, follower, followee));
  return edge.has_value();
}

Result<Relationship> LoadRelationship(Connection& c, Id viewer, Id target) {
  auto following = EdgeExists(c, viewer, target);
  if (!following.ok()) return following.status();
  auto followed_by = EdgeExists(c, target, viewer);
  if (!followed_by.ok()) return followed_by.status();
  return Relationship{*following, *followed_by};
}

// Counts change only when an edge appears or disappears, so idempotent calls leave them be.
Status AdjustCounts(Connection& c, Id follower, Id followee, int delta) {
  auto stmt = c.prepare("UPDATE users SET following_count = following_count + ?1 WHERE id = ?2");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, int64_t{delta}).bind(2, follower);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  auto other = c.prepare("UPDATE users SET followers_count = followers_count + ?1 WHERE id = ?2");
  if (!other.ok()) return other.status();
  (*other)->bind(1, int64_t{delta}).bind(2, followee);
  return (*other)->run();
}

Status RequireActiveUser(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto active, ActiveAmong(c, {id}));
  if (active.empty()) return Status::NotFound("no such user");
  return Status::Ok();
}

Result<Page<Id>> ListEdges(storage::Store& store, const char* sql, Id user,
                           const PageRequest& page) {
  return store.read([&](Connection& c) -> Result<Page<Id>> {
    auto stmt = c.prepare(sql);
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, user).bind(2, page.after_key.value_or(INT64_MAX)).bind(3, page.limit + 1);
    Page<Id> out;
    Id last_edge = 0;
    for (;;) {
      auto row = (*stmt)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (static_cast<int>(out.items.size()) == page.limit) {
        out.next_cursor = IdToString(last_edge);
        break;
      }
      out.items.push_back((*stmt)->column_int64(0));
      last_edge = (*stmt)->column_int64(1);
    }
    return out;
  });
}

}  // namespace

Result<FollowGraph::Followed> FollowGraph::Follow(Connection& c, Id follower, Id followee,
                                                  Id edge_id) {
  if (follower == followee) {
    return Status::Unprocessable("self_follow", "you cannot follow yourself");
  }
  AGORA_RETURN_IF_ERROR(RequireActiveUser(c, followee));
  auto stmt = c.prepare(
      "INSERT INTO follows (follower_id, followee_id, id) VALUES (?, ?, ?) "
      "ON CONFLICT DO NOTHING");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, follower).bind(2, followee).bind(3, edge_id);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  bool added = c.changes() == 1;
  if (added) {
    AGORA_RETURN_IF_ERROR(AdjustCounts(c, follower, followee, +1));
    // Other nodes add the followee's posts to their own timeline of the follower.
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kFollow, followee,
                                                storage::OutboxKind::kCreated, follower));
  }
  AGORA_ASSIGN_OR_RETURN(auto relationship, LoadRelationship(c, follower, followee));
  return Followed{relationship, added};
}

Status FollowGraph::Unfollow(Id follower, Id followee) {
  return store_.write([&](Connection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(bool exists, UserExists(c, followee));
    if (!exists) return Status::NotFound("no such user");
    auto stmt = c.prepare("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, follower).bind(2, followee);
    AGORA_RETURN_IF_ERROR((*stmt)->run());
    if (c.changes() == 0) return Status::Ok();
    AGORA_RETURN_IF_ERROR(AdjustCounts(c, follower, followee, -1));
    return storage::AppendOutbox(c, storage::OutboxTopic::kFollow, followee,
                                 storage::OutboxKind::kRemoved, follower);
  });
}

Result<Relationship> FollowGraph::Between(Id viewer, Id target) {
  return store_.read([&](Connection& c) { return LoadRelationship(c, viewer, target); });
}

Result<std::vector<Id>> FollowGraph::FolloweeIds(Id reader) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    return storage::ReadIds(c, "SELECT followee_id FROM follows WHERE follower_id = ?", reader);
  });
}

Result<std::vector<Id>> FollowGraph::UsersWithMoreFollowersThan(int64_t threshold) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    return storage::ReadIds(c, "SELECT id FROM users WHERE followers_count > ?", threshold);
  });
}

Result<std::optional<std::vector<Id>>> FollowersUnlessLarge(Connection& c, Id author,
                                                            int64_t threshold) {
  return storage::IdsUnlessMoreThan(c, "SELECT followers_count FROM users WHERE id = ?",
                                    "SELECT follower_id FROM follows WHERE followee_id = ?", author,
                                    threshold);
}

Result<Page<Id>> FollowGraph::Followers(Id user, const PageRequest& page) {
  return ListEdges(store_,
                   "SELECT follower_id, id FROM follows WHERE followee_id = ? AND id < ? "
                   "ORDER BY id DESC LIMIT ?",
                   user, page);
}

Result<Page<Id>> FollowGraph::Following(Id user, const PageRequest& page) {
  return ListEdges(store_,
                   "SELECT followee_id, id FROM follows WHERE follower_id = ? AND id < ? "
                   "ORDER BY id DESC LIMIT ?",
                   user, page);
}

}  // namespace agora::profiles
