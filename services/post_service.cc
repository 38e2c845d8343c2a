#include "services/post_service.h"

#include <algorithm>

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
                         profiles::UserRepository& users, FeedService& feed)
    : store_(store), ids_(ids), posts_(posts), users_(users), feed_(feed) {}

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
  if (post.kind == posts::PostKind::kAnnouncement && !viewer.is_admin) {
    return Status::PermissionDenied("only admins post announcements");
  }
  if (post.community_id) return Status::NotFound("no such community");
  auto mentions = ResolveMentions(post.text);
  if (!mentions.ok()) return mentions.status();

  std::optional<posts::InsertedPost> created;
  std::optional<std::vector<Id>> followers;
  Status status = store_.write(
      [&](storage::Connection& c) -> Status {
        // The id is taken on the writer thread, so ids follow commit order.
        auto inserted = posts_.InsertIn(c, ids_.next(), viewer.user_id, post, *mentions);
        if (!inserted.ok()) return inserted.status();
        const posts::Post& stored = inserted->post;
        bool streamed = !stored.in_reply_to && stored.kind != posts::PostKind::kAnnouncement;
        if (streamed) {
          auto recipients =
              profiles::FollowersUnlessLarge(c, viewer.user_id, feed_.fanout_threshold());
          if (!recipients.ok()) return recipients.status();
          followers = std::move(*recipients);
        }
        created = std::move(*inserted);
        return Status::Ok();
      },
      [&] {
        posts_.Cache(*created);
        feed_.OnPostCommitted(created->post, followers);
      });
  if (!status.ok()) return status;
  return WithAuthor(std::move(created->post));
}

Result<PostView> PostService::Get(const Viewer&, Id id) {
  auto post = posts_.Find(id);
  if (!post.ok()) return post.status();
  return WithAuthor(std::move(*post));
}

Result<PostView> PostService::Edit(const Viewer& viewer, Id id, const std::string& text) {
  auto post = posts_.Find(id);
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
  auto post = posts_.Find(id);
  if (!post.ok()) return post.status();
  if (post->author_id != viewer.user_id && !viewer.is_admin) {
    return Status::PermissionDenied("only the author or an admin deletes a post");
  }
  return posts_.Delete(id).status();
}

Result<Page<PostView>> PostService::Replies(const Viewer&, Id id, const PageRequest& page) {
  auto parent = posts_.Find(id);
  if (!parent.ok()) return parent.status();
  auto replies = posts_.Replies(id, page);
  if (!replies.ok()) return replies.status();
  auto views = feed_.AttachAuthors(std::move(replies->items));
  if (!views.ok()) return views.status();
  return Page<PostView>{std::move(*views), std::move(replies->next_cursor)};
}

Result<PostView> PostService::React(const Viewer& viewer, Id id, const std::string& type) {
  AGORA_RETURN_IF_ERROR(CheckReaction(type));
  auto post = posts_.React(id, viewer.user_id, type);
  if (!post.ok()) return post.status();
  return WithAuthor(std::move(*post));
}

Status PostService::Unreact(const Viewer& viewer, Id id, const std::string& type) {
  AGORA_RETURN_IF_ERROR(CheckReaction(type));
  return posts_.Unreact(id, viewer.user_id, type).status();
}

}  // namespace agora::services
