#include "posts/post_repository.h"

#include <algorithm>
#include <span>
#include <unordered_map>

#include "posts/text_entities.h"
#include "storage/outbox.h"
#include "storage/rows.h"

namespace agora::posts {
namespace {

using storage::Connection;

using storage::Statement;

// The one column list of a Post row, and its mapper; mentions, hashtags and the deal are
// loaded beside it (LoadPosts).
constexpr char kPostColumns[] =
    "id, author_id, community_id, kind, text, in_reply_to, reactions_count, replies_count, "
    "created_at, edited_at, deleted_at IS NOT NULL, deal_id, accepted_answer_id, "
    "EXISTS (SELECT 1 FROM posts q WHERE q.accepted_answer_id = posts.id "
    "AND q.deleted_at IS NULL)";

Post ReadPostRow(const Statement& s) {
  Post p;
  p.id = s.column_int64(0);
  p.author_id = s.column_int64(1);
  p.community_id = s.column_optional_int64(2);
  p.kind = ParseKind(s.column_text(3)).value_or(PostKind::kStatus);
  p.text = s.column_text(4);
  p.in_reply_to = s.column_optional_int64(5);
  p.reactions_count = s.column_int64(6);
  p.replies_count = s.column_int64(7);
  p.created_at = s.column_int64(8);
  p.edited_at = s.column_optional_int64(9);
  p.deleted = s.column_int64(10) != 0;
  p.deal_id = s.column_optional_int64(11);
  p.accepted_answer_id = s.column_optional_int64(12);
  p.accepted = s.column_int64(13) != 0;
  return p;
}

// The deal of a deal story: its columns after post_id, and its mapper.
constexpr char kDealColumns[] =
    "customer, sector, product, region, amount, currency, closed_on, outcome";

Deal ReadDealRow(const Statement& s, int first) {
  Deal d;
  d.customer = s.column_text(first);
  d.sector = s.column_text(first + 1);
  d.product = s.column_text(first + 2);
  d.region = s.column_text(first + 3);
  d.amount = s.column_double(first + 4);
  d.currency = s.column_text(first + 5);
  d.closed_on = s.column_text(first + 6);
  d.outcome = ParseOutcome(s.column_text(first + 7)).value_or(DealOutcome::kOpen);
  return d;
}

constexpr auto kPostsByIds = storage::Sql(
    "SELECT ", kPostColumns, " FROM posts WHERE id IN (SELECT value FROM json_each(?1))");
constexpr auto kDealsByPostIds =
    storage::Sql("SELECT post_id, ", kDealColumns,
                 " FROM deals WHERE post_id IN (SELECT value FROM json_each(?1))");

constexpr auto kInsertDeal = storage::Sql("INSERT INTO deals (post_id, ", kDealColumns,
                                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");

// Fills the mentions, hashtags and deals of `posts`: one statement per kind and batch of
// posts, never one per post.
Status LoadEntities(Connection& c, std::unordered_map<Id, Post>& posts) {
  std::vector<Id> ids = storage::KeysOf(posts);
  AGORA_RETURN_IF_ERROR(storage::ForEachRowIn(
      c,
      "SELECT post_id, user_id, username FROM post_mentions "
      "WHERE post_id IN (SELECT value FROM json_each(?1)) ORDER BY post_id, position",
      ids, [&](Statement& s) {
        posts.at(s.column_int64(0)).mentions.push_back({s.column_int64(1), s.column_text(2)});
      }));
  AGORA_RETURN_IF_ERROR(storage::ForEachRowIn(
      c,
      "SELECT post_id, tag FROM post_hashtags "
      "WHERE post_id IN (SELECT value FROM json_each(?1)) ORDER BY post_id, position",
      ids,
      [&](Statement& s) { posts.at(s.column_int64(0)).hashtags.push_back(s.column_text(1)); }));
  std::vector<Id> deal_ids;
  for (Id id : ids) {
    if (posts.at(id).kind == PostKind::kDealStory) deal_ids.push_back(id);
  }
  return storage::ForEachRowIn(c, kDealsByPostIds.data(), deal_ids, [&](Statement& s) {
    posts.at(s.column_int64(0)).deal = ReadDealRow(s, 1);
  });
}

// The posts among `ids` as stored on `c` (deleted ones too), with their mentions, hashtags and
// deals, by id: one statement per batch for the rows and one per kind of entity.
Result<std::unordered_map<Id, Post>> LoadPosts(Connection& c, std::span<const Id> ids) {
  AGORA_ASSIGN_OR_RETURN(auto posts, storage::ReadByIds(c, kPostsByIds.data(), ids, ReadPostRow,
                                                        [](const Post& p) { return p.id; }));
  AGORA_RETURN_IF_ERROR(LoadEntities(c, posts));
  return posts;
}

Status WriteEntities(Connection& c, Id post_id, std::string_view text,
                     const std::vector<Mention>& mentions) {
  AGORA_RETURN_IF_ERROR(storage::Run(c, "DELETE FROM post_mentions WHERE post_id = ?", post_id));
  AGORA_RETURN_IF_ERROR(storage::Run(c, "DELETE FROM post_hashtags WHERE post_id = ?", post_id));
  for (size_t i = 0; i < mentions.size(); ++i) {
    AGORA_RETURN_IF_ERROR(storage::Run(c,
                                       "INSERT INTO post_mentions (post_id, position, user_id, "
                                       "username) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                                       post_id, static_cast<int64_t>(i), mentions[i].user_id,
                                       mentions[i].username));
  }
  std::vector<std::string> tags = ExtractHashtags(text);
  for (size_t i = 0; i < tags.size(); ++i) {
    AGORA_RETURN_IF_ERROR(
        storage::Run(c, "INSERT INTO post_hashtags (post_id, position, tag) VALUES (?, ?, ?)",
                     post_id, static_cast<int64_t>(i), tags[i]));
  }
  return Status::Ok();
}

enum class Counter { kReplies, kReactions };

Status AdjustCount(Connection& c, Counter counter, Id post_id, int delta) {
  auto stmt =
      c.prepare(counter == Counter::kReplies
                    ? "UPDATE posts SET replies_count = replies_count + ? WHERE id = ?"
                    : "UPDATE posts SET reactions_count = reactions_count + ? WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, int64_t{delta}).bind(2, post_id);
  return (*stmt)->run();
}

Result<std::vector<PostRef>> CollectRefs(storage::ScopedStatement& stmt) {
  std::vector<PostRef> out;
  for (;;) {
    auto row = stmt->step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back({stmt->column_int64(0), stmt->column_int64(1), stmt->column_optional_int64(2)});
  }
}

}  // namespace

PostRepository::PostRepository(storage::Store& store, const Clock& clock, size_t cache_capacity,
                               size_t cache_bytes)
    : store_(store), clock_(clock), cache_(cache_capacity, cache_bytes) {}

Result<Post> PostRepository::Reload(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto posts, LoadPosts(c, std::span<const Id>(&id, 1)));
  auto it = posts.find(id);
  if (it == posts.end()) return Status::NotFound("no such post");
  return std::move(it->second);
}

Result<Post> PostRepository::Load(Connection& c, Id id) {
  if (auto cached = cache_.Get(id)) return *cached;
  uint64_t generation = cache_.Generation(id);
  auto post = Reload(c, id);
  if (post.ok()) cache_.Offer(*post, generation);
  return post;
}

void PostRepository::Cache(const InsertedPost& inserted) {
  cache_.Put(inserted.post);
  if (inserted.parent) cache_.Put(*inserted.parent);
}

Result<InsertedPost> PostRepository::InsertIn(Connection& c, Id id, Id author_id,
                                              const NewPost& post,
                                              const std::vector<Mention>& mentions) {
  std::optional<Id> community = post.community_id;
  InsertedPost out;
  if (post.in_reply_to) {
    auto parent = Reload(c, *post.in_reply_to);
    if (!parent.ok()) return parent.status();
    if (parent->deleted) return Status::NotFound("no such post");
    community = parent->community_id;
    AGORA_RETURN_IF_ERROR(AdjustCount(c, Counter::kReplies, *post.in_reply_to, 1));
    ++parent->replies_count;
    out.parent = std::move(*parent);
  }
  AGORA_RETURN_IF_ERROR(storage::Run(
      c,
      "INSERT INTO posts (id, author_id, community_id, kind, text, in_reply_to, created_at, "
      "deal_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      id, author_id, community, KindName(post.kind), post.text, post.in_reply_to, clock_.now_ms(),
      post.deal_id));
  AGORA_RETURN_IF_ERROR(WriteEntities(c, id, post.text, mentions));
  if (post.deal) {
    const Deal& d = *post.deal;
    AGORA_RETURN_IF_ERROR(storage::Run(c, kInsertDeal.data(), id, d.customer, d.sector, d.product,
                                       d.region, d.amount, d.currency, d.closed_on,
                                       OutcomeName(d.outcome)));
  }
  AGORA_RETURN_IF_ERROR(
      storage::AppendOutbox(c, storage::OutboxTopic::kPost, id, storage::OutboxKind::kCreated));
  auto inserted = Reload(c, id);
  if (!inserted.ok()) return inserted.status();
  out.post = std::move(*inserted);
  return out;
}

Result<Post> PostRepository::Find(Id id) {
  auto post = store_.read([&](Connection& c) { return Load(c, id); });
  if (post.ok() && post->deleted) return Status::NotFound("no such post");
  return post;
}

Result<std::vector<Post>> PostRepository::FindMany(const std::vector<Id>& ids) {
  std::unordered_map<Id, Post> found;
  std::vector<Id> missing;
  for (Id id : ids) {
    if (auto cached = cache_.Get(id)) {
      found.emplace(id, std::move(*cached));
    } else {
      missing.push_back(id);
    }
  }
  if (!missing.empty()) {
    std::vector<uint64_t> generations;
    generations.reserve(missing.size());
    for (Id id : missing) generations.push_back(cache_.Generation(id));
    Status status = store_.read([&](Connection& c) -> Status {
      AGORA_ASSIGN_OR_RETURN(auto loaded, LoadPosts(c, missing));
      for (size_t i = 0; i < missing.size(); ++i) {
        auto it = loaded.find(missing[i]);
        if (it == loaded.end()) continue;
        cache_.Offer(it->second, generations[i]);
        found.insert_or_assign(missing[i], std::move(it->second));
        loaded.erase(it);
      }
      return Status::Ok();
    });
    if (!status.ok()) return status;
  }
  std::vector<Post> out;
  out.reserve(ids.size());
  for (Id id : ids) {
    auto it = found.find(id);
    if (it != found.end() && !it->second.deleted) out.push_back(it->second);
  }
  return out;
}

Result<Post> PostRepository::Edit(storage::Transaction& tx, Id id, const std::string& text,
                                  const std::vector<Mention>& mentions) {
  Connection& c = tx.connection();
  auto stmt =
      c.prepare("UPDATE posts SET text = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, text).bind(2, clock_.now_ms()).bind(3, id);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  if (c.changes() == 0) return Status::NotFound("no such post");
  AGORA_RETURN_IF_ERROR(WriteEntities(c, id, text, mentions));
  AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kPost, id));
  AGORA_ASSIGN_OR_RETURN(auto post, Reload(c, id));
  tx.AfterCommitInOrder([this, post] { cache_.Put(post); });
  return post;
}

Result<Post> PostRepository::Delete(storage::Transaction& tx, Id id) {
  UnixMillis now = clock_.now_ms();
  Connection& c = tx.connection();
  std::optional<Post> parent;
  auto stmt = c.prepare("UPDATE posts SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, now).bind(2, id);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  if (c.changes() == 0) return Status::NotFound("no such post");
  AGORA_RETURN_IF_ERROR(
      storage::AppendOutbox(c, storage::OutboxTopic::kPost, id, storage::OutboxKind::kRemoved));
  auto deleted = Reload(c, id);
  if (!deleted.ok()) return deleted.status();
  if (deleted->in_reply_to) {
    AGORA_RETURN_IF_ERROR(AdjustCount(c, Counter::kReplies, *deleted->in_reply_to, -1));
    AGORA_RETURN_IF_ERROR(storage::Run(
        c, "UPDATE posts SET accepted_answer_id = NULL WHERE id = ? AND accepted_answer_id = ?",
        *deleted->in_reply_to, id));
    auto reloaded = Reload(c, *deleted->in_reply_to);
    if (!reloaded.ok()) return reloaded.status();
    parent = std::move(*reloaded);
  }
  tx.AfterCommitInOrder([this, post = *deleted, parent] {
    cache_.Put(post);
    if (parent) cache_.Put(*parent);
  });
  return deleted;
}

Result<Post> PostRepository::SetAcceptedAnswer(storage::Transaction& tx, Id question_id,
                                               std::optional<Id> answer_id) {
  Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto before, Reload(c, question_id));
  if (before.deleted) return Status::NotFound("no such post");
  AGORA_RETURN_IF_ERROR(storage::Run(c, "UPDATE posts SET accepted_answer_id = ? WHERE id = ?",
                                     answer_id, question_id));
  // The question and both answers change (an answer knows whether it is accepted); the search
  // index re-reads them, since an accepted answer is stronger evidence of expertise.
  std::vector<Id> changed = {question_id};
  for (const auto& answer : {before.accepted_answer_id, answer_id}) {
    if (answer && *answer != question_id) changed.push_back(*answer);
  }
  std::vector<Post> reloaded;
  for (Id id : changed) {
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kPost, id));
    AGORA_ASSIGN_OR_RETURN(auto post, Reload(c, id));
    reloaded.push_back(std::move(post));
  }
  tx.AfterCommitInOrder([this, reloaded] {
    for (const Post& post : reloaded) cache_.Put(post);
  });
  return reloaded.front();
}

Result<std::vector<Post>> PostRepository::Questions(const QuestionFilter& filter) {
  auto ids = store_.read([&](Connection& c) {
    return storage::ReadIds(
        c,
        "SELECT id FROM posts WHERE kind = 'question' AND in_reply_to IS NULL "
        "AND deleted_at IS NULL AND (CAST(?1 AS BIGINT) IS NULL OR community_id = ?1) "
        "AND (?2 = 0 OR accepted_answer_id IS NULL) "
        "AND (?3 = '' OR instr(lower(text), lower(?3)) > 0) "
        "AND (CAST(?4 AS BIGINT) IS NULL OR id < ?4) "
        "ORDER BY id DESC LIMIT ?5",
        filter.community_id, int64_t{filter.unanswered ? 1 : 0}, filter.text, filter.before,
        int64_t{filter.limit});
  });
  if (!ids.ok()) return ids.status();
  return FindMany(*ids);
}

Result<std::vector<PostRepository::AcceptedAnswer>> PostRepository::AcceptedAnswersBy(
    const std::vector<Id>& authors) {
  return store_.read([&](Connection& c) -> Result<std::vector<AcceptedAnswer>> {
    std::vector<AcceptedAnswer> out;
    AGORA_RETURN_IF_ERROR(storage::ForEachRowIn(
        c,
        "SELECT a.id, a.author_id, q.id, q.community_id FROM posts a "
        "JOIN posts q ON q.accepted_answer_id = a.id AND q.deleted_at IS NULL "
        "WHERE a.deleted_at IS NULL AND a.author_id IN (SELECT value FROM json_each(?1)) "
        "ORDER BY a.id DESC",
        authors, [&](Statement& s) {
          out.push_back({s.column_int64(0), s.column_int64(1), s.column_int64(2),
                         s.column_optional_int64(3)});
        }));
    return out;
  });
}

Result<Page<Post>> PostRepository::Replies(Id parent, const PageRequest& page) {
  auto ids = store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    auto stmt = c.prepare(
        "SELECT id FROM posts WHERE in_reply_to = ? AND id > ? AND deleted_at IS NULL "
        "ORDER BY id LIMIT ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, parent).bind(2, page.after_key.value_or(0)).bind(3, page.limit + 1);
    return (*stmt)->collect_int64();
  });
  if (!ids.ok()) return ids.status();
  Page<Post> out;
  if (static_cast<int>(ids->size()) > page.limit) {
    ids->pop_back();
    out.next_cursor = IdToString(ids->back());
  }
  auto posts = FindMany(*ids);
  if (!posts.ok()) return posts.status();
  out.items = std::move(*posts);
  return out;
}

Result<PostRepository::Reacted> PostRepository::React(storage::Transaction& tx, Id post_id,
                                                      Id user_id, const std::string& type) {
  return SetReaction(tx, post_id, user_id, type, true);
}

Result<PostRepository::Reacted> PostRepository::Unreact(storage::Transaction& tx, Id post_id,
                                                        Id user_id, const std::string& type) {
  return SetReaction(tx, post_id, user_id, type, false);
}

Result<PostRepository::Reacted> PostRepository::SetReaction(storage::Transaction& tx, Id post_id,
                                                            Id user_id, const std::string& type,
                                                            bool present) {
  UnixMillis now = clock_.now_ms();
  Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(auto current, Reload(c, post_id));
  if (current.deleted) return Status::NotFound("no such post");
  auto stmt = c.prepare(present ? "INSERT INTO reactions (post_id, user_id, type, created_at) "
                                  "VALUES (?1, ?2, ?3, ?4) ON CONFLICT DO NOTHING"
                                : "DELETE FROM reactions WHERE post_id = ?1 AND user_id = ?2 "
                                  "AND type = ?3");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, post_id).bind(2, user_id).bind(3, type);
  if (present) (*stmt)->bind(4, now);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  if (c.changes() == 0) return Reacted{std::move(current), false};  // already as asked
  AGORA_RETURN_IF_ERROR(AdjustCount(c, Counter::kReactions, post_id, present ? 1 : -1));
  // Reactions are a ranking signal of expert search.
  AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kPost, post_id));
  AGORA_ASSIGN_OR_RETURN(auto post, Reload(c, post_id));
  tx.AfterCommitInOrder([this, post] { cache_.Put(post); });
  return Reacted{std::move(post), true};
}

Result<std::vector<Post>> PostRepository::FindManyCommitted(const std::vector<Id>& ids) {
  return store_.read([&](Connection& c) -> Result<std::vector<Post>> {
    AGORA_ASSIGN_OR_RETURN(auto loaded, LoadPosts(c, ids));
    std::erase_if(loaded, [](const auto& entry) { return entry.second.deleted; });
    return storage::InOrderOf(std::span<const Id>(ids), loaded);
  });
}

Result<std::vector<Id>> PostRepository::LiveIdsAfter(Id after, int limit) {
  return store_.read([&](Connection& c) {
    return storage::ReadIds(
        c, "SELECT id FROM posts WHERE id > ? AND deleted_at IS NULL ORDER BY id LIMIT ?", after,
        int64_t{limit});
  });
}

Result<int64_t> PostRepository::CountLive() {
  return store_.read([&](Connection& c) -> Result<int64_t> {
    AGORA_ASSIGN_OR_RETURN(
        auto count, storage::ReadInt64(c, "SELECT count(*) FROM posts WHERE deleted_at IS NULL"));
    return count.value_or(0);
  });
}

Result<std::vector<PostRef>> PostRepository::RecentByAuthors(const std::vector<Id>& authors,
                                                             const IdRange& range, int limit) {
  return Recent(false, authors, range, limit);
}

Result<std::vector<PostRef>> PostRepository::RecentInCommunities(const std::vector<Id>& communities,
                                                                 const IdRange& range, int limit) {
  return Recent(true, communities, range, limit);
}

Result<std::vector<PostRef>> PostRepository::Recent(bool by_community, const std::vector<Id>& ids,
                                                    const IdRange& range, int limit) {
  if (ids.empty()) return std::vector<PostRef>();
  std::string list = storage::IdArray(ids);
  bool newer = !range.before && range.after;
  // Four fixed statements (prepared once each): by author or by community, older or newer.
  static constexpr const char* kSql[2][2] = {
      {"SELECT id, author_id, community_id FROM posts "
       "WHERE author_id IN (SELECT value FROM json_each(?1)) AND community_id IS NULL "
       "AND in_reply_to IS NULL AND deleted_at IS NULL AND id < ?2 ORDER BY id DESC LIMIT ?3",
       "SELECT id, author_id, community_id FROM posts "
       "WHERE author_id IN (SELECT value FROM json_each(?1)) AND community_id IS NULL "
       "AND in_reply_to IS NULL AND deleted_at IS NULL AND id > ?2 ORDER BY id ASC LIMIT ?3"},
      {"SELECT id, author_id, community_id FROM posts "
       "WHERE community_id IN (SELECT value FROM json_each(?1)) "
       "AND in_reply_to IS NULL AND deleted_at IS NULL AND id < ?2 ORDER BY id DESC LIMIT ?3",
       "SELECT id, author_id, community_id FROM posts "
       "WHERE community_id IN (SELECT value FROM json_each(?1)) "
       "AND in_reply_to IS NULL AND deleted_at IS NULL AND id > ?2 ORDER BY id ASC LIMIT ?3"}};
  return store_.read([&](Connection& c) -> Result<std::vector<PostRef>> {
    auto stmt = c.prepare(kSql[by_community][newer]);
    if (!stmt.ok()) return stmt.status();
    Id bound = newer ? *range.after : range.before.value_or(INT64_MAX);
    (*stmt)->bind(1, list).bind(2, bound).bind(3, int64_t{limit});
    auto refs = CollectRefs(*stmt);
    if (refs.ok() && newer) std::reverse(refs->begin(), refs->end());
    return refs;
  });
}

Result<std::vector<PostRef>> PostRepository::RecentAnnouncements(int limit) {
  return store_.read([&](Connection& c) -> Result<std::vector<PostRef>> {
    auto stmt = c.prepare(
        "SELECT id, author_id, community_id FROM posts WHERE kind = 'announcement' "
        "AND community_id IS NULL AND deleted_at IS NULL "
        "ORDER BY id DESC LIMIT ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, int64_t{limit});
    return CollectRefs(*stmt);
  });
}

}  // namespace agora::posts
