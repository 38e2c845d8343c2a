#include "services/moderation_service.h"

#include "core/text.h"
#include "services/audience.h"

namespace agora::services {

ModerationService::ModerationService(IdGenerator& ids, posts::PostRepository& posts,
                                     communities::CommunityRepository& communities,
                                     communities::ModerationRepository& moderation,
                                     CommunityService& membership,
                                     NotificationService* notifications, LiveEvents* live)
    : ids_(ids),
      posts_(posts),
      communities_(communities),
      moderation_(moderation),
      membership_(membership),
      notifications_(notifications),
      live_(live) {}

Status ModerationService::RequireAuthority(const Viewer& viewer, std::optional<Id> community_id,
                                           bool admins_too) {
  if (!community_id) {
    if (viewer.is_admin) return Status::Ok();
    return Status::PermissionDenied("reports of company-wide posts are for admins");
  }
  if (admins_too && viewer.is_admin) return Status::Ok();
  AudienceCheck audience(communities_, viewer);
  auto visible = audience.CanSee(*community_id);
  if (!visible.ok()) return visible.status();
  if (!*visible) return Status::NotFound("no such community");
  auto moderates = audience.Moderates(*community_id);
  if (!moderates.ok()) return moderates.status();
  if (!*moderates) return Status::PermissionDenied("only this community's moderators may do that");
  return Status::Ok();
}

Status ModerationService::Pin(const Viewer& viewer, Id community_id, Id post_id) {
  AGORA_RETURN_IF_ERROR(RequireAuthority(viewer, community_id, false));
  auto post = posts_.Find(post_id);
  if (!post.ok()) return post.status();
  if (post->community_id != community_id || post->in_reply_to) {
    return Status::NotFound("no such post in this community");
  }
  return moderation_.Pin(community_id, post_id,
                         {ids_.next(), viewer.user_id, "pin", std::nullopt, IdToString(post_id)});
}

Status ModerationService::Unpin(const Viewer& viewer, Id community_id, Id post_id) {
  AGORA_RETURN_IF_ERROR(RequireAuthority(viewer, community_id, false));
  return moderation_.Unpin(
      community_id, post_id,
      {ids_.next(), viewer.user_id, "unpin", std::nullopt, IdToString(post_id)});
}

Result<communities::Report> ModerationService::File(const Viewer& viewer, Id post_id,
                                                    const std::string& reason) {
  size_t length = Utf8Length(reason);
  if (length == 0 || length > communities::CommunityLimits::kReasonMax ||
      HasForbiddenControl(reason)) {
    return Status::Unprocessable("invalid_reason", "reason must be 1 to 500 characters");
  }
  auto post = posts_.Find(post_id);
  if (!post.ok()) return post.status();
  AudienceCheck audience(communities_, viewer);
  auto readable = audience.CanRead(post->community_id);
  if (!readable.ok()) return readable.status();
  if (!*readable) return Status::NotFound("no such post");
  Id id = ids_.next();
  auto report = moderation_.File(id, post_id, post->community_id, viewer.user_id, reason);
  // Filing again returns the open report: its moderators were told the first time.
  if (report.ok() && report->id == id && notifications_) {
    notifications_->OnReport(viewer.user_id, *post);
  }
  return report;
}

Result<Page<communities::Report>> ModerationService::List(const Viewer& viewer,
                                                          std::optional<Id> community_id, bool open,
                                                          const PageRequest& page) {
  AGORA_RETURN_IF_ERROR(RequireAuthority(viewer, community_id, true));
  return moderation_.List(community_id, open, page);
}

Result<communities::Report> ModerationService::Resolve(const Viewer& viewer, Id report_id,
                                                       communities::ReportAction action,
                                                       const std::string& note) {
  AGORA_RETURN_IF_ERROR(communities::ValidateReason(note));
  auto report = moderation_.Find(report_id);
  if (!report.ok()) return report.status();
  Status authority = RequireAuthority(viewer, report->community_id, true);
  if (!authority.ok()) return Status::NotFound("no such report");  // never reveal it exists
  if (!report->open) return Status::Conflict("already_resolved", "that report is already resolved");
  auto post = posts_.Find(report->post_id);
  bool post_gone = !post.ok() && post.status().code() == StatusCode::kNotFound;
  if (!post.ok() && !post_gone) return post.status();
  switch (action) {
    case communities::ReportAction::kDismiss:
      break;
    case communities::ReportAction::kRemovePost:
      if (!post_gone) {
        auto removed = posts_.Delete(report->post_id);
        if (!removed.ok() && removed.status().code() != StatusCode::kNotFound) {
          return removed.status();
        }
        if (removed.ok()) {
          if (notifications_) notifications_->OnPostDeleted(report->post_id);
          if (live_) live_->PostDeleted(*removed);
        }
      }
      break;
    case communities::ReportAction::kBanAuthor:
      if (!report->community_id) {
        return Status::Unprocessable("invalid_action",
                                     "ban_author applies to community posts; deactivate the "
                                     "account instead");
      }
      if (post_gone) return Status::Conflict("post_gone", "the reported post no longer exists");
      AGORA_RETURN_IF_ERROR(membership_.Ban(viewer, *report->community_id, post->author_id, note));
      break;
  }
  std::optional<communities::AuditRecord> audit;
  if (report->community_id) {
    audit = communities::AuditRecord{ids_.next(), viewer.user_id,
                                     std::string("resolve_report:") + ActionName(action),
                                     report->reporter_id, note};
  }
  return moderation_.Resolve(report_id, action, note, viewer.user_id, std::move(audit));
}

}  // namespace agora::services
