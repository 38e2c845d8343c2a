// The one writer of error answers (server/errors.h): valid JSON with error.code for every
// status, escaped messages, hidden internal detail, and the headers each status calls for.
#include "server/errors.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "core/json.h"
#include "server/api_support.h"

namespace agora::server {
namespace {

struct ErrorBody {
  std::string code;
  std::string message;
};

// The body's error.code and error.message, or nullopt when the body is not exactly
// {"error":{"code":<string>,"message":<string>}} in valid UTF-8.
std::optional<ErrorBody> ParseErrorBody(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(body.c_str(), body.size());
  if (doc.HasParseError() || !doc.IsObject() || doc.MemberCount() != 1) return std::nullopt;
  // HasMember and operator[] rather than FindMember: comparing rapidjson's member iterators
  // is ambiguous under C++20's reversed operators (clang's ambiguous-reversed-operator).
  if (!doc.HasMember("error")) return std::nullopt;
  const rapidjson::Value& error = doc["error"];
  if (!error.IsObject() || error.MemberCount() != 2) return std::nullopt;
  if (!error.HasMember("code") || !error["code"].IsString() || !error.HasMember("message") ||
      !error["message"].IsString()) {
    return std::nullopt;
  }
  const rapidjson::Value& code = error["code"];
  const rapidjson::Value& message = error["message"];
  return ErrorBody{{code.GetString(), code.GetStringLength()},
                   {message.GetString(), message.GetStringLength()}};
}

std::optional<std::string> Header(const ApiResponse& r, const std::string& name) {
  for (const auto& [key, value] : r.headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

TEST(ErrorResponse, EveryStatusCodeIsJsonWithItsCodeAndHttpStatus) {
  struct Case {
    Status status;
    int http;
    std::string code;
  };
  const std::vector<Case> cases = {
      {Status::InvalidArgument("invalid_limit", "m"), 400, "invalid_limit"},
      {Status::Unauthenticated("m"), 401, "unauthenticated"},
      {Status::PermissionDenied("m"), 403, "forbidden"},
      {Status::NotFound("m"), 404, "not_found"},
      {Status::Conflict("username_taken", "m"), 409, "username_taken"},
      {Status(StatusCode::kPayloadTooLarge, "payload_too_large", "m"), 413, "payload_too_large"},
      {Status::Unprocessable("invalid_text", "m"), 422, "invalid_text"},
      {Status::RateLimited("m", 5), 429, "rate_limited"},
      {Status::Unavailable("m"), 503, "unavailable"},
      {Status::Internal("m"), 500, "internal"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.code);
    ApiResponse r = ErrorResponse(c.status);
    EXPECT_EQ(r.status, c.http);
    EXPECT_EQ(r.status,
              c.status.code() == StatusCode::kInternal ? 500 : HttpStatusFor(c.status.code()));
    EXPECT_EQ(r.content_type, "application/json");
    auto body = ParseErrorBody(r.body);
    ASSERT_TRUE(body) << r.body;
    EXPECT_EQ(body->code, c.code);
  }
}

TEST(ErrorResponse, EscapesQuotesBackslashesAndControlCharacters) {
  const std::string message = "say \"hi\" \\ to\nthe </script> \x01\x1f\t end";
  ApiResponse r = ErrorResponse(Status::InvalidArgument("bad\"code", message));
  auto body = ParseErrorBody(r.body);
  ASSERT_TRUE(body) << r.body;
  EXPECT_EQ(body->code, "bad\"code");
  EXPECT_EQ(body->message, message);
  EXPECT_EQ(r.body.find('\n'), std::string::npos);
  EXPECT_EQ(r.body.find('\x01'), std::string::npos);
}

TEST(ErrorResponse, ReplacesInvalidUtf8SoTheBodyStaysJson) {
  // A 404 quotes the percent-decoded path, which may be any bytes.
  ApiResponse r = ErrorResponse(Status::NotFound("no route for /\xff\xc3(\"x\xe2\x82"));
  auto body = ParseErrorBody(r.body);
  ASSERT_TRUE(body) << r.body;
  EXPECT_EQ(body->message, "no route for /\xEF\xBF\xBD\xEF\xBF\xBD(\"x\xEF\xBF\xBD\xEF\xBF\xBD");
  // Well-formed text is kept as it is.
  EXPECT_EQ(ParseErrorBody(ErrorResponse(Status::NotFound("é ✓ 😀")).body)->message, "é ✓ 😀");
}

TEST(ErrorResponse, HidesInternalDetail) {
  ApiResponse internal = ErrorResponse(Status::Internal("disk I/O error at /secret/path"));
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.body.find("/secret/path"), std::string::npos);
  EXPECT_EQ(internal.body, R"({"error":{"code":"internal","message":"internal error"}})");
  // An error answer made from an OK status is a caller's bug, answered the same way.
  ApiResponse ok = ErrorResponse(Status::Ok());
  EXPECT_EQ(ok.status, 500);
  EXPECT_EQ(ok.body, internal.body);
}

TEST(ErrorResponse, AQuotaAnswerCarriesTheRateLimitHeaders) {
  ApiResponse refused = ErrorResponse(
      Status::QuotaExceeded("too many posts", {.limit = 30, .remaining = 0, .reset_seconds = 42}));
  EXPECT_EQ(refused.status, 429);
  EXPECT_NE(refused.body.find(R"("code":"quota_exceeded")"), std::string::npos);
  EXPECT_EQ(Header(refused, "Retry-After"), "42");
  EXPECT_EQ(Header(refused, "RateLimit-Limit"), "30");
  EXPECT_EQ(Header(refused, "RateLimit-Remaining"), "0");
  EXPECT_EQ(Header(refused, "RateLimit-Reset"), "42");
}

TEST(ErrorResponse, RateLimitsCarryRetryAfterAnd401sAskForABearerToken) {
  ApiResponse throttled = ErrorResponse(Status::RateLimited("slow down", 30));
  EXPECT_EQ(throttled.status, 429);
  ASSERT_EQ(throttled.headers.size(), 1u);
  EXPECT_EQ(throttled.headers[0], (std::pair<std::string, std::string>{"Retry-After", "30"}));
  EXPECT_EQ(Header(ErrorResponse(Status::Unauthenticated("x")), "WWW-Authenticate"), "Bearer");
  EXPECT_TRUE(ErrorResponse(Status::NotFound("x")).headers.empty());
  // /readyz answers 503 without Retry-After; an overloaded server with one.
  EXPECT_FALSE(Header(ErrorResponse(Status::Unavailable("x")), "Retry-After"));
  ApiResponse busy = ErrorResponse(Status::Unavailable("x"), 1);
  EXPECT_EQ(busy.status, 503);
  EXPECT_EQ(Header(busy, "Retry-After"), "1");
}

TEST(ErrorResponse, ProtocolErrorsUseTheirOwnStatusAndCode) {
  struct Case {
    ProtocolError error;
    int http;
    std::string code;
  };
  for (const Case& c : {Case{ProtocolError::kMethodNotAllowed, 405, "method_not_allowed"},
                        Case{ProtocolError::kUpgradeRequired, 426, "upgrade_required"},
                        Case{ProtocolError::kHeadersTooLarge, 431, "headers_too_large"},
                        Case{ProtocolError::kPreconditionFailed, 412, "precondition_failed"}}) {
    ApiResponse r = ErrorResponse(c.error, "a \"quoted\" message");
    EXPECT_EQ(r.status, c.http);
    auto body = ParseErrorBody(r.body);
    ASSERT_TRUE(body) << r.body;
    EXPECT_EQ(body->code, c.code);
    EXPECT_EQ(body->message, "a \"quoted\" message");
  }
}

TEST(RouteSupport, JsonRendersAValueOrPassesItsErrorOn) {
  auto render = [](const int& n) { return "{\"n\":" + std::to_string(n) + "}"; };
  Result<ApiResponse> ok = Json(201, Result<int>(7), render);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->status, 201);
  EXPECT_EQ(ok->body, R"({"n":7})");
  Result<ApiResponse> failed = Json(201, Result<int>(Status::NotFound("gone")), render);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(NoContentOr(Status::Ok())->status, 204);
  EXPECT_EQ(NoContentOr(Status::Conflict("taken", "x")).status().error_code(), "taken");
}

}  // namespace
}  // namespace agora::server
