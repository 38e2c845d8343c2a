// Routes of api.md "Search": posts, people, experts, deal stories.
#include <charconv>
#include <initializer_list>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/clock.h"
#include "core/text.h"
#include "posts/text_entities.h"
#include "server/api_routes.h"
#include "server/api_support.h"
#include "server/json_codec.h"
#include "server/request_parsing.h"

namespace agora::server {
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
                                                       "time (2026-11-22T08:30:00Z, "
                                                       "2026-11-22T09:30:00+01:00)");
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

// Search queries (api.md "Search"). Every text parameter must be UTF-8 without control
// characters and at most 200 characters (`q`: the index's own limit); `limit` is 1..100
// (experts 1..50), `offset` 0..10,000; `since`/`until` are dates or RFC 3339 UTC times.
// kInvalidArgument with a code naming the parameter ("invalid_kind", "invalid_time", ...).
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

struct ExpertSearch {
  std::string q;
  size_t limit = 10;
};

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

void WritePostHits(JsonWriter& w, const std::vector<services::PostHit>& hits) {
  w.Key("results");
  w.StartArray();
  for (const services::PostHit& hit : hits) {
    w.StartObject();
    w.Key("post");
    WritePost(w, hit.view);
    DoubleMember(w, "score", hit.score);
    StringMember(w, "highlight", hit.highlight);
    w.EndObject();
  }
  w.EndArray();
}

// "total", "total_exact", and "next_offset" when the page does not reach the last result.
template <typename Page>
void WriteTotal(JsonWriter& w, const Page& page, size_t offset) {
  IntMember(w, "total", page.total);
  BoolMember(w, "total_exact", page.total_exact);
  size_t returned = page.results.size();
  if (returned > 0 && (!page.total_exact || static_cast<int64_t>(offset + returned) < page.total)) {
    w.Key("next_offset");
    w.Uint64(offset + returned);
  }
}

// {"user": ..., "score": ...} and whatever `write_more` adds.
template <typename WriteMore>
void WriteUserHit(JsonWriter& w, const profiles::User& user, double score, const Viewer& viewer,
                  WriteMore write_more) {
  w.StartObject();
  w.Key("user");
  WriteUser(w, user, viewer);
  DoubleMember(w, "score", score);
  write_more(w);
  w.EndObject();
}

std::string RenderPostSearch(const services::PostSearchPage& page, size_t offset) {
  return RenderObject([&](JsonWriter& w) {
    WriteTotal(w, page, offset);
    WritePostHits(w, page.results);
  });
}

std::string RenderPeopleSearch(const services::PeopleSearchPage& page, size_t offset,
                               const Viewer& viewer) {
  return RenderObject([&](JsonWriter& w) {
    WriteTotal(w, page, offset);
    w.Key("results");
    w.StartArray();
    for (const services::PersonHit& hit : page.results) {
      WriteUserHit(w, hit.user, hit.score, viewer, [](JsonWriter&) {});
    }
    w.EndArray();
  });
}

std::string RenderExperts(const std::vector<services::Expert>& experts, const Viewer& viewer) {
  return RenderObject([&](JsonWriter& w) {
    w.Key("results");
    w.StartArray();
    for (const services::Expert& expert : experts) {
      WriteUserHit(w, expert.user, expert.score, viewer, [&](JsonWriter& out) {
        out.Key("evidence");
        out.StartObject();
        StringsMember(out, "skills", expert.skills);
        out.Key("verified_skills");
        out.StartArray();
        for (const auto& verified : expert.verified_skills) {
          out.StartObject();
          StringMember(out, "skill", verified.skill);
          IdMember(out, "quiz_id", verified.quiz_id);
          TimeMember(out, "passed_at", verified.passed_at);
          out.EndObject();
        }
        out.EndArray();
        out.Key("posts");
        out.StartArray();
        for (const services::PostView& post : expert.posts) WritePost(out, post);
        out.EndArray();
        out.Key("accepted_answers");
        out.StartArray();
        for (const services::PostView& post : expert.accepted_answers) WritePost(out, post);
        out.EndArray();
        out.EndObject();
      });
    }
    w.EndArray();
  });
}

std::string RenderDealSearch(const services::DealSearchPage& page, size_t offset) {
  return RenderObject([&](JsonWriter& w) {
    WriteTotal(w, page, offset);
    WritePostHits(w, page.results);
    w.Key("facets");
    w.StartObject();
    for (const auto& [facet, counts] : page.facets) {
      w.Key(facet.c_str());
      w.StartObject();
      for (const auto& [value, count] : counts) {
        WriteString(w, value);  // as a key
        w.Int64(count);
      }
      w.EndObject();
    }
    w.EndObject();
  });
}

using services::SearchService;

Result<ApiResponse> SearchPosts(RouteContext& ctx, SearchService& search) {
  AGORA_ASSIGN_OR_RETURN(search::PostQuery query, ParsePostSearch(ctx.request));
  return Json(200, search.Posts(ctx.viewer, query), [&](const services::PostSearchPage& page) {
    return RenderPostSearch(page, query.offset);
  });
}

Result<ApiResponse> SearchPeople(RouteContext& ctx, SearchService& search) {
  AGORA_ASSIGN_OR_RETURN(search::PeopleQuery query, ParsePeopleSearch(ctx.request));
  return Json(200, search.People(ctx.viewer, query), [&](const services::PeopleSearchPage& page) {
    return RenderPeopleSearch(page, query.offset, ctx.viewer);
  });
}

Result<ApiResponse> SearchExperts(RouteContext& ctx, SearchService& search) {
  AGORA_ASSIGN_OR_RETURN(ExpertSearch query, ParseExpertSearch(ctx.request));
  return Json(200, search.Experts(ctx.viewer, query.q, query.limit),
              [&](const std::vector<services::Expert>& experts) {
                return RenderExperts(experts, ctx.viewer);
              });
}

Result<ApiResponse> SearchDeals(RouteContext& ctx, SearchService& search) {
  AGORA_ASSIGN_OR_RETURN(search::DealQuery query, ParseDealSearch(ctx.request));
  return Json(200, search.Deals(ctx.viewer, query), [&](const services::DealSearchPage& page) {
    return RenderDealSearch(page, query.offset);
  });
}

}  // namespace

void AddSearchRoutes(Router& router, SearchService& search) {
  const auto auth = Access::kAuthenticated;
  router.add("GET", "/api/v1/search/posts", auth, Lane::kDefault, Bind(search, SearchPosts));
  router.add("GET", "/api/v1/search/people", Access::kEmployee, Lane::kDefault,
             Bind(search, SearchPeople));
  router.add("GET", "/api/v1/search/experts", Access::kEmployee, Lane::kDefault,
             Bind(search, SearchExperts));
  router.add("GET", "/api/v1/search/deals", Access::kEmployee, Lane::kDefault,
             Bind(search, SearchDeals));
}

}  // namespace agora::server
