// Status and Result<T>: the one type for expected failures across Agora.
//
// Errors from sqlite3, libsodium and RapidJSON are translated into a Status where they enter
// our code; server/ is the one place that maps a Status to an HTTP answer. A Status is a plain
// value and is safe to copy between threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace agora {

enum class StatusCode {
  kOk,
  kInvalidArgument,   // malformed input: bad JSON, bad UTF-8, bad query parameter
  kUnauthenticated,   // missing, unknown or expired credentials
  kPermissionDenied,  // known caller, not allowed
  kNotFound,          // absent, or hidden from this caller
  kConflict,          // unique value taken, state conflict
  kPayloadTooLarge,   // body over the limit
  kUnprocessable,     // well-formed input with invalid values
  kRateLimited,       // too many attempts; see retry_after_seconds
  kUnavailable,       // overloaded or shutting down
  kInternal,          // a bug or an I/O failure
};

// What a quota answer tells the client (the RateLimit-* headers of a 429).
struct RateLimitInfo {
  int64_t limit = 0;
  int64_t remaining = 0;
  int64_t reset_seconds = 0;  // until the window restarts
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string error_code, std::string message)
      : code_(code), error_code_(std::move(error_code)), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status InvalidArgument(std::string error_code, std::string message) {
    return {StatusCode::kInvalidArgument, std::move(error_code), std::move(message)};
  }
  static Status Unauthenticated(std::string message) {
    return {StatusCode::kUnauthenticated, "unauthenticated", std::move(message)};
  }
  static Status PermissionDenied(std::string message) {
    return {StatusCode::kPermissionDenied, "forbidden", std::move(message)};
  }
  static Status NotFound(std::string message) {
    return {StatusCode::kNotFound, "not_found", std::move(message)};
  }
  static Status Conflict(std::string error_code, std::string message) {
    return {StatusCode::kConflict, std::move(error_code), std::move(message)};
  }
  static Status Unprocessable(std::string error_code, std::string message) {
    return {StatusCode::kUnprocessable, std::move(error_code), std::move(message)};
  }
  static Status RateLimited(std::string message, int64_t retry_after_seconds) {
    Status s{StatusCode::kRateLimited, "rate_limited", std::move(message)};
    s.retry_after_seconds_ = retry_after_seconds;
    return s;
  }
  // An account past its quota for an action: kRateLimited "quota_exceeded", retry after the
  // window restarts.
  static Status QuotaExceeded(std::string message, RateLimitInfo rate_limit) {
    Status s{StatusCode::kRateLimited, "quota_exceeded", std::move(message)};
    s.retry_after_seconds_ = rate_limit.reset_seconds;
    s.rate_limit_ = rate_limit;
    return s;
  }
  static Status Unavailable(std::string message) {
    return {StatusCode::kUnavailable, "unavailable", std::move(message)};
  }
  static Status Internal(std::string message) {
    return {StatusCode::kInternal, "internal", std::move(message)};
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  // Stable snake_case identifier for clients, e.g. "username_taken".
  const std::string& error_code() const { return error_code_; }
  const std::string& message() const { return message_; }
  std::optional<int64_t> retry_after_seconds() const { return retry_after_seconds_; }
  const std::optional<RateLimitInfo>& rate_limit() const { return rate_limit_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string error_code_;
  std::string message_;
  std::optional<int64_t> retry_after_seconds_;
  std::optional<RateLimitInfo> rate_limit_;
};

// Holds either a value or a non-ok Status.
template <typename T>
class Result {
 public:
  Result(T value) : state_(std::move(value)) {}  // NOLINT(google-explicit-constructor)
  // A Result never holds an OK status without a value: one built from Status::Ok() holds an
  // internal error instead, so a forgotten value cannot pass for success.
  Result(Status status)  // NOLINT(google-explicit-constructor)
      : state_(status.ok() ? Status::Internal("a result was made from an OK status")
                           : std::move(status)) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  // Ok() when a value is held.
  Status status() const { return ok() ? Status::Ok() : std::get<Status>(state_); }

 private:
  std::variant<T, Status> state_;
};

}  // namespace agora

// Returns early from the enclosing function when `expr` is not ok.
#define AGORA_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::agora::Status agora_status_ = (expr);        \
    if (!agora_status_.ok()) return agora_status_; \
  } while (0)

#define AGORA_CONCAT_INNER_(a, b) a##b
#define AGORA_CONCAT_(a, b) AGORA_CONCAT_INNER_(a, b)
// `result` and `lhs` name declarations, which parentheses would break.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define AGORA_ASSIGN_OR_RETURN_IMPL_(result, lhs, rexpr) \
  auto result = (rexpr);                                 \
  if (!result.ok()) return result.status();              \
  lhs = std::move(result).value()
// NOLINTEND(bugprone-macro-parentheses)

// `AGORA_ASSIGN_OR_RETURN(auto user, users.Find(id));` declares `user` from the Result's value,
// or returns the Result's error from the enclosing function.
#define AGORA_ASSIGN_OR_RETURN(lhs, rexpr) \
  AGORA_ASSIGN_OR_RETURN_IMPL_(AGORA_CONCAT_(agora_result_, __LINE__), lhs, rexpr)
