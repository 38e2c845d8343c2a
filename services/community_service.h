// CommunityService: communities, membership and moderation, with their access rules.
//
// Thread-safe; every method blocks on SQLite (call from worker threads).
// Access: a secret community is kNotFound to anyone who is not a member or invited (admins
// excepted, for oversight); a private one is listed but its members are for members only.
// Moderators act within their own community only; owners outrank moderators, who outrank
// members, and nobody acts on someone of higher or equal rank except owners on owners.
#pragma once

#include <optional>
#include <string>

#include "communities/community.h"
#include "communities/community_repository.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/user_repository.h"
#include "services/feed_service.h"
#include "services/notification_service.h"

namespace agora::services {

struct CommunityView {
  communities::Community community;
  std::optional<communities::Membership> membership;  // the viewer's
};

struct MemberView {
  communities::Membership membership;
  profiles::UserSummary user;
};

class CommunityService {
 public:
  // Every reference must outlive the service.
  CommunityService(IdGenerator& ids, profiles::UserRepository& users,
                   communities::CommunityRepository& repo, FeedService& feed,
                   NotificationService* notifications = nullptr);

  // The creator becomes owner. name and visibility are required.
  Result<CommunityView> Create(const Viewer& viewer, const communities::CommunityChanges& fields);
  Result<Page<CommunityView>> List(const Viewer& viewer, const std::string& q,
                                   const PageRequest& page);
  Result<CommunityView> Get(const Viewer& viewer, Id id);
  // Moderators; visibility by owners only.
  Result<CommunityView> Update(const Viewer& viewer, Id id,
                               const communities::CommunityChanges& changes);

  // open: member at once; private: a pending request (or member, when invited);
  // secret: only with an invitation. kPermissionDenied "banned" for the banned.
  Result<communities::Membership> Join(const Viewer& viewer, Id id);
  // Members, requesters and the invited may leave; kConflict "last_owner" for the only owner.
  Status Leave(const Viewer& viewer, Id id);
  Result<Page<MemberView>> Members(const Viewer& viewer, Id id,
                                   std::optional<communities::Role> role, const PageRequest& page);

  // Moderators.
  Result<communities::Membership> Invite(const Viewer& viewer, Id id, Id user_id);
  Result<communities::Membership> AcceptInvitation(const Viewer& viewer, Id id);
  Result<Page<MemberView>> Requests(const Viewer& viewer, Id id, const PageRequest& page);
  Result<communities::Membership> Approve(const Viewer& viewer, Id id, Id user_id);
  Status Reject(const Viewer& viewer, Id id, Id user_id);
  // Owners set any role; moderators may make a member a moderator.
  Result<communities::Membership> SetRole(const Viewer& viewer, Id id, Id user_id,
                                          communities::Role role);
  Status Remove(const Viewer& viewer, Id id, Id user_id);
  Status Ban(const Viewer& viewer, Id id, Id user_id, const std::string& reason);
  Status Unban(const Viewer& viewer, Id id, Id user_id);
  // Moderators of the community, and admins.
  Result<Page<communities::AuditEntry>> Audit(const Viewer& viewer, Id id, const PageRequest& page);

 private:
  // The community as `viewer` may know it: kNotFound for a secret one they may not see.
  Result<CommunityView> Visible(const Viewer& viewer, Id id);
  // Visible, and the viewer moderates it.
  Result<CommunityView> Moderated(const Viewer& viewer, Id id);
  // The target's membership, checked against the acting moderator's rank.
  Result<std::optional<communities::Membership>> Outranked(const CommunityView& acting, Id target);
  communities::AuditRecord Record(const Viewer& viewer, std::string action,
                                  std::optional<Id> target, std::string note = {});
  Result<Page<MemberView>> WithUsers(Result<Page<communities::Membership>> page);
  // Sets a membership and tells the feed when someone became or stopped being a member.
  Status Transition(Id id, Id user_id, communities::Role role, communities::MembershipState state,
                    const std::optional<communities::Membership>& before,
                    std::optional<communities::AuditRecord> audit);
  Status Drop(Id id, Id user_id, const std::optional<communities::Membership>& before,
              std::optional<communities::AuditRecord> audit);
  // kConflict "last_owner" when `target` is the community's only owner.
  Status KeepAnOwner(Id id, const std::optional<communities::Membership>& target);
  // `user`'s membership when it is in `state`; kNotFound with `missing` otherwise.
  Result<communities::Membership> InState(Id id, Id user_id, communities::MembershipState state,
                                          const char* missing);

  IdGenerator& ids_;  // constant after construction
  profiles::UserRepository& users_;
  communities::CommunityRepository& repo_;
  FeedService& feed_;
  NotificationService* const notifications_;  // may be null
};

}  // namespace agora::services
