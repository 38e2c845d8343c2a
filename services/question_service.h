// QuestionService: accepted answers on questions, and the list of questions.
//
// Thread-safe; every method blocks on SQLite (call from worker threads). A question the viewer
// may not read is kNotFound, and so is a reply they may not read: accepting needs read access,
// checked in the transaction that writes the acceptance.
#pragma once

#include <optional>
#include <string>

#include "communities/community_repository.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "posts/post_repository.h"
#include "services/audience.h"
#include "services/feed_service.h"
#include "services/notification_service.h"
#include "services/post_view.h"

namespace agora::services {

struct QuestionsRequest {
  std::optional<Id> community_id;
  bool unanswered = false;
  std::string text;  // matched anywhere in the question, in any case
  PageRequest page;
};

class QuestionService {
 public:
  // Every reference must outlive the service.
  QuestionService(storage::Store& store, IdGenerator& ids, posts::PostRepository& posts,
                  communities::CommunityRepository& communities, FeedService& feed,
                  NotificationService& notifications);

  // The asker or a moderator of the question's community accepts `reply_id`, a direct reply to
  // the question, replacing any earlier choice; its author is notified. kUnprocessable
  // "not_a_question" (the post is not a top-level question), "nested_reply" (a reply to a
  // reply of this question), "not_a_reply" (a reply elsewhere, or the question itself).
  Result<PostView> Accept(const Viewer& viewer, Id question_id, Id reply_id);
  // Clears the accepted answer (no-op when there is none). Same permission as Accept.
  Status Withdraw(const Viewer& viewer, Id question_id);
  // Readable questions, newest first.
  Result<Page<PostView>> List(const Viewer& viewer, const QuestionsRequest& request);

 private:
  // Inside the transaction: the question, readable by the viewer and theirs to decide on.
  Result<posts::Post> DecidableQuestion(storage::Transaction& tx, AudienceCheck& audience,
                                        const Viewer& viewer, Id question_id);

  storage::Store& store_;
  IdGenerator& ids_;
  posts::PostRepository& posts_;
  communities::CommunityRepository& communities_;
  FeedService& feed_;
  NotificationService& notifications_;
};

}  // namespace agora::services
