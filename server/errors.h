// The one writer of error answers. Every error body the server sends, from the HTTP session,
// the dispatcher, the WebSocket upgrade or a handler, is written here:
//
//   {"error": {"code": "<snake_case>", "message": "<text>"}}
//
// with RapidJSON (so any message is escaped), the HTTP status from one table, Retry-After for
// rate limits (and RateLimit-Limit, -Remaining, -Reset for a quota), WWW-Authenticate for 401, and
// internal details kept in the log: a kInternal status is answered as code "internal", message
// "internal error". Thread-safe (pure).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"
#include "server/api.h"

namespace agora::server {

// The HTTP status of each StatusCode: 400, 401, 403, 404, 409, 413, 422, 429, 503, 500.
int HttpStatusFor(StatusCode code);

// Adds RateLimit-Limit, -Remaining and -Reset (draft-ietf-httpapi-ratelimit-headers, the
// separate-fields form most clients read: the window's limit, the units left in it, the
// seconds until it restarts) to `response`: on a quota's 429 and on the answers of actions
// that took a quota.
void AddRateLimitHeaders(ApiResponse& response, const RateLimitInfo& quota);

// The error answer for a non-ok `status` (an ok one is answered as an internal error).
ApiResponse ErrorResponse(const Status& status);

// The same with `Retry-After: <retry_after_seconds>`, for the 503s of an overloaded server
// (too many connections, too many queued password hashes, shutting down).
ApiResponse ErrorResponse(const Status& status, int64_t retry_after_seconds);

// Answers of the HTTP protocol itself, which no StatusCode names. The caller adds the header
// the status calls for (Allow for 405, Upgrade for 426).
enum class ProtocolError {
  kMethodNotAllowed,  // 405 method_not_allowed
  kUpgradeRequired,   // 426 upgrade_required
  kHeadersTooLarge,   // 431 headers_too_large
  // 412 precondition_failed: an If-Match names a version that is no longer current
  // (server/conditional_requests.h).
  kPreconditionFailed,
};
ApiResponse ErrorResponse(ProtocolError error, std::string_view message);

}  // namespace agora::server
