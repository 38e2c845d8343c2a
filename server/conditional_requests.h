// ConditionalRequests: the HTTP conventions that make retries and concurrent edits safe.
//
// - Idempotency-Key on an authenticated POST: the key, scoped to the caller's account, is
//   recorded in the same transaction as the first write the request makes
//   (services/conditional_writes.h), and the answer once it is known. A retry within 24 h with the
//   same key and the same request gets that answer again and writes nothing; the same key with
//   another request is refused (422 idempotency_key_reused); a key whose first request has not been
//   answered yet is refused (409 idempotency_key_in_use). Expired keys are swept by each new
//   claim.
// - ETag on every 200 answer to a GET, If-None-Match answered 304 without a body. The ETag of
//   a versioned resource (posts, communities, deals) carries its revision:
//   "r<revision>-<hash of the body>".
// - If-Match on PATCH of a versioned resource: the revision it names is compared inside the
//   write's own transaction, after the use case passed its access checks (an outsider gets
//   the use case's 404, never a 412); a stale one is 412 precondition_failed and writes
//   nothing.
//
// Thread-safety: Run may be called from any worker thread at once.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "server/api.h"
#include "server/router.h"
#include "services/conditional_writes.h"

namespace agora::server {

class ConditionalRequests {
 public:
  // `writes` must outlive this object.
  explicit ConditionalRequests(services::ConditionalWrites& writes);

  // Runs `handle` (the route's handler, for an authenticated `ctx`) under the request's
  // conditional headers and returns the answer to send.
  ApiResponse Run(const Route& route, const RouteContext& ctx,
                  const std::function<ApiResponse()>& handle);

 private:
  ApiResponse RunIdempotent(const RouteContext& ctx, const std::function<ApiResponse()>& handle);
  ApiResponse RunGet(const Route& route, const RouteContext& ctx,
                     const std::function<ApiResponse()>& handle);
  ApiResponse RunIfMatch(const Route& route, const RouteContext& ctx,
                         const std::function<ApiResponse()>& handle);

  services::ConditionalWrites& writes_;
};

// Whether `key` may be an Idempotency-Key: 1 to 255 printable ASCII characters.
bool ValidIdempotencyKey(std::string_view key);

// The strong entity tag of `body`, with `revision` first when the resource has one.
std::string EntityTag(std::optional<int64_t> revision, std::string_view body);

// Whether an If-None-Match header value names `tag` (weak comparison) or is "*".
bool NoneMatchHits(std::string_view if_none_match, std::string_view tag);

}  // namespace agora::server
