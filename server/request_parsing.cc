#include "server/request_parsing.h"

#include <charconv>
#include <limits>

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

Result<int> ParseLimit(const ApiRequest& request, int fallback = PageRequest::kDefaultLimit,
                       int max = PageRequest::kMaxLimit) {
  auto limit = request.query_param("limit");
  if (!limit) return fallback;
  int value = 0;
  auto [end, ec] = std::from_chars(limit->data(), limit->data() + limit->size(), value);
  if (ec != std::errc() || end != limit->data() + limit->size() || value < 1 || value > max) {
    return Status::InvalidArgument("invalid_limit",
                                   "limit must be a whole number from 1 to " + std::to_string(max));
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

namespace {

constexpr size_t kSearchFieldMax = 200;  // characters of a filter value
constexpr size_t kSearchOffsetMax = 10'000;
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
  auto q = SearchText(request, "q", std::numeric_limits<size_t>::max());
  if (!q.ok()) return q.status();
  return q->value_or("");
}

Result<size_t> ParseOffset(const ApiRequest& request) {
  auto text = request.query_param("offset");
  if (!text) return size_t{0};
  size_t value = 0;
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size() || value > kSearchOffsetMax) {
    return Status::InvalidArgument("invalid_offset", "offset is a whole number from 0 to 10000");
  }
  return value;
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
  auto limit = ParseLimit(request);
  if (!limit.ok()) return limit.status();
  query.limit = static_cast<size_t>(*limit);
  auto offset = ParseOffset(request);
  if (!offset.ok()) return offset.status();
  query.offset = *offset;
  return Status::Ok();
}

Status CheckOrder(bool ordered, const char* what) {
  if (ordered) return Status::Ok();
  return Status::InvalidArgument("invalid_range", std::string(what));
}

}  // namespace

Result<search::PostQuery> ParsePostSearch(const ApiRequest& request) {
  search::PostQuery query;
  auto q = QueryText(request);
  if (!q.ok()) return q.status();
  query.q = std::move(*q);
  auto community = ParseIdParam(request, "community_id");
  if (!community.ok()) return community.status();
  query.community_id = *community;
  auto author = ParseIdParam(request, "author_id");
  if (!author.ok()) return author.status();
  query.author_id = *author;
  auto kind = SearchText(request, "kind");
  if (!kind.ok()) return kind.status();
  if (*kind) {
    if (!posts::ParseKind(**kind)) {
      return Status::InvalidArgument("invalid_kind",
                                     "kind is status, question, deal_story or announcement");
    }
    query.kind = std::move(*kind);
  }
  auto hashtag = SearchText(request, "hashtag");
  if (!hashtag.ok()) return hashtag.status();
  if (*hashtag) {
    std::string_view tag = **hashtag;
    if (tag.starts_with('#')) tag.remove_prefix(1);
    auto tags = posts::ExtractHashtags("#" + std::string(tag));
    if (tags.size() != 1) {
      return Status::InvalidArgument("invalid_hashtag",
                                     "hashtag is one tag of letters, digits and _");
    }
    query.hashtag = std::move(tags.front());
  }
  auto since = ParseTime(request, "since");
  if (!since.ok()) return since.status();
  auto until = ParseTime(request, "until");
  if (!until.ok()) return until.status();
  AGORA_RETURN_IF_ERROR(
      CheckOrder(!*since || !*until || **since < **until, "since must be before until"));
  query.since = *since;
  query.until = *until;
  AGORA_RETURN_IF_ERROR(ParseResultWindow(request, query));
  return query;
}

Result<search::PeopleQuery> ParsePeopleSearch(const ApiRequest& request) {
  search::PeopleQuery query;
  auto q = QueryText(request);
  if (!q.ok()) return q.status();
  query.q = std::move(*q);
  for (auto [name, member] : {std::pair{"department", &search::PeopleQuery::department},
                              std::pair{"location", &search::PeopleQuery::location},
                              std::pair{"skill", &search::PeopleQuery::skill}}) {
    auto value = SearchText(request, name);
    if (!value.ok()) return value.status();
    query.*member = std::move(*value);
  }
  AGORA_RETURN_IF_ERROR(ParseResultWindow(request, query));
  return query;
}

Result<ExpertSearch> ParseExpertSearch(const ApiRequest& request) {
  ExpertSearch search;
  auto q = QueryText(request);
  if (!q.ok()) return q.status();
  search.q = std::move(*q);
  auto limit = ParseLimit(request, kExpertLimitDefault, kExpertLimitMax);
  if (!limit.ok()) return limit.status();
  search.limit = static_cast<size_t>(*limit);
  return search;
}

Result<search::DealQuery> ParseDealSearch(const ApiRequest& request) {
  search::DealQuery query;
  auto q = QueryText(request);
  if (!q.ok()) return q.status();
  query.q = std::move(*q);
  for (auto [name, member] : {std::pair{"sector", &search::DealQuery::sector},
                              std::pair{"product", &search::DealQuery::product},
                              std::pair{"region", &search::DealQuery::region}}) {
    auto value = SearchText(request, name);
    if (!value.ok()) return value.status();
    query.*member = std::move(*value);
  }
  auto outcome = SearchText(request, "outcome");
  if (!outcome.ok()) return outcome.status();
  if (*outcome) {
    if (!posts::ParseOutcome(**outcome)) {
      return Status::InvalidArgument("invalid_outcome", "outcome is won, lost or open");
    }
    query.outcome = std::move(*outcome);
  }
  auto min_amount = ParseAmount(request, "min_amount");
  if (!min_amount.ok()) return min_amount.status();
  auto max_amount = ParseAmount(request, "max_amount");
  if (!max_amount.ok()) return max_amount.status();
  AGORA_RETURN_IF_ERROR(CheckOrder(!*min_amount || !*max_amount || **min_amount <= **max_amount,
                                   "min_amount must not exceed max_amount"));
  query.min_amount = *min_amount;
  query.max_amount = *max_amount;
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
