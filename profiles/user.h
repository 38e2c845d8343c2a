// People: the profile value types and the rules their fields must meet.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"

namespace agora::profiles {

enum class Role { kMember, kAdmin };

const char* RoleName(Role role);
std::optional<Role> ParseRole(std::string_view name);

// A skill a passed quiz verified (written by the learning use cases; read with the profile).
// One verified by a community's quiz is shown to the person alone, and is no search evidence:
// the community may be private.
struct VerifiedSkill {
  std::string skill;
  Id quiz_id = 0;
  UnixMillis passed_at = 0;
  std::optional<Id> community_id;
};

struct User {
  Id id = 0;
  std::string username;
  std::string email;
  std::string display_name;
  std::string title;
  std::string department;
  std::string location;
  std::string bio;
  std::optional<Id> manager_id;
  std::vector<std::string> skills;
  std::vector<std::string> languages;
  std::vector<VerifiedSkill> verified_skills;
  Role role = Role::kMember;
  bool sales_ops = false;  // sees every deal and compiles results; granted beside either role
  bool active = true;
  std::string external_id;                // the identity provider's key; empty when none
  std::string employee_number;            // from HR; empty when none
  std::optional<UnixMillis> guest_until;  // set for a guest: the account ends then
  int64_t followers_count = 0;
  int64_t following_count = 0;
  UnixMillis created_at = 0;
  UnixMillis updated_at = 0;
};

// What a post shows of its author.
struct UserSummary {
  Id id = 0;
  std::string username;
  std::string display_name;
  std::string title;
  bool active = true;

  bool operator==(const UserSummary&) const = default;
};

// The writable profile fields; unset members are left as they are.
struct ProfileChanges {
  std::optional<std::string> display_name;
  std::optional<std::string> email;
  std::optional<std::string> title;
  std::optional<std::string> department;
  std::optional<std::string> location;
  std::optional<std::string> bio;
  std::optional<std::optional<Id>> manager_id;  // holds nullopt to clear the manager
  std::optional<std::vector<std::string>> skills;
  std::optional<std::vector<std::string>> languages;
  std::optional<std::string> external_id;  // "" clears it
  std::optional<std::string> employee_number;
};

// How a path names a person: an id, or "@username".
struct UserRef {
  std::optional<Id> id;
  std::string username;  // used when id is absent
};

struct NewUser {
  std::string username;
  std::string password;
  Role role = Role::kMember;
  ProfileChanges profile;                 // display_name and email are required
  std::optional<UnixMillis> guest_until;  // set for a guest account
};

// Field limits, in Unicode code points unless noted.
struct ProfileLimits {
  static constexpr size_t kUsernameMin = 3;
  static constexpr size_t kUsernameMax = 30;
  static constexpr size_t kDisplayNameMax = 100;
  static constexpr size_t kEmailMaxBytes = 254;
  static constexpr size_t kShortFieldMax = 100;  // title, department, location
  static constexpr size_t kBioMax = 2000;
  static constexpr size_t kSkillsMax = 50;
  static constexpr size_t kSkillMax = 50;
  static constexpr size_t kLanguagesMax = 10;
  static constexpr size_t kPasswordMinBytes = 8;
  static constexpr size_t kPasswordMaxBytes = 1024;
  static constexpr size_t kExternalIdMaxBytes = 255;
};

// Each returns kUnprocessable with a code such as "invalid_username" naming the rule broken.
// Input is known to be valid UTF-8 (the JSON layer checks it).
Status ValidateUsername(std::string_view username);
Status ValidatePassword(std::string_view password);
Status ValidateProfile(const ProfileChanges& changes);
// Usernames are stored lower-case; "@Alice" and "alice" name the same person.
std::string NormalizeUsername(std::string_view username);

}  // namespace agora::profiles
