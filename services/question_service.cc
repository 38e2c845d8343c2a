#include "services/question_service.h"

#include <utility>
#include <vector>

namespace agora::services {
namespace {

// A live post the audience may read, else kNotFound.
Result<posts::Post> ReadablePost(AudienceCheck& audience, Result<posts::Post> post) {
  if (!post.ok()) return post.status();
  if (post->deleted) return Status::NotFound("no such post");
  AGORA_ASSIGN_OR_RETURN(bool readable, audience.CanRead(post->community_id));
  if (!readable) return Status::NotFound("no such post");
  return post;
}

// How many questions a page reads at a time while it drops those the viewer may not read.
constexpr int kScanBatch = 200;

}  // namespace

QuestionService::QuestionService(storage::Store& store, IdGenerator& ids,
                                 posts::PostRepository& posts,
                                 communities::CommunityRepository& communities, FeedService& feed,
                                 NotificationService& notifications)
    : store_(store),
      ids_(ids),
      posts_(posts),
      communities_(communities),
      feed_(feed),
      notifications_(notifications) {}

Result<posts::Post> QuestionService::DecidableQuestion(storage::Transaction& tx,
                                                       AudienceCheck& audience,
                                                       const Viewer& viewer, Id question_id) {
  AGORA_ASSIGN_OR_RETURN(auto question,
                         ReadablePost(audience, posts_.Reload(tx.connection(), question_id)));
  if (question.kind != posts::PostKind::kQuestion || question.in_reply_to) {
    return Status::Unprocessable("not_a_question", "only a top-level question has an answer");
  }
  bool moderator = false;
  if (question.community_id) {
    AGORA_ASSIGN_OR_RETURN(moderator, audience.Moderates(*question.community_id));
  }
  if (question.author_id != viewer.user_id && !moderator) {
    return Status::PermissionDenied(
        "only the asker or a moderator of its community accepts an answer");
  }
  return question;
}

Result<PostView> QuestionService::Accept(const Viewer& viewer, Id question_id, Id reply_id) {
  auto accepted =
      store_.Transact<posts::Post>([&](storage::Transaction& tx) -> Result<posts::Post> {
        storage::Connection& c = tx.connection();
        AudienceCheck audience(communities_, c, viewer);
        AGORA_ASSIGN_OR_RETURN(auto question, DecidableQuestion(tx, audience, viewer, question_id));
        AGORA_ASSIGN_OR_RETURN(auto reply, ReadablePost(audience, posts_.Reload(c, reply_id)));
        if (reply.in_reply_to != question.id) {
          // Walk up: a reply somewhere below this question is nested; anything else is elsewhere.
          std::optional<Id> parent = reply.in_reply_to;
          while (parent) {
            AGORA_ASSIGN_OR_RETURN(auto up, posts_.Reload(c, *parent));
            if (up.in_reply_to == question.id) {
              return Status::Unprocessable("nested_reply",
                                           "only a direct reply to the question can be accepted");
            }
            parent = up.in_reply_to;
          }
          return Status::Unprocessable("not_a_reply", "reply_id is not a reply to this question");
        }
        if (question.accepted_answer_id == reply.id) return question;
        AGORA_ASSIGN_OR_RETURN(auto updated, posts_.SetAcceptedAnswer(tx, question.id, reply.id));
        AGORA_RETURN_IF_ERROR(notifications_.OnAnswerAccepted(tx, viewer.user_id, updated, reply));
        if (question.author_id != viewer.user_id && question.community_id) {
          AGORA_RETURN_IF_ERROR(communities_.Record(c, *question.community_id,
                                                    {ids_.next(), viewer.user_id, "accept_answer",
                                                     reply.author_id, IdToString(reply.id)}));
        }
        return updated;
      });
  if (!accepted.ok()) return accepted.status();
  AGORA_ASSIGN_OR_RETURN(auto views, feed_.AttachAuthors({std::move(*accepted)}));
  if (views.empty()) return Status::Internal("a question without its author");
  return std::move(views.front());
}

Status QuestionService::Withdraw(const Viewer& viewer, Id question_id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    AudienceCheck audience(communities_, tx.connection(), viewer);
    AGORA_ASSIGN_OR_RETURN(auto question, DecidableQuestion(tx, audience, viewer, question_id));
    if (!question.accepted_answer_id) return Status::Ok();
    AGORA_RETURN_IF_ERROR(posts_.SetAcceptedAnswer(tx, question.id, std::nullopt).status());
    if (question.author_id != viewer.user_id && question.community_id) {
      AGORA_RETURN_IF_ERROR(
          communities_.Record(tx.connection(), *question.community_id,
                              {ids_.next(), viewer.user_id, "withdraw_answer", question.author_id,
                               IdToString(*question.accepted_answer_id)}));
    }
    return Status::Ok();
  });
}

Result<Page<PostView>> QuestionService::List(const Viewer& viewer,
                                             const QuestionsRequest& request) {
  AudienceCheck audience(communities_, viewer);
  if (request.community_id) {
    // A community the viewer may not read has no questions for them, and may not exist.
    AGORA_RETURN_IF_ERROR(audience.RequireReadable(*request.community_id));
  }
  posts::PostRepository::QuestionFilter filter;
  filter.community_id = request.community_id;
  filter.unanswered = request.unanswered;
  filter.text = request.text;
  filter.before = request.page.after_key;
  filter.limit = kScanBatch;
  auto limit = static_cast<size_t>(request.page.limit);
  std::vector<posts::Post> readable;
  bool more = true;
  while (readable.size() < limit && more) {
    AGORA_ASSIGN_OR_RETURN(auto batch, posts_.Questions(filter));
    more = static_cast<int>(batch.size()) == kScanBatch;
    for (auto& post : batch) {
      filter.before = post.id;
      AGORA_ASSIGN_OR_RETURN(bool ok, audience.CanRead(post.community_id));
      if (ok) readable.push_back(std::move(post));
      if (readable.size() == limit) break;
    }
    if (batch.empty()) more = false;
  }
  Page<PostView> page;
  if (readable.size() == limit) {
    page.next_cursor = IdToString(readable.back().id);
  }
  AGORA_ASSIGN_OR_RETURN(page.items, feed_.AttachAuthors(std::move(readable)));
  return page;
}

}  // namespace agora::services
