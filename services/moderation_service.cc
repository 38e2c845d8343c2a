#include "services/moderation_service.h"

#include "core/text.h"
#include "services/audience.h"

namespace agora::services {

ModerationService::ModerationService(storage::Store& store, IdGenerator& ids,
                                     posts::PostRepository& posts,
                                     communities::CommunityRepository& communities,
                                     communities::ModerationRepository& moderation,
                                     CommunityService& membership, PostService& removal,
                                     NotificationService& notifications)
    : store_(store),
      ids_(ids),
      posts_(posts),
      communities_(communities),
      moderation_(moderation),
      membership_(membership),
      removal_(removal),
      notifications_(notifications) {}

Status ModerationService::RequireAuthority(storage::Connection& c, const Viewer& viewer,
                                           std::optional<Id> community_id, bool admins_too) {
  if (!community_id) {
    if (viewer.is_admin) return Status::Ok();
    return Status::PermissionDenied("reports of company-wide posts are for admins");
  }
  if (admins_too && viewer.is_admin) return Status::Ok();
  AudienceCheck audience(communities_, c, viewer);
  AGORA_ASSIGN_OR_RETURN(bool visible, audience.CanSee(*community_id));
  if (!visible) return Status::NotFound("no such community");
  AGORA_ASSIGN_OR_RETURN(bool moderates, audience.Moderates(*community_id));
  if (!moderates) return Status::PermissionDenied("only this community's moderators may do that");
  return Status::Ok();
}

Status ModerationService::Pin(const Viewer& viewer, Id community_id, Id post_id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    storage::Connection& c = tx.connection();
    AGORA_RETURN_IF_ERROR(RequireAuthority(c, viewer, community_id, false));
    // Missing, deleted, elsewhere (perhaps in a community the moderator may not read) or a
    // reply: one answer, so pinning never tells whether a hidden post exists.
    auto post = posts_.Reload(c, post_id);
    if (!post.ok() && post.status().code() != StatusCode::kNotFound) return post.status();
    if (!post.ok() || post->deleted || post->community_id != community_id || post->in_reply_to) {
      return Status::NotFound("no such post in this community");
    }
    return moderation_.Pin(c, community_id, post_id,
                           {ids_.next(), viewer.user_id, "pin", std::nullopt, IdToString(post_id)});
  });
}

Status ModerationService::Unpin(const Viewer& viewer, Id community_id, Id post_id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    storage::Connection& c = tx.connection();
    AGORA_RETURN_IF_ERROR(RequireAuthority(c, viewer, community_id, false));
    return moderation_.Unpin(
        c, community_id, post_id,
        {ids_.next(), viewer.user_id, "unpin", std::nullopt, IdToString(post_id)});
  });
}

Result<communities::Report> ModerationService::File(const Viewer& viewer, Id post_id,
                                                    const std::string& reason) {
  size_t length = Utf8Length(reason);
  if (length == 0 || length > communities::CommunityLimits::kReasonMax ||
      HasForbiddenControl(reason)) {
    return Status::Unprocessable("invalid_reason", "reason must be 1 to 500 characters");
  }
  return store_.Transact<communities::Report>(
      [&](storage::Transaction& tx) -> Result<communities::Report> {
        storage::Connection& c = tx.connection();
        AGORA_ASSIGN_OR_RETURN(auto post, posts_.Reload(c, post_id));
        AudienceCheck audience(communities_, c, viewer);
        AGORA_ASSIGN_OR_RETURN(bool readable, audience.CanRead(post.community_id));
        if (post.deleted || !readable) return Status::NotFound("no such post");
        Id id = ids_.next();
        AGORA_ASSIGN_OR_RETURN(auto report, moderation_.File(c, id, post_id, post.community_id,
                                                             viewer.user_id, reason));
        // Filing again returns the open report: its moderators were told the first time.
        if (report.id == id)
          AGORA_RETURN_IF_ERROR(notifications_.OnReport(tx, viewer.user_id, post));
        return report;
      });
}

Result<Page<communities::Report>> ModerationService::List(const Viewer& viewer,
                                                          std::optional<Id> community_id, bool open,
                                                          const PageRequest& page) {
  AGORA_RETURN_IF_ERROR(store_.read(
      [&](storage::Connection& c) { return RequireAuthority(c, viewer, community_id, true); }));
  return moderation_.List(community_id, open, page);
}

Result<communities::Report> ModerationService::Resolve(const Viewer& viewer, Id report_id,
                                                       communities::ReportAction action,
                                                       const std::string& note) {
  AGORA_RETURN_IF_ERROR(communities::ValidateReason(note));
  return store_.Transact<communities::Report>(
      [&](storage::Transaction& tx) -> Result<communities::Report> {
        storage::Connection& c = tx.connection();
        AGORA_ASSIGN_OR_RETURN(auto report, moderation_.Find(c, report_id));
        Status authority = RequireAuthority(c, viewer, report.community_id, true);
        if (!authority.ok()) return Status::NotFound("no such report");  // never reveal it exists
        if (!report.open) {
          return Status::Conflict("already_resolved", "that report is already resolved");
        }
        auto post = posts_.Reload(c, report.post_id);
        if (!post.ok() && post.status().code() != StatusCode::kNotFound) return post.status();
        bool post_gone = !post.ok() || post->deleted;
        switch (action) {
          case communities::ReportAction::kDismiss:
            break;
          case communities::ReportAction::kRemovePost:
            if (!post_gone) AGORA_RETURN_IF_ERROR(removal_.Remove(tx, report.post_id).status());
            break;
          case communities::ReportAction::kBanAuthor:
            if (!report.community_id) {
              return Status::Unprocessable("invalid_action",
                                           "ban_author applies to community posts; deactivate the "
                                           "account instead");
            }
            if (post_gone)
              return Status::Conflict("post_gone", "the reported post no longer exists");
            // Peers ban and delete together: the post goes with its author, in this transaction.
            AGORA_RETURN_IF_ERROR(
                membership_.Ban(tx, viewer, *report.community_id, post->author_id, note));
            AGORA_RETURN_IF_ERROR(removal_.Remove(tx, report.post_id).status());
            break;
        }
        std::optional<communities::AuditRecord> audit;
        if (report.community_id) {
          audit = communities::AuditRecord{ids_.next(), viewer.user_id,
                                           std::string("resolve_report:") + ActionName(action),
                                           report.reporter_id, note};
        }
        return moderation_.Resolve(c, report_id, action, note, viewer.user_id, audit);
      });
}

}  // namespace agora::services
