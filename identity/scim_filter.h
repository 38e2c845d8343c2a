// SCIM filters (RFC 7644 §3.4.2.2): the parsed form of `filter=` and of the value filters in
// PATCH paths (`emails[type eq "work"].value`).
//
// Pure and thread-safe. Attribute names are kept as sent; what they mean is the business of
// whoever evaluates the filter (SQL for a list of users, a JSON value for PATCH).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace agora::identity {

// A compared value: a JSON string, number, boolean or null.
struct FilterValue {
  enum class Kind { kString, kNumber, kBool, kNull };
  Kind kind = Kind::kNull;
  std::string text;  // the string, or the number as written
  bool boolean = false;
};

enum class FilterOp { kEq, kNe, kCo, kSw, kEw, kGt, kGe, kLt, kLe, kPresent };

struct Filter;

// `[urn:...:]attr[.sub]`, or `attr[filter][.sub]` (a value path).
struct AttributePath {
  std::string urn;            // the schema URN when the path was prefixed with one, lower-case
  std::string attribute;      // lower-case
  std::string sub_attribute;  // lower-case; empty when none
  std::shared_ptr<const Filter> value_filter;  // the [...] part; null when none
};

struct Filter {
  enum class Kind { kCompare, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  // kCompare (kPresent included): the attribute, the operator and, unless kPresent, the value.
  AttributePath path;
  FilterOp op = FilterOp::kEq;
  FilterValue value;
  // kAnd, kOr: two operands; kNot: one.
  std::vector<Filter> operands;
};

// Limits on what a client may send, so a filter cannot exhaust the stack or the SQL parser.
struct FilterLimits {
  static constexpr size_t kMaxLength = 4096;
  static constexpr int kMaxDepth = 20;
};

// Parses a whole filter; kInvalidArgument with error code "invalidFilter" and a message
// that says where it went wrong.
Result<Filter> ParseFilter(std::string_view text);

// `have op want` for one string attribute, as the caller already cased them (kPresent: `have`
// is not empty), for filters evaluated in memory rather than in SQL.
bool CompareText(FilterOp op, std::string_view have, std::string_view want);

// Parses a PATCH `path` (RFC 7644 §3.5.2: attrPath or valuePath, optionally followed by
// `.subAttr`); kInvalidArgument "invalidPath".
Result<AttributePath> ParsePath(std::string_view text);

// The enterprise extension's URN, lower-case (attribute names compare without case).
inline constexpr std::string_view kEnterpriseUrnLower =
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:user";
inline constexpr std::string_view kUserUrnLower = "urn:ietf:params:scim:schemas:core:2.0:user";

}  // namespace agora::identity
