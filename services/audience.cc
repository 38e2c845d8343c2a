#include "services/audience.h"

#include <algorithm>
#include <string>

namespace agora::services {
namespace {

using communities::MembershipState;
using communities::Visibility;

bool IsMember(const std::optional<communities::Membership>& m) {
  return m && m->state == MembershipState::kMember;
}

}  // namespace

bool MayKnowCommunity(const Viewer& viewer, Visibility visibility,
                      const std::optional<communities::Membership>& membership) {
  bool member_or_invited =
      IsMember(membership) || (membership && membership->state == MembershipState::kInvited);
  if (viewer.is_guest()) return member_or_invited;
  return visibility != Visibility::kSecret || viewer.is_admin || member_or_invited;
}

bool MayReadCommunity(const Viewer& viewer, Visibility visibility,
                      const std::optional<communities::Membership>& membership) {
  return (visibility == Visibility::kOpen && !viewer.is_guest()) || IsMember(membership);
}

Status GuestConfined(std::string_view what) {
  return Status(StatusCode::kPermissionDenied, "guest_confined",
                "guests may not " + std::string(what));
}

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

Status AudienceCheck::Prefetch(const std::vector<Id>& community_ids) {
  if (connection_) return Status::Ok();
  std::vector<Id> missing;
  for (Id id : community_ids) {
    if (!known_.contains(id) && std::find(missing.begin(), missing.end(), id) == missing.end()) {
      missing.push_back(id);
    }
  }
  if (missing.empty()) return Status::Ok();
  AGORA_ASSIGN_OR_RETURN(auto found, communities_.AudiencesOf(missing, viewer_.user_id));
  known_.merge(found);
  return Status::Ok();
}

Result<bool> AudienceCheck::CanRead(std::optional<Id> community_id) {
  if (!community_id) return !viewer_.is_guest();
  auto known = Lookup(*community_id);
  if (!known.ok()) {
    if (known.status().code() == StatusCode::kNotFound) return false;
    return known.status();
  }
  return MayReadCommunity(viewer_, (*known)->visibility, (*known)->membership);
}

Result<bool> AudienceCheck::CanSee(Id community_id) {
  auto known = Lookup(community_id);
  if (!known.ok()) {
    if (known.status().code() == StatusCode::kNotFound) return false;
    return known.status();
  }
  return MayKnowCommunity(viewer_, (*known)->visibility, (*known)->membership);
}

Result<std::vector<Id>> AudienceCheck::VisiblePeople(const std::vector<Id>& people) {
  if (!viewer_.is_guest()) return people;
  AGORA_ASSIGN_OR_RETURN(auto shared, communities_.CoMembersAmong(viewer_.user_id, people));
  std::vector<Id> out;
  for (Id id : people) {
    if (id == viewer_.user_id || std::find(shared.begin(), shared.end(), id) != shared.end()) {
      out.push_back(id);
    }
  }
  return out;
}

Status AudienceCheck::CanPost(Id community_id, bool moderator) {
  auto readable = CanRead(community_id);
  if (!readable.ok()) return readable.status();
  if (!*readable) return Status::NotFound("no such community");
  AGORA_RETURN_IF_ERROR(RefuseBanned(community_id));
  const Known& known = **Lookup(community_id);
  if (!IsMember(known.membership)) {
    return Status::PermissionDenied("join the community to post in it");
  }
  if (moderator && !communities::Moderates(known.membership->role)) {
    return Status::PermissionDenied("only moderators post announcements to a community");
  }
  return Status::Ok();
}

Status AudienceCheck::RefuseBanned(Id community_id) {
  auto known = Lookup(community_id);
  if (!known.ok()) return known.status();
  const auto& m = (*known)->membership;
  if (m && m->state == MembershipState::kBanned) {
    return Status(StatusCode::kPermissionDenied, "banned", "you are banned from this community");
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
