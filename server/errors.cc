#include "server/errors.h"

#include <spdlog/spdlog.h>

#include "core/json.h"
#include "core/text.h"

namespace agora::server {
namespace {

// `text` with each byte that does not start a well-formed UTF-8 sequence replaced by U+FFFD:
// messages may quote a request (a percent-decoded path), and JSON must be UTF-8.
std::string ValidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  for (size_t i = 0; i < text.size();) {
    auto lead = static_cast<unsigned char>(text[i]);
    size_t length = lead < 0x80           ? 1
                    : (lead >> 5) == 0x6  ? 2
                    : (lead >> 4) == 0xE  ? 3
                    : (lead >> 3) == 0x1E ? 4
                                          : 0;
    if (length > 0 && i + length <= text.size() && IsValidUtf8(text.substr(i, length))) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// The body of every error answer.
std::string ErrorBody(std::string_view code, std::string_view message) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  WriteString(w, ValidUtf8(code));
  w.Key("message");
  WriteString(w, ValidUtf8(message));
  w.EndObject();
  w.EndObject();
  return buffer.GetString();
}

struct ProtocolAnswer {
  int status;
  std::string_view code;
};

ProtocolAnswer AnswerFor(ProtocolError error) {
  switch (error) {
    case ProtocolError::kMethodNotAllowed:
      return {405, "method_not_allowed"};
    case ProtocolError::kUpgradeRequired:
      return {426, "upgrade_required"};
    case ProtocolError::kHeadersTooLarge:
      return {431, "headers_too_large"};
  }
  return {500, "internal"};
}

}  // namespace

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kConflict:
      return 409;
    case StatusCode::kPayloadTooLarge:
      return 413;
    case StatusCode::kUnprocessable:
      return 422;
    case StatusCode::kRateLimited:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

ApiResponse ErrorResponse(const Status& status) {
  // Internal details stay in the log; clients get a stable, uninformative answer. An ok status
  // here is a bug of the caller, answered the same way.
  if (status.code() == StatusCode::kInternal || status.ok()) {
    spdlog::error("event=internal_error message=\"{}\"",
                  status.ok() ? "an error answer was made from an OK status" : status.message());
    return {500, ErrorBody("internal", "internal error")};
  }
  ApiResponse response{HttpStatusFor(status.code()),
                       ErrorBody(status.error_code(), status.message())};
  if (auto retry = status.retry_after_seconds()) {
    response.headers.emplace_back("Retry-After", std::to_string(*retry));
  }
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
  ProtocolAnswer answer = AnswerFor(error);
  return {answer.status, ErrorBody(answer.code, message)};
}

}  // namespace agora::server
