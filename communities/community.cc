#include "communities/community.h"

#include <algorithm>
#include <cctype>

#include "core/text.h"

namespace agora::communities {

const char* VisibilityName(Visibility v) {
  switch (v) {
    case Visibility::kOpen:
      return "open";
    case Visibility::kPrivate:
      return "private";
    case Visibility::kSecret:
      return "secret";
  }
  return "secret";
}

std::optional<Visibility> ParseVisibility(std::string_view name) {
  for (Visibility v : {Visibility::kOpen, Visibility::kPrivate, Visibility::kSecret}) {
    if (name == VisibilityName(v)) return v;
  }
  return std::nullopt;
}

const char* RoleName(Role r) {
  switch (r) {
    case Role::kMember:
      return "member";
    case Role::kModerator:
      return "moderator";
    case Role::kOwner:
      return "owner";
  }
  return "member";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kMember, Role::kModerator, Role::kOwner}) {
    if (name == RoleName(r)) return r;
  }
  return std::nullopt;
}

const char* StateName(MembershipState s) {
  switch (s) {
    case MembershipState::kMember:
      return "member";
    case MembershipState::kPending:
      return "pending";
    case MembershipState::kInvited:
      return "invited";
    case MembershipState::kBanned:
      return "banned";
  }
  return "member";
}

Status ValidateChanges(const CommunityChanges& c) {
  if (c.name) {
    size_t length = Utf8Length(*c.name);
    bool blank = std::all_of(c.name->begin(), c.name->end(),
                             [](unsigned char ch) { return std::isspace(ch); });
    if (length < CommunityLimits::kNameMin || length > CommunityLimits::kNameMax || blank ||
        HasForbiddenControl(*c.name)) {
      return Status::Unprocessable("invalid_name", "name must be 3 to 80 characters");
    }
  }
  if (c.description && (Utf8Length(*c.description) > CommunityLimits::kDescriptionMax ||
                        HasForbiddenControl(*c.description))) {
    return Status::Unprocessable("invalid_description",
                                 "description is limited to 2000 characters");
  }
  return Status::Ok();
}

Status ValidateReason(std::string_view reason) {
  if (Utf8Length(reason) > CommunityLimits::kReasonMax || HasForbiddenControl(reason)) {
    return Status::Unprocessable("invalid_reason", "reason is limited to 500 characters");
  }
  return Status::Ok();
}

}  // namespace agora::communities
