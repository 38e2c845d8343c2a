#include "services/post_service.h"

#include <algorithm>

#include "communities/community_repository.h"
#include "posts/text_entities.h"
#include "profiles/follow_graph.h"

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
                         NotificationService* notifications, LiveEvents* live)
    : store_(store),
      ids_(ids),
      posts_(posts),
      users_(users),
      communities_(communities),
      feed_(feed),
      notifications_(notifications),
      live_(live) {}

Result<posts::Post> PostService::Readable(AudienceCheck& audience, Id id) {
  auto post = posts_.Find(id);
  if (!post.ok()) return post.status();
  auto readable = audience.CanRead(post->community_id);
  if (!readable.ok()) return readable.status();
  if (!*readable) return Status::NotFound("no such post");
  return post;
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
  auto author = users_.Summaries({post.author_id});
  if (!author.ok()) return author.status();
  if (author->empty()) return Status::Internal("a post without its author");
  return PostView{std::move(post), std::move(author->front())};
}

Result<PostView> PostService::Create(const Viewer& viewer, posts::NewPost post) {
  AGORA_RETURN_IF_ERROR(posts::ValidateNewPost(post));
  AudienceCheck audience(communities_, viewer);
  std::optional<Id> community = post.community_id;
  if (post.in_reply_to) {
    if (post.community_id) {
      return Status::Unprocessable("invalid_audience", "a reply takes its parent's audience");
    }
    auto parent = Readable(audience, *post.in_reply_to);
    if (!parent.ok()) return parent.status();
    community = parent->community_id;
  }
  bool announcement = post.kind == posts::PostKind::kAnnouncement;
  if (community) {
    AGORA_RETURN_IF_ERROR(audience.CanPost(*community, announcement));
  } else if (announcement && !viewer.is_admin) {
    return Status::PermissionDenied("only admins post company-wide announcements");
  }
  auto mentions = ResolveMentions(post.text);
  if (!mentions.ok()) return mentions.status();

  std::optional<posts::InsertedPost> created;
  std::optional<std::vector<Id>> recipients;
  Status status = store_.write(
      [&](storage::Connection& c) -> Status {
        // The id is taken on the writer thread, so ids follow commit order.
        auto inserted = posts_.InsertIn(c, ids_.next(), viewer.user_id, post, *mentions);
        if (!inserted.ok()) return inserted.status();
        const posts::Post& stored = inserted->post;
        if (!stored.in_reply_to && stored.community_id) {
          // Read in the same transaction, so a member who joins or leaves concurrently is
          // either wholly before or wholly after this post.
          auto members =
              communities::MembersUnlessLarge(c, *stored.community_id, feed_.fanout_threshold());
          if (!members.ok()) return members.status();
          recipients = std::move(*members);
        } else if (!stored.in_reply_to && stored.kind != posts::PostKind::kAnnouncement) {
          auto followers =
              profiles::FollowersUnlessLarge(c, viewer.user_id, feed_.fanout_threshold());
          if (!followers.ok()) return followers.status();
          recipients = std::move(*followers);
        }
        created = std::move(*inserted);
        return Status::Ok();
      },
      [&] {
        posts_.Cache(*created);
        feed_.OnPostCommitted(created->post, recipients);
        // In commit order too: the hub hands it to its own thread at once.
        if (live_ && !created->post.in_reply_to) live_->PostCommitted(created->post, recipients);
      });
  if (!status.ok()) return status;
  if (notifications_) notifications_->OnPostCreated(created->post);
  return WithAuthor(std::move(created->post));
}

Result<PostView> PostService::Get(const Viewer& viewer, Id id) {
  AudienceCheck audience(communities_, viewer);
  auto post = Readable(audience, id);
  if (!post.ok()) return post.status();
  return WithAuthor(std::move(*post));
}

Result<PostView> PostService::Edit(const Viewer& viewer, Id id, const std::string& text) {
  AudienceCheck audience(communities_, viewer);
  auto post = Readable(audience, id);
  if (!post.ok()) return post.status();
  if (post->author_id != viewer.user_id) {
    return Status::PermissionDenied("only the author edits a post");
  }
  AGORA_RETURN_IF_ERROR(posts::ValidateText(text));
  auto mentions = ResolveMentions(text);
  if (!mentions.ok()) return mentions.status();
  auto edited = posts_.Edit(id, text, *mentions);
  if (!edited.ok()) return edited.status();
  return WithAuthor(std::move(*edited));
}

Status PostService::Delete(const Viewer& viewer, Id id) {
  AudienceCheck audience(communities_, viewer);
  auto post = Readable(audience, id);
  if (!post.ok()) return post.status();
  bool moderator = false;
  if (post->community_id) {
    auto moderates = audience.Moderates(*post->community_id);
    if (!moderates.ok()) return moderates.status();
    moderator = *moderates;
  }
  bool author = post->author_id == viewer.user_id;
  if (!author && !viewer.is_admin && !moderator) {
    return Status::PermissionDenied("only the author, a moderator or an admin deletes a post");
  }
  AGORA_RETURN_IF_ERROR(posts_.Delete(id).status());
  if (notifications_) notifications_->OnPostDeleted(id);
  if (live_) live_->PostDeleted(*post);
  if (!author && post->community_id) {
    return communities_.Record(*post->community_id, {ids_.next(), viewer.user_id, "delete_post",
                                                     post->author_id, IdToString(id)});
  }
  return Status::Ok();
}

Result<Page<PostView>> PostService::Replies(const Viewer& viewer, Id id, const PageRequest& page) {
  AudienceCheck audience(communities_, viewer);
  auto parent = Readable(audience, id);
  if (!parent.ok()) return parent.status();
  auto replies = posts_.Replies(id, page);
  if (!replies.ok()) return replies.status();
  auto views = feed_.AttachAuthors(std::move(replies->items));
  if (!views.ok()) return views.status();
  return Page<PostView>{std::move(*views), std::move(replies->next_cursor)};
}

Result<PostView> PostService::React(const Viewer& viewer, Id id, const std::string& type) {
  AGORA_RETURN_IF_ERROR(CheckReaction(type));
  AudienceCheck audience(communities_, viewer);
  auto readable = Readable(audience, id);
  if (!readable.ok()) return readable.status();
  auto reacted = posts_.React(id, viewer.user_id, type);
  if (!reacted.ok()) return reacted.status();
  // A reaction that was already there tells nobody.
  if (notifications_ && reacted->changed) notifications_->OnReaction(viewer.user_id, reacted->post);
  return WithAuthor(std::move(reacted->post));
}

Status PostService::Unreact(const Viewer& viewer, Id id, const std::string& type) {
  AGORA_RETURN_IF_ERROR(CheckReaction(type));
  AudienceCheck audience(communities_, viewer);
  auto readable = Readable(audience, id);
  if (!readable.ok()) return readable.status();
  return posts_.Unreact(id, viewer.user_id, type).status();
}

}  // namespace agora::services
