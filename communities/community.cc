#include "communities/community.h"

#include <algorithm>
#include <cctype>

#include "core/enum_names.h"
#include "core/text.h"

namespace agora::communities {

namespace {

constexpr EnumName<Visibility> kVisibilities[] = {{Visibility::kOpen, "open"},
                                                  {Visibility::kPrivate, "private"},
                                                  {Visibility::kSecret, "secret"}};
constexpr EnumName<Role> kRoles[] = {
    {Role::kMember, "member"}, {Role::kModerator, "moderator"}, {Role::kOwner, "owner"}};
constexpr EnumName<MembershipState> kStates[] = {{MembershipState::kMember, "member"},
                                                 {MembershipState::kPending, "pending"},
                                                 {MembershipState::kInvited, "invited"},
                                                 {MembershipState::kBanned, "banned"}};
constexpr EnumName<MembershipSource> kSources[] = {{MembershipSource::kManual, "manual"},
                                                   {MembershipSource::kRule, "rule"},
                                                   {MembershipSource::kScim, "scim"}};

}  // namespace

const char* VisibilityName(Visibility v) { return NameOf(kVisibilities, v); }
std::optional<Visibility> ParseVisibility(std::string_view name) {
  return ParseName(kVisibilities, name);
}
const char* RoleName(Role r) { return NameOf(kRoles, r); }
std::optional<Role> ParseRole(std::string_view name) { return ParseName(kRoles, name); }
const char* StateName(MembershipState s) { return NameOf(kStates, s); }
std::optional<MembershipState> ParseState(std::string_view name) {
  return ParseName(kStates, name);
}

const char* SourceName(MembershipSource s) { return NameOf(kSources, s); }
std::optional<MembershipSource> ParseSource(std::string_view name) {
  return ParseName(kSources, name);
}

Status ValidateChanges(const CommunityChanges& c) {
  if (c.name) {
    size_t length = Utf8Length(*c.name);
    if (length < CommunityLimits::kNameMin || length > CommunityLimits::kNameMax ||
        IsBlankText(*c.name) || HasForbiddenControl(*c.name)) {
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
