#include "profiles/user.h"

#include <algorithm>
#include <cctype>

#include "core/name_key.h"
#include "core/text.h"

namespace agora::profiles {
namespace {

Status Invalid(std::string code, std::string message) {
  return Status::Unprocessable(std::move(code), std::move(message));
}

Status CheckText(const char* field, std::string_view value, size_t min, size_t max) {
  if (HasForbiddenControl(value)) {
    return Invalid("invalid_" + std::string(field),
                   std::string(field) + " must not contain control characters");
  }
  size_t length = Utf8Length(value);
  if (length < min || length > max) {
    return Invalid("invalid_" + std::string(field), std::string(field) + " must be " +
                                                        std::to_string(min) + " to " +
                                                        std::to_string(max) + " characters");
  }
  return Status::Ok();
}

Status CheckList(const char* field, const std::vector<std::string>& items, size_t max_items,
                 size_t max_length) {
  if (items.size() > max_items) {
    return Invalid("invalid_" + std::string(field),
                   std::string(field) + " holds at most " + std::to_string(max_items) + " items");
  }
  std::vector<std::string> seen;
  for (const auto& item : items) {
    AGORA_RETURN_IF_ERROR(CheckText(field, item, 1, max_length));
    if (IsBlankText(item)) {
      return Invalid("invalid_" + std::string(field), std::string(field) + " must not be blank");
    }
    std::string folded = NameKey(item);
    if (std::find(seen.begin(), seen.end(), folded) != seen.end()) {
      return Invalid("invalid_" + std::string(field),
                     std::string(field) + " lists '" + item + "' twice");
    }
    seen.push_back(std::move(folded));
  }
  return Status::Ok();
}

}  // namespace

const char* RoleName(Role role) { return role == Role::kAdmin ? "admin" : "member"; }

std::optional<Role> ParseRole(std::string_view name) {
  if (name == "admin") return Role::kAdmin;
  if (name == "member") return Role::kMember;
  return std::nullopt;
}

std::string NormalizeUsername(std::string_view username) { return NameKey(username); }

Status ValidateUsername(std::string_view username) {
  if (username.size() < ProfileLimits::kUsernameMin ||
      username.size() > ProfileLimits::kUsernameMax) {
    return Invalid("invalid_username", "username must be 3 to 30 characters");
  }
  for (unsigned char c : username) {
    bool allowed =
        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (!allowed) {
      return Invalid("invalid_username", "username may contain only a-z, 0-9, '_', '.' and '-'");
    }
  }
  return Status::Ok();
}

Status ValidatePassword(std::string_view password) {
  if (password.size() < ProfileLimits::kPasswordMinBytes ||
      password.size() > ProfileLimits::kPasswordMaxBytes) {
    return Invalid("invalid_password", "password must be 8 to 1024 bytes");
  }
  return Status::Ok();
}

Status ValidateProfile(const ProfileChanges& c) {
  if (c.display_name) {
    AGORA_RETURN_IF_ERROR(
        CheckText("display_name", *c.display_name, 1, ProfileLimits::kDisplayNameMax));
    if (IsBlankText(*c.display_name)) {
      return Invalid("invalid_display_name", "display_name must not be blank");
    }
  }
  if (c.email) {
    const std::string& e = *c.email;
    auto at = e.find('@');
    bool shaped = at != std::string::npos && at > 0 && at + 1 < e.size() &&
                  e.find('@', at + 1) == std::string::npos &&
                  e.find('.', at + 1) != std::string::npos &&
                  std::none_of(e.begin(), e.end(),
                               [](unsigned char ch) { return std::isspace(ch) || ch < 0x20; });
    if (!shaped || e.size() > ProfileLimits::kEmailMaxBytes) {
      return Invalid("invalid_email", "email must look like name@example.com");
    }
  }
  if (c.title)
    AGORA_RETURN_IF_ERROR(CheckText("title", *c.title, 0, ProfileLimits::kShortFieldMax));
  if (c.department) {
    AGORA_RETURN_IF_ERROR(CheckText("department", *c.department, 0, ProfileLimits::kShortFieldMax));
  }
  if (c.location) {
    AGORA_RETURN_IF_ERROR(CheckText("location", *c.location, 0, ProfileLimits::kShortFieldMax));
  }
  if (c.bio) AGORA_RETURN_IF_ERROR(CheckText("bio", *c.bio, 0, ProfileLimits::kBioMax));
  if (c.external_id) {
    AGORA_RETURN_IF_ERROR(
        CheckText("external_id", *c.external_id, 0, ProfileLimits::kExternalIdMaxBytes));
    if (c.external_id->size() > ProfileLimits::kExternalIdMaxBytes) {
      return Invalid("invalid_external_id", "external_id must be at most 255 bytes");
    }
  }
  if (c.employee_number) {
    AGORA_RETURN_IF_ERROR(
        CheckText("employee_number", *c.employee_number, 0, ProfileLimits::kShortFieldMax));
  }
  if (c.skills) {
    AGORA_RETURN_IF_ERROR(
        CheckList("skills", *c.skills, ProfileLimits::kSkillsMax, ProfileLimits::kSkillMax));
  }
  if (c.languages) {
    AGORA_RETURN_IF_ERROR(CheckList("languages", *c.languages, ProfileLimits::kLanguagesMax, 35));
    for (const auto& tag : *c.languages) {
      bool tag_shaped = tag.size() >= 2 &&
                        std::all_of(tag.begin(), tag.end(),
                                    [](unsigned char ch) { return std::isalnum(ch) || ch == '-'; });
      if (!tag_shaped) {
        return Invalid("invalid_languages", "languages are language tags such as 'fr' or 'en-GB'");
      }
    }
  }
  return Status::Ok();
}

}  // namespace agora::profiles
