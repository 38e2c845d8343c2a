#include "server/errors.h"

#include <spdlog/spdlog.h>

#include <iterator>
#include <utility>

#include "core/json.h"
#include "core/logfmt.h"
#include "core/text.h"

namespace agora::server {
namespace {

// The body of every error answer.
std::string ErrorBody(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  WriteString(w, ReplaceInvalidUtf8(code));
  w.Key("message");
  WriteString(w, ReplaceInvalidUtf8(message));
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

// The one StatusCode -> HTTP status table, a row per code in StatusCode's order.
constexpr std::pair<StatusCode, int> kHttpStatus[] = {
    {StatusCode::kOk, 200},
    {StatusCode::kInvalidArgument, 400},
    {StatusCode::kUnauthenticated, 401},
    {StatusCode::kPermissionDenied, 403},
    {StatusCode::kNotFound, 404},
    {StatusCode::kConflict, 409},
    {StatusCode::kPayloadTooLarge, 413},
    {StatusCode::kUnprocessable, 422},
    {StatusCode::kRateLimited, 429},
    {StatusCode::kUnavailable, 503},
    {StatusCode::kInternal, 500},
};
constexpr bool RowsInCodeOrder() {
  for (size_t i = 0; i < std::size(kHttpStatus); ++i) {
    if (static_cast<size_t>(kHttpStatus[i].first) != i) return false;
  }
  return std::size(kHttpStatus) == static_cast<size_t>(StatusCode::kInternal) + 1;
}
static_assert(RowsInCodeOrder(), "one row per StatusCode, in its order");

// The answers of ProtocolError, in its order.
struct ProtocolAnswer {
  int status;
  std::string_view code;
};
constexpr ProtocolAnswer kProtocolAnswers[] = {
    {405, "method_not_allowed"},   // kMethodNotAllowed
    {426, "upgrade_required"},     // kUpgradeRequired
    {431, "headers_too_large"},    // kHeadersTooLarge
    {412, "precondition_failed"},  // kPreconditionFailed
};
static_assert(std::size(kProtocolAnswers) ==
              static_cast<size_t>(ProtocolError::kPreconditionFailed) + 1);

}  // namespace

int HttpStatusFor(StatusCode code) {
  auto row = static_cast<size_t>(code);
  return row < std::size(kHttpStatus) ? kHttpStatus[row].second : 500;
}

void AddRateLimitHeaders(ApiResponse& response, const RateLimitInfo& quota) {
  response.headers.emplace_back("RateLimit-Limit", std::to_string(quota.limit));
  response.headers.emplace_back("RateLimit-Remaining", std::to_string(quota.remaining));
  response.headers.emplace_back("RateLimit-Reset", std::to_string(quota.reset_seconds));
}

ApiResponse ErrorResponse(const Status& status) {
  // Internal details stay in the log; clients get a stable, uninformative answer. An ok status
  // here is a bug of the caller, answered the same way.
  if (status.code() == StatusCode::kInternal || status.ok()) {
    spdlog::error(
        "event=internal_error message={}",
        LogValue(status.ok() ? "an error answer was made from an OK status" : status.message()));
    return {500, ErrorBody("internal", "internal error")};
  }
  ApiResponse response{HttpStatusFor(status.code()),
                       ErrorBody(status.error_code(), status.message())};
  if (auto retry = status.retry_after_seconds()) {
    response.headers.emplace_back("Retry-After", std::to_string(*retry));
  }
  if (const auto& quota = status.rate_limit()) AddRateLimitHeaders(response, *quota);
  if (status.code() == StatusCode::kUnauthenticated) {
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
  }
  return response;
}

ApiResponse ErrorResponse(const Status& status, int64_t retry_after_seconds) {
  ApiResponse response = ErrorResponse(status);
  response.headers.emplace_back("Retry-After", std::to_string(retry_after_seconds));
  return response;
}

ApiResponse ErrorResponse(ProtocolError error, std::string_view message) {
  const ProtocolAnswer& answer = kProtocolAnswers[static_cast<size_t>(error)];
  return {answer.status, ErrorBody(answer.code, message)};
}

}  // namespace agora::server
