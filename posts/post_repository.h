// PostRepository: posts, replies, reactions, mentions, hashtags and deal fields in SQLite,
// with a write-through cache of recent posts.
//
// Thread-safe. Every method blocks on SQLite; call from worker threads. Deleted posts are kept
// as tombstones (deleted_at) so counts and threads stay consistent; they read as kNotFound.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/page.h"
#include "core/status.h"
#include "posts/post.h"
#include "posts/post_cache.h"
#include "storage/store.h"

namespace agora::posts {

// A post just inserted, and its parent as the insert left it (a reply bumps replies_count).
struct InsertedPost {
  Post post;
  std::optional<Post> parent;
};

class PostRepository {
 public:
  // `store` and `clock` must outlive the repository. The hydration cache holds at most
  // `cache_capacity` posts and `cache_bytes` bytes of them.
  PostRepository(storage::Store& store, const Clock& clock, size_t cache_capacity = 100'000,
                 size_t cache_bytes = size_t{128} << 20);

  // Inside a write transaction: inserts a validated post with resolved mentions. A reply
  // inherits its parent's community; kNotFound when the parent is absent or deleted.
  // Call Cache() with the result once the transaction committed.
  Result<InsertedPost> InsertIn(storage::Connection& c, Id id, Id author_id, const NewPost& post,
                                const std::vector<Mention>& mentions);
  void Cache(const InsertedPost& inserted);

  // kNotFound when absent or deleted.
  Result<Post> Find(Id id);
  // The posts that exist and are not deleted, in the order of `ids`.
  Result<std::vector<Post>> FindMany(const std::vector<Id>& ids);

  // Inside a use case's transaction; the cache learns of it after the commit.
  Result<Post> Edit(storage::Transaction& tx, Id id, const std::string& text,
                    const std::vector<Mention>& mentions);
  // Inside a use case's transaction: marks the post deleted and takes it out of its parent's
  // replies_count (and accepted answer); the cache learns of it after the commit. kNotFound when
  // already gone.
  Result<Post> Delete(storage::Transaction& tx, Id id);

  // Inside a use case's transaction: sets (or, with nullopt, clears) the question's accepted
  // answer; the cache learns of it after the commit. kNotFound when the question is gone.
  Result<Post> SetAcceptedAnswer(storage::Transaction& tx, Id question_id,
                                 std::optional<Id> answer_id);
  // Live top-level questions, newest first, below `before` when given: in `community` when
  // given, without an accepted answer when `unanswered`, whose text contains `text` (any case)
  // when not empty.
  struct QuestionFilter {
    std::optional<Id> community_id;
    bool unanswered = false;
    std::string text;
    std::optional<Id> before;
    int limit = 20;
  };
  Result<std::vector<Post>> Questions(const QuestionFilter& filter);
  // The live answers by any of `authors` that a live question accepted, newest first, with
  // their question's audience.
  struct AcceptedAnswer {
    Id answer_id = 0;
    Id author_id = 0;
    Id question_id = 0;
    std::optional<Id> community_id;
  };
  Result<std::vector<AcceptedAnswer>> AcceptedAnswersBy(const std::vector<Id>& authors);

  // Replies oldest first; page keys are reply ids.
  Result<Page<Post>> Replies(Id parent, const PageRequest& page);

  // Idempotent: the post as it now is (with its reactions_count), and whether this call
  // added or removed the reaction (false when it was already as asked).
  struct Reacted {
    Post post;
    bool changed = false;
  };
  // Inside a use case's transaction; the cache learns of it after the commit.
  Result<Reacted> React(storage::Transaction& tx, Id post_id, Id user_id, const std::string& type);
  Result<Reacted> Unreact(storage::Transaction& tx, Id post_id, Id user_id,
                          const std::string& type);

  // Top-level, undeleted posts written by any of `authors` outside
  // communities, within `range`, newest first: the `limit` nearest the cursor.
  Result<std::vector<PostRef>> RecentByAuthors(const std::vector<Id>& authors, const IdRange& range,
                                               int limit);
  // Top-level, undeleted posts in any of `communities`, within `range`, newest first.
  Result<std::vector<PostRef>> RecentInCommunities(const std::vector<Id>& communities,
                                                   const IdRange& range, int limit);
  // Undeleted company-wide announcements, newest first.
  Result<std::vector<PostRef>> RecentAnnouncements(int limit);

  // The live posts among `ids`, as committed in the store, in order: never from the cache, which
  // learns of a change only after its commit is acknowledged. For derived data (the search
  // index) that must not miss a change it was told of.
  Result<std::vector<Post>> FindManyCommitted(const std::vector<Id>& ids);
  // Ids of live posts and replies past `after`, in id order: for rebuilding derived data.
  Result<std::vector<Id>> LiveIdsAfter(Id after, int limit);
  Result<int64_t> CountLive();

  // The post as the store holds it on `c` (deleted ones too), bypassing the cache: for rules
  // checked inside a transaction.
  Result<Post> Reload(storage::Connection& c, Id id);

  size_t cached_posts() const { return cache_.size(); }
  size_t cached_post_bytes() const { return cache_.bytes(); }

 private:
  Result<Post> Load(storage::Connection& c, Id id);
  Result<Reacted> SetReaction(storage::Transaction& tx, Id post_id, Id user_id,
                              const std::string& type, bool present);
  // Top-level live posts whose `by_community` column (community_id, else author_id outside
  // communities) is in `ids`.
  Result<std::vector<PostRef>> Recent(bool by_community, const std::vector<Id>& ids,
                                      const IdRange& range, int limit);

  storage::Store& store_;
  const Clock& clock_;
  PostCache cache_;
};

}  // namespace agora::posts
