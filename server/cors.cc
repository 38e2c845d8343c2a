#include "server/cors.h"

#include <algorithm>
#include <boost/url/parse.hpp>
#include <cctype>

namespace agora::server {
namespace {

// What a cross-origin client may send beyond the CORS-safelisted headers.
constexpr std::string_view kAllowedRequestHeaders =
    "Authorization, Content-Type, Idempotency-Key, If-Match, If-None-Match, Last-Event-ID, "
    "X-Request-Id";
// What its script may read beyond the CORS-safelisted response headers.
constexpr std::string_view kExposedResponseHeaders =
    "ETag, Link, Location, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After, "
    "X-Request-Id";
constexpr std::string_view kPreflightMaxAgeSeconds = "600";

Status InvalidOrigin(std::string_view text, std::string_view why) {
  return Status::InvalidArgument(
      "invalid_cors_origin", "'" + std::string(text) + "' is not an origin: " + std::string(why) +
                                 " (like https://app.example.com:8443)");
}

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<std::string> ParseCorsOrigin(std::string_view text) {
  auto url = boost::urls::parse_absolute_uri(text);
  if (!url) return InvalidOrigin(text, "not an absolute URL");
  std::string scheme = Lowercase(url->scheme());
  if (scheme != "http" && scheme != "https") return InvalidOrigin(text, "not http or https");
  if (!url->has_authority() || url->host().empty()) return InvalidOrigin(text, "no host");
  if (url->has_userinfo()) return InvalidOrigin(text, "user information");
  bool bare_path = url->encoded_path().empty() || url->encoded_path() == "/";
  if (!bare_path || url->has_query() || url->has_fragment()) {
    return InvalidOrigin(text, "something after the host and port");
  }
  std::string origin = scheme + "://" + Lowercase(url->encoded_host());
  std::string_view port = url->port();
  bool default_port = (scheme == "http" && port == "80") || (scheme == "https" && port == "443");
  if (!port.empty() && !default_port) origin += ":" + std::string(port);
  return origin;
}

bool CorsPolicy::allows(std::string_view origin) const {
  return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

std::optional<ApiResponse> CorsPolicy::Preflight(
    const ApiRequest& request, const std::vector<std::string>& allowed_methods) const {
  if (request.method != "OPTIONS" || request.access_control_request_method.empty() ||
      allowed_methods.empty() || !allows(request.origin)) {
    return std::nullopt;
  }
  std::string methods;
  for (const auto& method : allowed_methods) methods += (methods.empty() ? "" : ", ") + method;
  ApiResponse response(204, "", "");
  response.headers.emplace_back("Access-Control-Allow-Origin", request.origin);
  response.headers.emplace_back("Access-Control-Allow-Methods", methods);
  response.headers.emplace_back("Access-Control-Allow-Headers", kAllowedRequestHeaders);
  response.headers.emplace_back("Access-Control-Max-Age", kPreflightMaxAgeSeconds);
  response.headers.emplace_back("Vary", "Origin");
  return response;
}

void CorsPolicy::Decorate(const ApiRequest& request, ApiResponse& response) const {
  if (!enabled()) return;
  response.headers.emplace_back("Vary", "Origin");
  if (request.method == "OPTIONS" || !allows(request.origin)) return;
  response.headers.emplace_back("Access-Control-Allow-Origin", request.origin);
  response.headers.emplace_back("Access-Control-Expose-Headers", kExposedResponseHeaders);
}

}  // namespace agora::server
