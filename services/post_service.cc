#include "services/post_service.h"

#include <algorithm>

#include "communities/community_repository.h"
#include "posts/text_entities.h"
#include "profiles/follow_graph.h"
#include "sales/deal_repository.h"
#include "services/deal_access.h"

namespace agora::services {
namespace {

Status CheckReaction(const std::string& type) {
  const auto& types = posts::ReactionTypes();
  if (std::find(types.begin(), types.end(), type) == types.end()) {
    return Status::Unprocessable("invalid_reaction",
                                 "type is one of like, celebrate, insightful, support, curious");
  }
  return Status::Ok();
}

}  // namespace

PostService::PostService(storage::Store& store, IdGenerator& ids, posts::PostRepository& posts,
                         profiles::UserRepository& users,
                         communities::CommunityRepository& communities, FeedService& feed,
                         NotificationService& notifications, LiveEvents& live, Quotas& quotas)
    : store_(store),
      ids_(ids),
      posts_(posts),
      users_(users),
      communities_(communities),
      feed_(feed),
      notifications_(notifications),
      live_(live),
      quotas_(quotas) {}

Result<posts::Post> PostService::Readable(AudienceCheck& audience, Result<posts::Post> post) {
  if (!post.ok()) return post.status();
  if (post->deleted) return Status::NotFound("no such post");
  AGORA_ASSIGN_OR_RETURN(bool readable, audience.CanRead(post->community_id));
  if (!readable) return Status::NotFound("no such post");
  return post;
}

Result<posts::Post> PostService::ReadableIn(storage::Connection& c, const Viewer& viewer, Id id) {
  AudienceCheck audience(communities_, c, viewer);
  return Readable(audience, posts_.Reload(c, id));
}

Result<std::vector<posts::Mention>> PostService::ResolveMentions(const std::string& text) {
  std::vector<posts::Mention> out;
  for (const auto& name : posts::ExtractMentions(text)) {
    auto user = users_.FindByUsername(name);
    if (user.ok()) {
      if (user->active) out.push_back({user->id, user->username});
    } else if (user.status().code() != StatusCode::kNotFound) {
      return user.status();
    }
  }
  return out;
}

Result<PostView> PostService::WithAuthor(posts::Post post) {
  AGORA_ASSIGN_OR_RETURN(auto author, users_.Summaries({post.author_id}));
  if (author.empty()) return Status::Internal("a post without its author");
  return PostView{std::move(post), std::move(author.front())};
}

Result<PostView> PostService::Create(const Viewer& viewer, posts::NewPost post) {
  AGORA_RETURN_IF_ERROR(posts::ValidateNewPost(post));
  if (post.in_reply_to && post.community_id) {
    return Status::Unprocessable("invalid_audience", "a reply takes its parent's audience");
  }
  bool announcement = post.kind == posts::PostKind::kAnnouncement;
  AGORA_ASSIGN_OR_RETURN(auto mentions, ResolveMentions(post.text));
  AGORA_RETURN_IF_ERROR(
      quotas_.Take(viewer.user_id, post.in_reply_to ? QuotaAction::kReply : QuotaAction::kPost));
  AGORA_RETURN_IF_ERROR(
      quotas_.Take(viewer.user_id, QuotaAction::kMention, static_cast<int64_t>(mentions.size())));

  auto created = store_.Transact<posts::InsertedPost>(
      [&](storage::Transaction& tx) -> Result<posts::InsertedPost> {
        storage::Connection& c = tx.connection();
        // Membership and bans are read in the transaction that writes the post, so a ban or a
        // departure is either wholly before this post (refused) or wholly after it.
        AudienceCheck audience(communities_, c, viewer);
        std::optional<Id> community = post.community_id;
        if (post.in_reply_to) {
          AGORA_ASSIGN_OR_RETURN(auto parent,
                                 Readable(audience, posts_.Reload(c, *post.in_reply_to)));
          community = parent.community_id;
        }
        if (community) {
          AGORA_RETURN_IF_ERROR(audience.CanPost(*community, announcement));
        } else if (viewer.is_guest()) {
          return GuestConfined("post company-wide; name one of your communities");
        } else if (announcement && !viewer.is_admin) {
          return Status::PermissionDenied("only admins post company-wide announcements");
        }
        std::optional<Id> story_owner;
        if (post.deal_id) {
          // A deal the author may not see is refused like a missing one: nothing tells them apart.
          AGORA_ASSIGN_OR_RETURN(auto deal, sales::FindDeal(c, *post.deal_id));
          bool visible = false;
          if (deal) {
            AGORA_ASSIGN_OR_RETURN(visible, CanSeeDeal(c, viewer, *deal));
          }
          if (!visible) return Status::Unprocessable("invalid_deal", "no such deal");
          story_owner = deal->owner_id;
        }
        // The id is taken on the writer thread, so ids follow commit order.
        AGORA_ASSIGN_OR_RETURN(auto inserted,
                               posts_.InsertIn(c, ids_.next(), viewer.user_id, post, mentions));
        const posts::Post& stored = inserted.post;
        AGORA_ASSIGN_OR_RETURN(auto recipients, Recipients(c, stored));
        std::optional<Id> parent_author;
        if (inserted.parent) parent_author = inserted.parent->author_id;
        AGORA_RETURN_IF_ERROR(notifications_.OnPostCreated(tx, stored, parent_author));
        if (story_owner) {
          AGORA_RETURN_IF_ERROR(notifications_.OnStoryAttached(tx, *story_owner, *post.deal_id));
        }
        tx.AfterCommitInOrder([this, inserted, recipients = std::move(recipients)] {
          posts_.Cache(inserted);
          feed_.OnPostCommitted(inserted.post, recipients);
          // In commit order too: the hub hands it to its own thread at once.
          if (!inserted.post.in_reply_to) live_.PostCommitted(inserted.post, recipients);
        });
        return inserted;
      });
  if (!created.ok()) return created.status();
  return WithAuthor(std::move(created->post));
}

Result<std::optional<std::vector<Id>>> PostService::Recipients(storage::Connection& c,
                                                               const posts::Post& post) {
  if (post.in_reply_to) return std::optional<std::vector<Id>>();
  if (post.community_id) {
    return communities::MembersUnlessLarge(c, *post.community_id, feed_.fanout_threshold());
  }
  if (post.kind == posts::PostKind::kAnnouncement) return std::optional<std::vector<Id>>();
  return profiles::FollowersUnlessLarge(c, post.author_id, feed_.fanout_threshold());
}

Status PostService::ApplyRemote(Id id, storage::OutboxKind kind) {
  struct Loaded {
    posts::InsertedPost inserted;
    std::optional<std::vector<Id>> recipients;
  };
  const bool created = kind == storage::OutboxKind::kCreated;
  auto load = [&](storage::Connection& c) -> Result<Loaded> {
    Loaded out;
    AGORA_ASSIGN_OR_RETURN(out.inserted.post, posts_.Reload(c, id));
    const posts::Post& post = out.inserted.post;
    if (post.in_reply_to) {
      AGORA_ASSIGN_OR_RETURN(out.inserted.parent, posts_.Reload(c, *post.in_reply_to));
    }
    if (created && !post.deleted) {
      AGORA_ASSIGN_OR_RETURN(out.recipients, Recipients(c, post));
    }
    return out;
  };
  AGORA_ASSIGN_OR_RETURN(auto loaded, store_.read(load));
  const posts::Post& post = loaded.inserted.post;
  posts_.Cache(loaded.inserted);
  if (created && !post.deleted) {
    feed_.OnPostCommitted(post, loaded.recipients);
    if (!post.in_reply_to) live_.PostCommitted(post, loaded.recipients);
  }
  if (kind == storage::OutboxKind::kRemoved) live_.PostDeleted(post);
  return Status::Ok();
}

Result<PostView> PostService::Get(const Viewer& viewer, Id id) {
  AudienceCheck audience(communities_, viewer);
  AGORA_ASSIGN_OR_RETURN(auto post, Readable(audience, posts_.Find(id)));
  return WithAuthor(std::move(post));
}

Result<PostView> PostService::Edit(const Viewer& viewer, Id id, const std::string& text) {
  AGORA_RETURN_IF_ERROR(posts::ValidateText(text));
  AGORA_ASSIGN_OR_RETURN(auto mentions, ResolveMentions(text));
  auto edited = store_.Transact<posts::Post>([&](storage::Transaction& tx) -> Result<posts::Post> {
    // Access (a ban, a departure) is checked where the edit is written. Editing is posting
    // again: a banned or departed author's words stay (they may delete them) but do not change.
    storage::Connection& c = tx.connection();
    AudienceCheck audience(communities_, c, viewer);
    AGORA_ASSIGN_OR_RETURN(auto post, Readable(audience, posts_.Reload(c, id)));
    if (post.author_id != viewer.user_id) {
      return Status::PermissionDenied("only the author edits a post");
    }
    if (post.community_id) AGORA_RETURN_IF_ERROR(audience.CanPost(*post.community_id, false));
    return posts_.Edit(tx, id, text, mentions);
  });
  if (!edited.ok()) return edited.status();
  return WithAuthor(std::move(*edited));
}

Result<posts::Post> PostService::Remove(storage::Transaction& tx, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto removed, posts_.Delete(tx, id));
  AGORA_RETURN_IF_ERROR(notifications_.OnPostDeleted(tx, id));
  tx.AfterCommitInOrder([this, removed] { live_.PostDeleted(removed); });
  return removed;
}

Status PostService::Delete(const Viewer& viewer, Id id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    storage::Connection& c = tx.connection();
    AudienceCheck audience(communities_, c, viewer);
    AGORA_ASSIGN_OR_RETURN(auto post, Readable(audience, posts_.Reload(c, id)));
    bool moderator = false;
    if (post.community_id) {
      AGORA_ASSIGN_OR_RETURN(moderator, audience.Moderates(*post.community_id));
    }
    bool author = post.author_id == viewer.user_id;
    if (!author && !viewer.is_admin && !moderator) {
      return Status::PermissionDenied("only the author, a moderator or an admin deletes a post");
    }
    AGORA_RETURN_IF_ERROR(Remove(tx, id).status());
    if (!author && post.community_id) {
      AGORA_RETURN_IF_ERROR(communities_.Record(
          c, *post.community_id,
          {ids_.next(), viewer.user_id, "delete_post", post.author_id, IdToString(id)}));
    }
    return Status::Ok();
  });
}

Result<Page<PostView>> PostService::Replies(const Viewer& viewer, Id id, const PageRequest& page) {
  AudienceCheck audience(communities_, viewer);
  AGORA_RETURN_IF_ERROR(Readable(audience, posts_.Find(id)).status());
  AGORA_ASSIGN_OR_RETURN(auto replies, posts_.Replies(id, page));
  AGORA_ASSIGN_OR_RETURN(auto views, feed_.AttachAuthors(std::move(replies.items)));
  return Page<PostView>{std::move(views), std::move(replies.next_cursor)};
}

Result<PostView> PostService::React(const Viewer& viewer, Id id, const std::string& type) {
  AGORA_RETURN_IF_ERROR(CheckReaction(type));
  AGORA_RETURN_IF_ERROR(quotas_.Take(viewer.user_id, QuotaAction::kReact));
  auto reacted = store_.Transact<posts::Post>([&](storage::Transaction& tx) -> Result<posts::Post> {
    storage::Connection& c = tx.connection();
    AudienceCheck audience(communities_, c, viewer);
    AGORA_ASSIGN_OR_RETURN(auto post, Readable(audience, posts_.Reload(c, id)));
    if (post.community_id) AGORA_RETURN_IF_ERROR(audience.RefuseBanned(*post.community_id));
    AGORA_ASSIGN_OR_RETURN(auto result, posts_.React(tx, id, viewer.user_id, type));
    // A reaction that was already there tells nobody.
    if (result.changed) {
      AGORA_RETURN_IF_ERROR(notifications_.OnReaction(tx, viewer.user_id, result.post));
    }
    return result.post;
  });
  if (!reacted.ok()) return reacted.status();
  return WithAuthor(std::move(*reacted));
}

Status PostService::Unreact(const Viewer& viewer, Id id, const std::string& type) {
  AGORA_RETURN_IF_ERROR(CheckReaction(type));
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_RETURN_IF_ERROR(ReadableIn(tx.connection(), viewer, id).status());
    return posts_.Unreact(tx, id, viewer.user_id, type).status();
  });
}

}  // namespace agora::services
