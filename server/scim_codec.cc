#include "server/scim_codec.h"

#include <cctype>
#include <charconv>

#include "core/text.h"
#include "server/errors.h"
#include "server/json_codec.h"

namespace agora::server {
namespace {

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

Status InvalidValue(std::string message) {
  return Status::InvalidArgument("invalidValue", std::move(message));
}

// A string attribute: absent or null gives "".
Result<std::string> StringAttribute(const rapidjson::Value& object, std::string_view name,
                                    std::string_view shown_as) {
  const rapidjson::Value* v = ScimMember(object, name);
  if (!v || v->IsNull()) return std::string();
  if (!v->IsString()) return InvalidValue(std::string(shown_as) + " must be a string");
  return std::string(v->GetString(), v->GetStringLength());
}

// A boolean, also as the strings "True"/"False" that Entra ID sends.
Result<std::optional<bool>> BoolAttribute(const rapidjson::Value& object, std::string_view name) {
  const rapidjson::Value* v = ScimMember(object, name);
  if (!v || v->IsNull()) return std::optional<bool>();
  if (v->IsBool()) return std::optional<bool>(v->GetBool());
  if (v->IsString()) {
    std::string_view text(v->GetString(), v->GetStringLength());
    if (EqualsNoCase(text, "true")) return std::optional<bool>(true);
    if (EqualsNoCase(text, "false")) return std::optional<bool>(false);
  }
  return InvalidValue(std::string(name) + " must be true or false");
}

// The element of a multi-valued attribute (emails, addresses) that counts: the primary one,
// else the work one, else the first. Null when there is none.
Result<const rapidjson::Value*> ChosenElement(const rapidjson::Value& object,
                                              std::string_view name) {
  const rapidjson::Value* list = ScimMember(object, name);
  if (!list || list->IsNull()) return nullptr;
  if (!list->IsArray()) return InvalidValue(std::string(name) + " must be an array");
  const rapidjson::Value* chosen = nullptr;
  int chosen_rank = 3;
  for (const auto& element : list->GetArray()) {
    if (!element.IsObject()) return InvalidValue(std::string(name) + " holds objects");
    AGORA_ASSIGN_OR_RETURN(auto primary, BoolAttribute(element, "primary"));
    AGORA_ASSIGN_OR_RETURN(std::string type, StringAttribute(element, "type", "type"));
    int rank = primary.value_or(false) ? 0 : EqualsNoCase(type, "work") ? 1 : 2;
    if (rank < chosen_rank) {
      chosen = &element;
      chosen_rank = rank;
    }
  }
  return chosen;
}

std::string Trimmed(const std::string& text) {
  size_t start = text.find_first_not_of(' ');
  if (start == std::string::npos) return "";
  return text.substr(start, text.find_last_not_of(' ') - start + 1);
}

// The id of a SCIM User, written as text.
Result<Id> UserIdOf(const std::string& text, std::string_view shown_as) {
  Id id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return InvalidValue(std::string(shown_as) + " must be the id of a SCIM User");
  }
  return id;
}

Result<std::optional<Id>> ManagerAttribute(const rapidjson::Value& extension) {
  const rapidjson::Value* manager = ScimMember(extension, "manager");
  if (!manager || manager->IsNull()) return std::optional<Id>();
  std::string text;
  if (manager->IsString()) {  // Entra ID sends the manager's id as a plain string
    text = manager->GetString();
  } else if (manager->IsObject()) {
    AGORA_ASSIGN_OR_RETURN(text, StringAttribute(*manager, "value", "manager.value"));
  } else {
    return InvalidValue("manager must be an object with a value, or a user id");
  }
  if (text.empty()) return std::optional<Id>();
  AGORA_ASSIGN_OR_RETURN(Id id, UserIdOf(text, "manager.value"));
  return std::optional<Id>(id);
}

// A list of resources in a ListResponse.
template <typename Item, typename WriteItem>
std::string RenderList(int64_t total, int64_t start_index, const std::vector<Item>& items,
                       WriteItem write_item) {
  return RenderObject([&](JsonWriter& w) {
    w.Key("schemas");
    w.StartArray();
    w.String(kScimListSchema);
    w.EndArray();
    IntMember(w, "totalResults", total);
    IntMember(w, "startIndex", start_index);
    IntMember(w, "itemsPerPage", static_cast<int64_t>(items.size()));
    w.Key("Resources");
    w.StartArray();
    for (const auto& item : items) write_item(w, item);
    w.EndArray();
  });
}

const char* ScimTypeOf(const Status& status) {
  static constexpr std::string_view kScimTypes[] = {
      "invalidFilter", "tooMany",  "uniqueness",   "mutability",  "invalidSyntax",
      "invalidPath",   "noTarget", "invalidValue", "invalidVers", "sensitive"};
  for (auto type : kScimTypes) {
    if (status.error_code() == type) return type.data();
  }
  switch (status.code()) {
    case StatusCode::kConflict:
      return "uniqueness";
    case StatusCode::kUnprocessable:
      return "invalidValue";
    case StatusCode::kInvalidArgument:
      return status.error_code().starts_with("invalid_json") ||
                     status.error_code() == "invalid_utf8" || status.error_code() == "json_too_deep"
                 ? "invalidSyntax"
                 : "invalidValue";
    default:
      return nullptr;
  }
}

}  // namespace

const rapidjson::Value* ScimMember(const rapidjson::Value& object, std::string_view name) {
  if (!object.IsObject()) return nullptr;
  for (const auto& member : object.GetObject()) {
    if (EqualsNoCase({member.name.GetString(), member.name.GetStringLength()}, name)) {
      return &member.value;
    }
  }
  return nullptr;
}

ApiResponse ScimErrorResponse(const Status& status) {
  // The Agora error answer gives the HTTP status and its headers (WWW-Authenticate,
  // Retry-After); SCIM's body replaces the Agora one.
  ApiResponse response = ErrorResponse(status);
  // An unprocessable value is a 400 in SCIM (RFC 7644 §3.12 has no 422).
  if (response.status == 422) response.status = 400;
  const char* scim_type = ScimTypeOf(status);
  std::string detail = status.code() == StatusCode::kInternal
                           ? "internal error"
                           : ReplaceInvalidUtf8(status.message());
  response.body = RenderObject([&](JsonWriter& w) {
    w.Key("schemas");
    w.StartArray();
    w.String(kScimErrorSchema);
    w.EndArray();
    StringMember(w, "status", std::to_string(response.status));
    if (scim_type && (response.status == 400 || response.status == 409)) {
      StringMember(w, "scimType", scim_type);
    }
    StringMember(w, "detail", detail);
  });
  response.content_type = kScimContentType;
  return response;
}

std::string ScimUserVersion(const services::ScimUser& user) {
  return "W/\"" + std::to_string(user.user.updated_at) + "\"";
}

void WriteScimUser(JsonWriter& w, const services::ScimUser& s) {
  const profiles::User& u = s.user;
  std::string id = std::to_string(u.id);
  std::string location = std::string(kScimBasePath) + "/Users/" + id;
  w.StartObject();
  w.Key("schemas");
  w.StartArray();
  w.String(kScimUserSchema);
  w.String(kScimEnterpriseSchema);
  w.EndArray();
  StringMember(w, "id", id);
  if (!u.external_id.empty()) StringMember(w, "externalId", u.external_id);
  StringMember(w, "userName", s.user_name);
  w.Key("name");
  w.StartObject();
  StringMember(w, "formatted", u.display_name);
  if (!s.given_name.empty()) StringMember(w, "givenName", s.given_name);
  if (!s.family_name.empty()) StringMember(w, "familyName", s.family_name);
  w.EndObject();
  StringMember(w, "displayName", u.display_name);
  if (!u.title.empty()) StringMember(w, "title", u.title);
  BoolMember(w, "active", u.active);
  w.Key("emails");
  w.StartArray();
  w.StartObject();
  StringMember(w, "value", u.email);
  StringMember(w, "type", "work");
  BoolMember(w, "primary", true);
  w.EndObject();
  w.EndArray();
  if (!u.location.empty()) {
    w.Key("addresses");
    w.StartArray();
    w.StartObject();
    StringMember(w, "type", "work");
    StringMember(w, "locality", u.location);
    BoolMember(w, "primary", true);
    w.EndObject();
    w.EndArray();
  }
  w.Key(kScimEnterpriseSchema);
  w.StartObject();
  if (!u.department.empty()) StringMember(w, "department", u.department);
  if (!u.employee_number.empty()) StringMember(w, "employeeNumber", u.employee_number);
  if (u.manager_id) {
    w.Key("manager");
    w.StartObject();
    StringMember(w, "value", std::to_string(*u.manager_id));
    w.EndObject();
  }
  w.EndObject();
  w.Key("meta");
  w.StartObject();
  StringMember(w, "resourceType", "User");
  TimeMember(w, "created", u.created_at);
  TimeMember(w, "lastModified", u.updated_at);
  StringMember(w, "location", location);
  StringMember(w, "version", ScimUserVersion(s));
  w.EndObject();
  w.EndObject();
}

std::string RenderScimUser(const services::ScimUser& user) {
  return RenderDocument([&](JsonWriter& w) { WriteScimUser(w, user); });
}

std::string RenderScimUserList(const services::ScimUserPage& page) {
  return RenderList(page.total, page.start_index, page.users, WriteScimUser);
}

std::string ScimGroupVersion(const services::ScimGroup& group) {
  return "W/\"" + std::to_string(group.updated_at) + "\"";
}

namespace {

void WriteScimGroup(JsonWriter& w, const services::ScimGroup& g, bool with_members) {
  std::string id = std::to_string(g.community.id);
  w.StartObject();
  w.Key("schemas");
  w.StartArray();
  w.String(kScimGroupSchema);
  w.EndArray();
  StringMember(w, "id", id);
  if (!g.external_id.empty()) StringMember(w, "externalId", g.external_id);
  StringMember(w, "displayName", g.community.name);
  if (with_members) {
    w.Key("members");
    w.StartArray();
    for (const auto& member : g.members) {
      std::string member_id = std::to_string(member.user_id);
      w.StartObject();
      StringMember(w, "value", member_id);
      StringMember(w, "display", member.display_name);
      StringMember(w, "type", "User");
      StringMember(w, "$ref", std::string(kScimBasePath) + "/Users/" + member_id);
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("meta");
  w.StartObject();
  StringMember(w, "resourceType", "Group");
  TimeMember(w, "created", g.created_at);
  TimeMember(w, "lastModified", g.updated_at);
  StringMember(w, "location", std::string(kScimBasePath) + "/Groups/" + id);
  StringMember(w, "version", ScimGroupVersion(g));
  w.EndObject();
  w.EndObject();
}

}  // namespace

std::string RenderScimGroup(const services::ScimGroup& group, bool with_members) {
  return RenderDocument([&](JsonWriter& w) { WriteScimGroup(w, group, with_members); });
}

std::string RenderScimGroupList(const services::ScimGroupPage& page, bool with_members) {
  return RenderList(page.total, page.start_index, page.groups,
                    [&](JsonWriter& w, const services::ScimGroup& group) {
                      WriteScimGroup(w, group, with_members);
                    });
}

Result<services::ScimGroupWrite> ParseScimGroup(const rapidjson::Value& r) {
  if (!r.IsObject()) return InvalidValue("a Group is a JSON object");
  services::ScimGroupWrite out;
  AGORA_ASSIGN_OR_RETURN(out.display_name, StringAttribute(r, "displayName", "displayName"));
  if (out.display_name.empty()) return InvalidValue("displayName is required");
  AGORA_ASSIGN_OR_RETURN(out.external_id, StringAttribute(r, "externalId", "externalId"));
  if (out.external_id.size() > profiles::ProfileLimits::kExternalIdMaxBytes) {
    return InvalidValue("externalId is at most 255 bytes");
  }
  const rapidjson::Value* members = ScimMember(r, "members");
  if (!members || members->IsNull()) return out;
  if (!members->IsArray()) return InvalidValue("members must be an array");
  for (const auto& member : members->GetArray()) {
    if (!member.IsObject()) return InvalidValue("members holds objects");
    AGORA_ASSIGN_OR_RETURN(std::string text, StringAttribute(member, "value", "members.value"));
    AGORA_ASSIGN_OR_RETURN(Id id, UserIdOf(text, "members.value"));
    out.members.push_back(id);
  }
  return out;
}

Result<services::ScimUserWrite> ParseScimUser(const rapidjson::Value& r) {
  if (!r.IsObject()) return InvalidValue("a User is a JSON object");
  services::ScimUserWrite out;
  AGORA_ASSIGN_OR_RETURN(out.user_name, StringAttribute(r, "userName", "userName"));
  if (out.user_name.empty()) return InvalidValue("userName is required");
  AGORA_ASSIGN_OR_RETURN(out.external_id, StringAttribute(r, "externalId", "externalId"));
  AGORA_ASSIGN_OR_RETURN(std::string display_name,
                         StringAttribute(r, "displayName", "displayName"));
  std::string formatted;
  if (const rapidjson::Value* name = ScimMember(r, "name"); name && !name->IsNull()) {
    if (!name->IsObject()) return InvalidValue("name must be an object");
    AGORA_ASSIGN_OR_RETURN(out.given_name, StringAttribute(*name, "givenName", "name.givenName"));
    AGORA_ASSIGN_OR_RETURN(out.family_name,
                           StringAttribute(*name, "familyName", "name.familyName"));
    AGORA_ASSIGN_OR_RETURN(formatted, StringAttribute(*name, "formatted", "name.formatted"));
  }
  out.display_name = !display_name.empty() ? display_name
                     : !formatted.empty()  ? formatted
                                           : Trimmed(out.given_name + " " + out.family_name);
  if (out.display_name.empty()) out.display_name = out.user_name;
  AGORA_ASSIGN_OR_RETURN(out.title, StringAttribute(r, "title", "title"));
  AGORA_ASSIGN_OR_RETURN(auto active, BoolAttribute(r, "active"));
  out.active = active.value_or(true);
  AGORA_ASSIGN_OR_RETURN(const rapidjson::Value* email, ChosenElement(r, "emails"));
  if (email) {
    AGORA_ASSIGN_OR_RETURN(out.email, StringAttribute(*email, "value", "emails.value"));
  }
  if (out.email.empty() && out.user_name.find('@') != std::string::npos) {
    out.email = out.user_name;  // IdPs commonly use the work email as userName
  }
  if (out.email.empty()) return InvalidValue("a work email (emails) is required");
  AGORA_ASSIGN_OR_RETURN(const rapidjson::Value* address, ChosenElement(r, "addresses"));
  if (address) {
    AGORA_ASSIGN_OR_RETURN(out.location,
                           StringAttribute(*address, "locality", "addresses.locality"));
  }
  if (const rapidjson::Value* ext = ScimMember(r, kScimEnterpriseSchema); ext && !ext->IsNull()) {
    if (!ext->IsObject())
      return InvalidValue(std::string(kScimEnterpriseSchema) + " must be an object");
    AGORA_ASSIGN_OR_RETURN(out.department, StringAttribute(*ext, "department", "department"));
    AGORA_ASSIGN_OR_RETURN(out.employee_number,
                           StringAttribute(*ext, "employeeNumber", "employeeNumber"));
    AGORA_ASSIGN_OR_RETURN(out.manager_id, ManagerAttribute(*ext));
  }
  return out;
}

}  // namespace agora::server
