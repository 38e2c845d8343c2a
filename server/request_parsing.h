// The shared part of the API's request reading: what several resources parse alike (the JSON
// body, ids, user references, limits and cursors), with the errors of api.md. A parser of one
// resource's body or query lives next to its routes, in server/api_<resource>.cc.
#pragma once

#include <charconv>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/json.h"
#include "core/page.h"
#include "core/status.h"
#include "posts/post.h"
#include "profiles/user.h"
#include "server/api.h"

namespace agora::server {

// The body as a JSON object, within the JSON limits (kInvalidArgument otherwise).
Status ParseJsonObject(const ApiRequest& request, rapidjson::Document& out);

// "@username" or a decimal id; kInvalidArgument "invalid_id" otherwise.
Result<profiles::UserRef> ParseUserRef(std::string_view text);

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

// `limit` from 1 to `max`, `fallback` when absent; kInvalidArgument "invalid_limit" otherwise.
Result<int> ParseLimit(const ApiRequest& request, int fallback = PageRequest::kDefaultLimit,
                       int max = PageRequest::kMaxLimit);

// `limit` (1..100, default 20) and `cursor`; kInvalidArgument "invalid_limit"/"invalid_cursor".
Result<PageRequest> ParsePageRequest(const ApiRequest& request);

// Fails with kUnprocessable "field_not_writable" naming the first member outside `allowed`.
Status RejectUnknownFields(const JsonFields& fields, const std::vector<std::string_view>& allowed);

// ParseJsonObject, then RejectUnknownFields: the body of a route that names its members.
Status ParseJsonObject(const ApiRequest& request, rapidjson::Document& out,
                       const std::vector<std::string_view>& allowed);

// A stream window: `limit` (1..100, default 20) and post-id cursors `before` / `after`.
struct StreamRequest {
  posts::IdRange range;
  size_t limit = 20;
};
Result<StreamRequest> ParseStreamRequest(const ApiRequest& request);

// A decimal id of a `what` ("post", "community", ...) from a path segment or a body field;
// kInvalidArgument "invalid_id" otherwise.
Result<Id> ParseResourceId(std::string_view text, const char* what);

}  // namespace agora::server
