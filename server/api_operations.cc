// Operations routes (no token): liveness, readiness, metrics.
#include "server/api_routes.h"
#include "server/api_support.h"

namespace agora::server {

void AddOperationsRoutes(Router& router, const Metrics& metrics,
                         const std::function<Status()>& readiness) {
  router.add("GET", "/healthz", Access::kPublic, Lane::kInline,
             [](RouteContext&) { return JsonResponse(200, R"({"status":"ok"})"); });
  router.add("GET", "/readyz", Access::kPublic, Lane::kDefault, [readiness](RouteContext&) {
    Status status = readiness();
    if (!status.ok()) return Result<ApiResponse>(Status::Unavailable(status.message()));
    return Result<ApiResponse>(JsonResponse(200, R"({"status":"ready"})"));
  });
  router.add("GET", "/metrics", Access::kPublic, Lane::kDefault, [&metrics](RouteContext&) {
    return ApiResponse{200, metrics.Render(), "text/plain; version=0.0.4"};
  });
}

}  // namespace agora::server
