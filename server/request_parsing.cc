#include "server/request_parsing.h"

#include <optional>
#include <string>

#include "core/id.h"

namespace agora::server {

Status ParseJsonObject(const ApiRequest& request, rapidjson::Document& out) {
  AGORA_RETURN_IF_ERROR(ParseJson(request.body, out));
  if (!out.IsObject())
    return Status::InvalidArgument("invalid_json", "the body must be a JSON object");
  return Status::Ok();
}

Status ParseJsonObject(const ApiRequest& request, rapidjson::Document& out,
                       const std::vector<std::string_view>& allowed) {
  AGORA_RETURN_IF_ERROR(ParseJsonObject(request, out));
  return RejectUnknownFields(JsonFields(out), allowed);
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

Result<int> ParseLimit(const ApiRequest& request, int fallback, int max) {
  return WholeNumberParam(request, "limit", fallback, 1, max,
                          "limit must be a whole number from 1 to " + std::to_string(max));
}

namespace {

Result<std::optional<Id>> ParseCursorParam(const ApiRequest& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<Id>();
  auto id = ParseId(*text);
  if (!id) {
    return Status::InvalidArgument("invalid_cursor", std::string(name) + " must be a post id");
  }
  return std::optional<Id>(*id);
}

}  // namespace

Result<StreamRequest> ParseStreamRequest(const ApiRequest& request) {
  AGORA_ASSIGN_OR_RETURN(int limit, ParseLimit(request));
  AGORA_ASSIGN_OR_RETURN(std::optional<Id> before, ParseCursorParam(request, "before"));
  AGORA_ASSIGN_OR_RETURN(std::optional<Id> after, ParseCursorParam(request, "after"));
  return StreamRequest{{before, after}, static_cast<size_t>(limit)};
}

Result<Id> ParseResourceId(std::string_view text, const char* what) {
  auto id = ParseId(text);
  if (!id) {
    return Status::InvalidArgument("invalid_id",
                                   std::string("a ") + what + " is named by its decimal id");
  }
  return *id;
}

Result<PageRequest> ParsePageRequest(const ApiRequest& request) {
  PageRequest page;
  AGORA_ASSIGN_OR_RETURN(page.limit, ParseLimit(request));
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

}  // namespace agora::server
