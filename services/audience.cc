#include "services/audience.h"

namespace agora::services {
namespace {

using communities::MembershipState;
using communities::Visibility;

bool IsMember(const std::optional<communities::Membership>& m) {
  return m && m->state == MembershipState::kMember;
}

}  // namespace

Result<const AudienceCheck::Known*> AudienceCheck::Lookup(Id community_id) {
  auto it = known_.find(community_id);
  if (it != known_.end()) return &it->second;
  auto community =
      connection_ ? communities_.Find(*connection_, community_id) : communities_.Find(community_id);
  if (!community.ok()) return community.status();
  auto membership = connection_
                        ? communities_.MembershipOf(*connection_, community_id, viewer_.user_id)
                        : communities_.MembershipOf(community_id, viewer_.user_id);
  if (!membership.ok()) return membership.status();
  auto [inserted, _] = known_.emplace(community_id, Known{community->visibility, *membership});
  return &inserted->second;
}

Result<bool> AudienceCheck::CanRead(std::optional<Id> community_id) {
  if (!community_id) return true;
  auto known = Lookup(*community_id);
  if (!known.ok()) {
    if (known.status().code() == StatusCode::kNotFound) return false;
    return known.status();
  }
  return (*known)->visibility == Visibility::kOpen || IsMember((*known)->membership);
}

Result<bool> AudienceCheck::CanSee(Id community_id) {
  auto known = Lookup(community_id);
  if (!known.ok()) {
    if (known.status().code() == StatusCode::kNotFound) return false;
    return known.status();
  }
  const auto& m = (*known)->membership;
  return (*known)->visibility != Visibility::kSecret || viewer_.is_admin || IsMember(m) ||
         (m && m->state == MembershipState::kInvited);
}

Status AudienceCheck::CanPost(Id community_id, bool moderator) {
  auto readable = CanRead(community_id);
  if (!readable.ok()) return readable.status();
  if (!*readable) return Status::NotFound("no such community");
  const Known& known = **Lookup(community_id);
  if (known.membership && known.membership->state == MembershipState::kBanned) {
    return Status(StatusCode::kPermissionDenied, "banned", "you are banned from this community");
  }
  if (!IsMember(known.membership)) {
    return Status::PermissionDenied("join the community to post in it");
  }
  if (moderator && !communities::Moderates(known.membership->role)) {
    return Status::PermissionDenied("only moderators post announcements to a community");
  }
  return Status::Ok();
}

Result<bool> AudienceCheck::Moderates(Id community_id) {
  auto known = Lookup(community_id);
  if (!known.ok()) {
    if (known.status().code() == StatusCode::kNotFound) return false;
    return known.status();
  }
  const auto& m = (*known)->membership;
  return IsMember(m) && communities::Moderates(m->role);
}

Status AudienceCheck::RequireReadable(Id community_id) {
  AGORA_ASSIGN_OR_RETURN(bool readable, CanRead(community_id));
  if (readable) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(bool visible, CanSee(community_id));
  if (visible) return Status::PermissionDenied("join the community to read it");
  return Status::NotFound("no such community");
}

}  // namespace agora::services
