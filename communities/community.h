// Communities: the value types, visibility, roles and membership states, and their rules.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"

namespace agora::communities {

// open: anyone reads and joins. private: listed; members read; joining needs approval or an
// invitation. secret: unlisted; invitation only; non-members are told it does not exist.
enum class Visibility { kOpen, kPrivate, kSecret };
enum class Role { kMember, kModerator, kOwner };
// A row in memberships is one of these; "not a member" is the absence of a row.
enum class MembershipState { kMember, kPending, kInvited, kBanned };
// How a membership came: by hand (joined, invited, approved), by the community's membership
// rules (communities/membership_rules.h), or by the identity provider through SCIM /Groups;
// the rules, and the identity provider, alone end the memberships they made.
enum class MembershipSource { kManual, kRule, kScim };

const char* VisibilityName(Visibility v);
std::optional<Visibility> ParseVisibility(std::string_view name);
const char* RoleName(Role r);
std::optional<Role> ParseRole(std::string_view name);
const char* StateName(MembershipState s);
std::optional<MembershipState> ParseState(std::string_view name);
const char* SourceName(MembershipSource s);
std::optional<MembershipSource> ParseSource(std::string_view name);

struct Community {
  Id id = 0;
  std::string name;
  std::string description;
  Visibility visibility = Visibility::kOpen;
  Id created_by = 0;
  int64_t members_count = 0;
  UnixMillis created_at = 0;
};

struct Membership {
  Id community_id = 0;
  Id user_id = 0;
  Role role = Role::kMember;
  MembershipState state = MembershipState::kMember;
  UnixMillis since = 0;
  MembershipSource source = MembershipSource::kManual;
};

struct CommunityChanges {
  std::optional<std::string> name;
  std::optional<std::string> description;
  std::optional<Visibility> visibility;
};

struct CommunityLimits {
  static constexpr size_t kNameMin = 3;
  static constexpr size_t kNameMax = 80;
  static constexpr size_t kDescriptionMax = 2000;
  static constexpr size_t kReasonMax = 500;
};

// kUnprocessable "invalid_name" / "invalid_description".
Status ValidateChanges(const CommunityChanges& changes);
Status ValidateReason(std::string_view reason);

// Whether a role may act as a moderator (moderators and owners).
inline bool Moderates(Role role) { return role != Role::kMember; }

}  // namespace agora::communities
