#include "server/request_parsing.h"

#include <charconv>

#include "core/id.h"

namespace agora::server {

Status ParseJsonObject(const ApiRequest& request, rapidjson::Document& out) {
  AGORA_RETURN_IF_ERROR(ParseJson(request.body, out));
  if (!out.IsObject())
    return Status::InvalidArgument("invalid_json", "the body must be a JSON object");
  return Status::Ok();
}

Result<profiles::UserRef> ParseUserRef(std::string_view text) {
  if (text.starts_with('@') && text.size() > 1) {
    return profiles::UserRef{std::nullopt, std::string(text.substr(1))};
  }
  auto id = ParseId(text);
  if (!id)
    return Status::InvalidArgument("invalid_id", "a user is named by a decimal id or @username");
  return profiles::UserRef{*id, {}};
}

Result<PageRequest> ParsePageRequest(const ApiRequest& request) {
  PageRequest page;
  if (auto limit = request.query_param("limit")) {
    int value = 0;
    auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
    if (ec != std::errc() || end != limit->data() + limit->size() || value < 1 ||
        value > PageRequest::kMaxLimit) {
      return Status::InvalidArgument("invalid_limit", "limit must be a whole number from 1 to 100");
    }
    page.limit = value;
  }
  if (auto cursor = request.query_param("cursor")) {
    auto key = ParseId(*cursor);
    if (!key)
      return Status::InvalidArgument("invalid_cursor", "cursor is not one this server gave");
    page.after_key = *key;
  }
  return page;
}

Status RejectUnknownFields(const JsonFields& fields, const std::vector<std::string_view>& allowed) {
  if (auto unknown = fields.first_unknown(allowed)) {
    return Status::Unprocessable("field_not_writable",
                                 "field '" + *unknown + "' cannot be set here");
  }
  return Status::Ok();
}

Result<profiles::ProfileChanges> ParseProfileChanges(const JsonFields& fields) {
  profiles::ProfileChanges c;
  struct TextField {
    const char* name;
    std::optional<std::string> profiles::ProfileChanges::*member;
  };
  static constexpr TextField kTextFields[] = {
      {"display_name", &profiles::ProfileChanges::display_name},
      {"email", &profiles::ProfileChanges::email},
      {"title", &profiles::ProfileChanges::title},
      {"department", &profiles::ProfileChanges::department},
      {"location", &profiles::ProfileChanges::location},
      {"bio", &profiles::ProfileChanges::bio},
  };
  for (const auto& field : kTextFields) {
    auto value = fields.optional_string(field.name);
    if (!value.ok()) return value.status();
    c.*(field.member) = std::move(*value);
  }
  if (fields.has("manager_id")) {
    auto manager = fields.optional_id("manager_id");
    if (!manager.ok()) return manager.status();
    c.manager_id = *manager;  // an explicit null clears the manager
  }
  auto skills = fields.optional_string_array("skills");
  if (!skills.ok()) return skills.status();
  c.skills = std::move(*skills);
  auto languages = fields.optional_string_array("languages");
  if (!languages.ok()) return languages.status();
  c.languages = std::move(*languages);
  return c;
}

}  // namespace agora::server
