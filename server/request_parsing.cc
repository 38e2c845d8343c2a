#include "server/request_parsing.h"

#include <charconv>
#include <initializer_list>
#include <limits>
#include <utility>

#include "core/clock.h"
#include "core/id.h"
#include "core/text.h"
#include "posts/text_entities.h"

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

namespace {

// The query parameter `name` as a whole number from `min` to `max`, `fallback` when absent;
// kInvalidArgument "invalid_<name>" with `message` otherwise.
template <typename Number>
Result<Number> WholeNumberParam(const ApiRequest& request, std::string_view name, Number fallback,
                                Number min, Number max, std::string message) {
  auto text = request.query_param(name);
  if (!text) return fallback;
  Number value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    return Status::InvalidArgument("invalid_" + std::string(name), std::move(message));
  }
  return value;
}

Result<int> ParseLimit(const ApiRequest& request, int fallback = PageRequest::kDefaultLimit,
                       int max = PageRequest::kMaxLimit) {
  return WholeNumberParam(request, "limit", fallback, 1, max,
                          "limit must be a whole number from 1 to " + std::to_string(max));
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

Result<posts::NewPost> ParseNewPost(const JsonFields& fields) {
  AGORA_RETURN_IF_ERROR(
      RejectUnknownFields(fields, {"text", "kind", "community_id", "in_reply_to", "deal"}));
  posts::NewPost post;
  AGORA_ASSIGN_OR_RETURN(post.text, fields.required_string("text"));
  AGORA_ASSIGN_OR_RETURN(auto kind, fields.optional_string("kind"));
  if (kind) {
    auto parsed = posts::ParseKind(*kind);
    if (!parsed) {
      return Status::Unprocessable("invalid_kind",
                                   "kind is status, question, deal_story or announcement");
    }
    post.kind = *parsed;
  }
  AGORA_ASSIGN_OR_RETURN(post.community_id, fields.optional_id("community_id"));
  AGORA_ASSIGN_OR_RETURN(post.in_reply_to, fields.optional_id("in_reply_to"));
  AGORA_ASSIGN_OR_RETURN(auto deal_object, fields.optional_object("deal"));
  if (deal_object) {
    JsonFields deal(**deal_object);
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
    AGORA_ASSIGN_OR_RETURN(c.*(field.member), fields.optional_string(field.name));
  }
  if (fields.has("manager_id")) {
    AGORA_ASSIGN_OR_RETURN(
        c.manager_id, fields.optional_id("manager_id"));  // an explicit null clears the manager
  }
  AGORA_ASSIGN_OR_RETURN(c.skills, fields.optional_string_array("skills"));
  AGORA_ASSIGN_OR_RETURN(c.languages, fields.optional_string_array("languages"));
  return c;
}

namespace {

constexpr size_t kSearchFieldMax = 200;  // characters of a filter value
constexpr int64_t kSearchOffsetMax = 10'000;
constexpr int kExpertLimitDefault = 10;
constexpr int kExpertLimitMax = 50;

// A text parameter, absent when missing or empty.
Result<std::optional<std::string>> SearchText(const ApiRequest& request, std::string_view name,
                                              size_t max_chars = kSearchFieldMax) {
  auto value = request.query_param(name);
  if (!value || value->empty()) return std::optional<std::string>();
  if (!IsValidUtf8(*value)) {
    return Status::InvalidArgument("invalid_utf8", std::string(name) + " is not valid UTF-8");
  }
  if (HasForbiddenControl(*value)) {
    return Status::InvalidArgument("invalid_" + std::string(name),
                                   std::string(name) + " holds a control character");
  }
  if (Utf8Length(*value) > max_chars) {
    return Status::InvalidArgument(
        "invalid_" + std::string(name),
        std::string(name) + " holds at most " + std::to_string(max_chars) + " characters");
  }
  return std::optional<std::string>(std::string(*value));
}

// `q` is bounded by the index (SearchLimits::max_query_chars); only its encoding is checked here.
Result<std::string> QueryText(const ApiRequest& request) {
  AGORA_ASSIGN_OR_RETURN(auto q, SearchText(request, "q", std::numeric_limits<size_t>::max()));
  return q.value_or("");
}

Result<size_t> ParseOffset(const ApiRequest& request) {
  AGORA_ASSIGN_OR_RETURN(int64_t offset,
                         WholeNumberParam<int64_t>(request, "offset", 0, 0, kSearchOffsetMax,
                                                   "offset is a whole number from 0 to 10000"));
  return static_cast<size_t>(offset);
}

Result<std::optional<UnixMillis>> ParseTime(const ApiRequest& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<UnixMillis>();
  auto ms = ParseRfc3339(*text);
  if (!ms) {
    return Status::InvalidArgument("invalid_time", std::string(name) +
                                                       " is a date (2026-11-22) or an RFC 3339 "
                                                       "UTC time (2026-11-22T08:30:00Z)");
  }
  return std::optional<UnixMillis>(*ms);
}

Result<std::optional<Id>> ParseIdParam(const ApiRequest& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<Id>();
  auto id = ParseId(*text);
  if (!id) return Status::InvalidArgument("invalid_id", std::string(name) + " is a decimal id");
  return std::optional<Id>(*id);
}

Result<std::optional<double>> ParseAmount(const ApiRequest& request, std::string_view name) {
  auto text = request.query_param(name);
  if (!text) return std::optional<double>();
  double value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || !(value >= 0) || value > 1e15) {
    return Status::InvalidArgument("invalid_amount",
                                   std::string(name) + " is a number from 0 to 1e15");
  }
  return std::optional<double>(value);
}

// `limit` and `offset` of a search answer.
template <typename Query>
Status ParseResultWindow(const ApiRequest& request, Query& query) {
  AGORA_ASSIGN_OR_RETURN(int limit, ParseLimit(request));
  query.limit = static_cast<size_t>(limit);
  AGORA_ASSIGN_OR_RETURN(query.offset, ParseOffset(request));
  return Status::Ok();
}

// `q` and the text filters of a search query, each named by its parameter.
template <typename Query>
using TextFilter = std::pair<const char*, std::optional<std::string> Query::*>;

template <typename Query>
Status ParseTexts(const ApiRequest& request, Query& query,
                  std::initializer_list<TextFilter<Query>> filters) {
  AGORA_ASSIGN_OR_RETURN(query.q, QueryText(request));
  for (auto [name, member] : filters) {
    AGORA_ASSIGN_OR_RETURN(query.*member, SearchText(request, name));
  }
  return Status::Ok();
}

Status CheckOrder(bool ordered, const char* what) {
  if (ordered) return Status::Ok();
  return Status::InvalidArgument("invalid_range", std::string(what));
}

}  // namespace

Result<search::PostQuery> ParsePostSearch(const ApiRequest& request) {
  search::PostQuery query;
  AGORA_ASSIGN_OR_RETURN(query.q, QueryText(request));
  AGORA_ASSIGN_OR_RETURN(query.community_id, ParseIdParam(request, "community_id"));
  AGORA_ASSIGN_OR_RETURN(query.author_id, ParseIdParam(request, "author_id"));
  AGORA_ASSIGN_OR_RETURN(query.kind, SearchText(request, "kind"));
  if (query.kind && !posts::ParseKind(*query.kind)) {
    return Status::InvalidArgument("invalid_kind",
                                   "kind is status, question, deal_story or announcement");
  }
  AGORA_ASSIGN_OR_RETURN(auto hashtag, SearchText(request, "hashtag"));
  if (hashtag) {
    std::string_view tag = *hashtag;
    if (tag.starts_with('#')) tag.remove_prefix(1);
    auto tags = posts::ExtractHashtags("#" + std::string(tag));
    if (tags.size() != 1) {
      return Status::InvalidArgument("invalid_hashtag",
                                     "hashtag is one tag of letters, digits and _");
    }
    query.hashtag = std::move(tags.front());
  }
  AGORA_ASSIGN_OR_RETURN(query.since, ParseTime(request, "since"));
  AGORA_ASSIGN_OR_RETURN(query.until, ParseTime(request, "until"));
  AGORA_RETURN_IF_ERROR(CheckOrder(!query.since || !query.until || *query.since < *query.until,
                                   "since must be before until"));
  AGORA_RETURN_IF_ERROR(ParseResultWindow(request, query));
  return query;
}

Result<search::PeopleQuery> ParsePeopleSearch(const ApiRequest& request) {
  search::PeopleQuery query;
  AGORA_RETURN_IF_ERROR(
      ParseTexts<search::PeopleQuery>(request, query,
                                      {{"department", &search::PeopleQuery::department},
                                       {"location", &search::PeopleQuery::location},
                                       {"skill", &search::PeopleQuery::skill}}));
  AGORA_RETURN_IF_ERROR(ParseResultWindow(request, query));
  return query;
}

Result<ExpertSearch> ParseExpertSearch(const ApiRequest& request) {
  ExpertSearch search;
  AGORA_ASSIGN_OR_RETURN(search.q, QueryText(request));
  AGORA_ASSIGN_OR_RETURN(int limit, ParseLimit(request, kExpertLimitDefault, kExpertLimitMax));
  search.limit = static_cast<size_t>(limit);
  return search;
}

Result<search::DealQuery> ParseDealSearch(const ApiRequest& request) {
  search::DealQuery query;
  AGORA_RETURN_IF_ERROR(ParseTexts<search::DealQuery>(request, query,
                                                      {{"sector", &search::DealQuery::sector},
                                                       {"product", &search::DealQuery::product},
                                                       {"region", &search::DealQuery::region}}));
  AGORA_ASSIGN_OR_RETURN(query.outcome, SearchText(request, "outcome"));
  if (query.outcome && !posts::ParseOutcome(*query.outcome)) {
    return Status::InvalidArgument("invalid_outcome", "outcome is won, lost or open");
  }
  AGORA_ASSIGN_OR_RETURN(query.min_amount, ParseAmount(request, "min_amount"));
  AGORA_ASSIGN_OR_RETURN(query.max_amount, ParseAmount(request, "max_amount"));
  AGORA_RETURN_IF_ERROR(
      CheckOrder(!query.min_amount || !query.max_amount || *query.min_amount <= *query.max_amount,
                 "min_amount must not exceed max_amount"));
  // Deals are dated by the day they closed: since and until are dates, both included.
  for (auto [name, member] : {std::pair{"since", &search::DealQuery::since},
                              std::pair{"until", &search::DealQuery::until}}) {
    auto value = request.query_param(name);
    if (!value) continue;
    if (!IsIsoDate(*value)) {
      return Status::InvalidArgument("invalid_time",
                                     std::string(name) + " is a date such as 2026-11-22");
    }
    query.*member = std::string(*value);
  }
  AGORA_RETURN_IF_ERROR(CheckOrder(!query.since || !query.until || *query.since <= *query.until,
                                   "since must not be after until"));
  AGORA_RETURN_IF_ERROR(ParseResultWindow(request, query));
  return query;
}

}  // namespace agora::server
