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

namespace {

Result<int> ParseLimit(const ApiRequest& request) {
  auto limit = request.query_param("limit");
  if (!limit) return PageRequest::kDefaultLimit;
  int value = 0;
  auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
  if (ec != std::errc() || end != limit->data() + limit->size() || value < 1 ||
      value > PageRequest::kMaxLimit) {
    return Status::InvalidArgument("invalid_limit", "limit must be a whole number from 1 to 100");
  }
  return value;
}

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
  auto limit = ParseLimit(request);
  if (!limit.ok()) return limit.status();
  auto before = ParseCursorParam(request, "before");
  if (!before.ok()) return before.status();
  auto after = ParseCursorParam(request, "after");
  if (!after.ok()) return after.status();
  return StreamRequest{{*before, *after}, static_cast<size_t>(*limit)};
}

Result<Id> ParseResourceId(std::string_view text, const char* what) {
  auto id = ParseId(text);
  if (!id) {
    return Status::InvalidArgument("invalid_id",
                                   std::string("a ") + what + " is named by its decimal id");
  }
  return *id;
}

Result<posts::NewPost> ParseNewPost(const JsonFields& fields) {
  AGORA_RETURN_IF_ERROR(
      RejectUnknownFields(fields, {"text", "kind", "community_id", "in_reply_to", "deal"}));
  posts::NewPost post;
  auto text = fields.required_string("text");
  if (!text.ok()) return text.status();
  post.text = std::move(*text);
  auto kind = fields.optional_string("kind");
  if (!kind.ok()) return kind.status();
  if (*kind) {
    auto parsed = posts::ParseKind(**kind);
    if (!parsed) {
      return Status::Unprocessable("invalid_kind",
                                   "kind is status, question, deal_story or announcement");
    }
    post.kind = *parsed;
  }
  auto community = fields.optional_id("community_id");
  if (!community.ok()) return community.status();
  post.community_id = *community;
  auto parent = fields.optional_id("in_reply_to");
  if (!parent.ok()) return parent.status();
  post.in_reply_to = *parent;
  auto deal_object = fields.optional_object("deal");
  if (!deal_object.ok()) return deal_object.status();
  if (*deal_object) {
    JsonFields deal(***deal_object);
    AGORA_RETURN_IF_ERROR(RejectUnknownFields(
        deal,
        {"customer", "sector", "product", "region", "amount", "currency", "closed_on", "outcome"}));
    posts::Deal d;
    for (auto [name, member] :
         {std::pair{"customer", &posts::Deal::customer}, std::pair{"sector", &posts::Deal::sector},
          std::pair{"product", &posts::Deal::product}, std::pair{"region", &posts::Deal::region},
          std::pair{"currency", &posts::Deal::currency},
          std::pair{"closed_on", &posts::Deal::closed_on}}) {
      auto value = deal.required_string(name);
      if (!value.ok()) {
        return Status::Unprocessable(
            "invalid_deal", "deal." + std::string(name) + " is required and must be a string");
      }
      d.*member = std::move(*value);
    }
    auto amount = deal.required_number("amount");
    if (!amount.ok()) {
      return Status::Unprocessable("invalid_deal", "deal.amount is required and must be a number");
    }
    d.amount = *amount;
    auto outcome = deal.required_string("outcome");
    auto parsed = outcome.ok() ? posts::ParseOutcome(*outcome) : std::nullopt;
    if (!parsed) return Status::Unprocessable("invalid_deal", "deal.outcome is won, lost or open");
    d.outcome = *parsed;
    post.deal = std::move(d);
  }
  return post;
}

Result<PageRequest> ParsePageRequest(const ApiRequest& request) {
  PageRequest page;
  auto limit = ParseLimit(request);
  if (!limit.ok()) return limit.status();
  page.limit = *limit;
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
