// What the api_*.cc handlers share. A handler parses, calls one service and renders; it
// returns its answer or the Status that stopped it, and never writes an error body: the
// Dispatcher answers a Status through ErrorResponse (server/errors.h).
#pragma once

#include <string>
#include <utility>

#include "core/status.h"
#include "server/api.h"
#include "server/router.h"

namespace agora::server {

inline ApiResponse JsonResponse(int status, std::string body) { return {status, std::move(body)}; }

inline ApiResponse NoContent() { return {204, "", ""}; }

// `result` rendered by `render` (a function of its value to a JSON text) as a `status` answer,
// or its error.
template <typename T, typename Render>
Result<ApiResponse> Json(int status, const Result<T>& result, Render&& render) {
  if (!result.ok()) return result.status();
  return JsonResponse(status, render(*result));
}

// 204 when `status` is ok, else its error.
inline Result<ApiResponse> NoContentOr(const Status& status) {
  if (!status.ok()) return status;
  return NoContent();
}

// A route handler from a function of the request and one service.
template <typename Service>
RouteHandler Bind(Service& service, Result<ApiResponse> (*handler)(RouteContext&, Service&)) {
  return [handler, &service](RouteContext& ctx) { return handler(ctx, service); };
}

}  // namespace agora::server
