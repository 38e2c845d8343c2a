// Turning the parts of a request into typed values, with the errors of api.md.
#pragma once

#include <string_view>

#include "core/json.h"
#include "core/page.h"
#include "core/status.h"
#include "posts/post.h"
#include "profiles/user.h"
#include "server/api.h"
#include "services/search_service.h"  // the search query values

namespace agora::server {

// The body as a JSON object, within the JSON limits (kInvalidArgument otherwise).
Status ParseJsonObject(const ApiRequest& request, rapidjson::Document& out);

// "@username" or a decimal id; kInvalidArgument "invalid_id" otherwise.
Result<profiles::UserRef> ParseUserRef(std::string_view text);

// `limit` (1..100, default 20) and `cursor`; kInvalidArgument "invalid_limit"/"invalid_cursor".
Result<PageRequest> ParsePageRequest(const ApiRequest& request);

// Fails with kUnprocessable "field_not_writable" naming the first member outside `allowed`.
Status RejectUnknownFields(const JsonFields& fields, const std::vector<std::string_view>& allowed);

// ParseJsonObject, then RejectUnknownFields: the body of a route that names its members.
Status ParseJsonObject(const ApiRequest& request, rapidjson::Document& out,
                       const std::vector<std::string_view>& allowed);

// The profile members present in `fields` (type-checked, not yet validated).
Result<profiles::ProfileChanges> ParseProfileChanges(const JsonFields& fields);

// A stream window: `limit` (1..100, default 20) and post-id cursors `before` / `after`.
struct StreamRequest {
  posts::IdRange range;
  size_t limit = 20;
};
Result<StreamRequest> ParseStreamRequest(const ApiRequest& request);

// A decimal id of a `what` ("post", "community", ...) from a path segment or a body field;
// kInvalidArgument "invalid_id" otherwise.
Result<Id> ParseResourceId(std::string_view text, const char* what);

// The body of POST /api/v1/posts (type-checked; the service validates values).
Result<posts::NewPost> ParseNewPost(const JsonFields& fields);

// Search queries (api.md "Search"). Every text parameter must be UTF-8 without control
// characters and at most 200 characters (`q`: the index's own limit); `limit` is 1..100
// (experts 1..50), `offset` 0..10,000; `since`/`until` are dates or RFC 3339 UTC times.
// kInvalidArgument with a code naming the parameter ("invalid_kind", "invalid_time", ...).
Result<search::PostQuery> ParsePostSearch(const ApiRequest& request);
Result<search::PeopleQuery> ParsePeopleSearch(const ApiRequest& request);
struct ExpertSearch {
  std::string q;
  size_t limit = 10;
};
Result<ExpertSearch> ParseExpertSearch(const ApiRequest& request);
Result<search::DealQuery> ParseDealSearch(const ApiRequest& request);

}  // namespace agora::server
