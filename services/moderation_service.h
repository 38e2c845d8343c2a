// ModerationService: pins and reports, spanning posts and communities.
//
// Thread-safe; every method blocks on SQLite (call from worker threads). Reports of a
// community's posts go to its moderators (admins may act on them too); reports of company-wide
// posts go to admins. A report its caller may not act on reads as kNotFound.
#pragma once

#include <optional>
#include <string>

#include "communities/community_repository.h"
#include "communities/moderation.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "posts/post_repository.h"
#include "services/community_service.h"
#include "services/notification_service.h"
#include "services/post_service.h"

namespace agora::services {

class ModerationService {
 public:
  // Every reference must outlive the service.
  ModerationService(storage::Store& store, IdGenerator& ids, posts::PostRepository& posts,
                    communities::CommunityRepository& communities,
                    communities::ModerationRepository& moderation, CommunityService& membership,
                    PostService& removal, NotificationService& notifications);

  // Moderators pin top-level posts of their own community.
  Status Pin(const Viewer& viewer, Id community_id, Id post_id);
  Status Unpin(const Viewer& viewer, Id community_id, Id post_id);

  // Anyone who can read the post; reason 1-500 characters. Filing twice returns the open one.
  Result<communities::Report> File(const Viewer& viewer, Id post_id, const std::string& reason);
  // A community's reports (its moderators), or, with nullopt, company-wide ones (admins).
  Result<Page<communities::Report>> List(const Viewer& viewer, std::optional<Id> community_id,
                                         bool open, const PageRequest& page);
  // dismiss, remove_post, or ban_author (community posts only), with a note; audited. The
  // decision is one transaction: the report is resolved, the post removed or its author
  // banned, and the audit written together, or nothing is.
  Result<communities::Report> Resolve(const Viewer& viewer, Id report_id,
                                      communities::ReportAction action, const std::string& note);

 private:
  // Whether the viewer may act on `community_id`'s pins (its moderators) or reports (its
  // moderators and admins; admins alone for company-wide posts, nullopt): kNotFound for a
  // community they may not know, kPermissionDenied otherwise.
  Status RequireAuthority(storage::Connection& c, const Viewer& viewer,
                          std::optional<Id> community_id, bool admins_too);

  // Constant after construction.
  storage::Store& store_;
  IdGenerator& ids_;
  posts::PostRepository& posts_;
  communities::CommunityRepository& communities_;
  communities::ModerationRepository& moderation_;
  CommunityService& membership_;
  PostService& removal_;
  NotificationService& notifications_;
};

}  // namespace agora::services
