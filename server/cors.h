// Cross-origin requests from browser clients served elsewhere (`agora serve --cors-origin`).
//
// Nothing is open by default: only the configured origins get CORS headers, each echoed back
// exactly (never "*"), with `Vary: Origin`. No Access-Control-Allow-Credentials is ever sent:
// the API authenticates with bearer tokens, which a cross-origin client sends in the
// Authorization header it is allowed, so a browser's cookies never ride along. Pure and
// thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "server/api.h"

namespace agora::server {

// `text` as a browser writes it in Origin: "http" or "https", a host, a port only when it is
// not the scheme's default, nothing after (a lone "/" is dropped). kInvalidArgument
// "invalid_cors_origin" otherwise
// ("*" included: every origin must be named).
Result<std::string> ParseCorsOrigin(std::string_view text);

class CorsPolicy {
 public:
  CorsPolicy() = default;
  explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

  bool enabled() const { return !origins_.empty(); }

  // The answer to a preflight (OPTIONS with Origin and Access-Control-Request-Method) from an
  // allowed origin for a path that takes `allowed_methods`; nullopt for anything else, which
  // then gets the answer it would get without CORS.
  std::optional<ApiResponse> Preflight(const ApiRequest& request,
                                       const std::vector<std::string>& allowed_methods) const;

  // Adds the CORS headers to the answer of an actual request from an allowed origin, and
  // `Vary: Origin` to every answer while any origin is configured.
  void Decorate(const ApiRequest& request, ApiResponse& response) const;

 private:
  bool allows(std::string_view origin) const;

  std::vector<std::string> origins_;
};

}  // namespace agora::server
