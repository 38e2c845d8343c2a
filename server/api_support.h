// What the api_*.cc handlers share. A handler parses, calls one service and renders; it
// returns its answer or the Status that stopped it, and never writes an error body: the
// Dispatcher answers a Status through ErrorResponse (server/errors.h).
#pragma once

#include <string>
#include <string_view>
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

// `result` rendered by `render` as a 201 answer whose Location is the path of the resource it
// made, `path_prefix` + its id (`id_of` gives it), or its error.
template <typename T, typename Render, typename IdOf>
Result<ApiResponse> Created(const Result<T>& result, Render&& render, std::string_view path_prefix,
                            IdOf&& id_of) {
  if (!result.ok()) return result.status();
  ApiResponse response = JsonResponse(201, render(*result));
  response.headers.emplace_back("Location",
                                std::string(path_prefix) + std::to_string(id_of(*result)));
  return response;
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
