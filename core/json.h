// JSON in and out, over RapidJSON, with the limits every request body must meet.
//
// Only server/, oidc/ and app/ include this header: domain folders stay free of RapidJSON.
// Parsing is thread-safe; a Document is owned by its caller.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace agora {

struct JsonLimits {
  size_t max_bytes = 1 << 20;  // 1 MiB, the request body limit
  int max_depth = 32;          // nesting of objects and arrays
};

// Parses `text` into `out`. Fails with kInvalidArgument and code "invalid_json",
// "invalid_utf8" or "json_too_deep", or kPayloadTooLarge for oversized text.
Status ParseJson(std::string_view text, rapidjson::Document& out, const JsonLimits& limits = {});

// Typed access to the members of a request object, with validation messages that name the
// field. Every accessor returns kUnprocessable on a wrong type.
class JsonFields {
 public:
  // `object` must outlive this reader.
  explicit JsonFields(const rapidjson::Value& object) : object_(object) {}

  bool has(const char* name) const;
  // Absent and null both give nullopt.
  Result<std::optional<std::string>> optional_string(const char* name) const;
  Result<std::string> required_string(const char* name) const;
  Result<std::optional<std::vector<std::string>>> optional_string_array(const char* name) const;
  Result<std::optional<bool>> optional_bool(const char* name) const;
  Result<double> required_number(const char* name) const;
  // A decimal given as a JSON number or a string, as its text ("1234.5"): exact amounts are
  // parsed from the text, never from a double. A number's text is the shortest that reads
  // back to the same double, which is what was typed for up to 15 significant digits.
  Result<std::optional<std::string>> optional_decimal(const char* name) const;
  // A nested object, borrowed from the document.
  Result<std::optional<const rapidjson::Value*>> optional_object(const char* name) const;
  // Ids travel as decimal strings; numbers are refused so JavaScript clients keep them exact.
  Result<std::optional<int64_t>> optional_id(const char* name) const;
  // Whether `name` is present with an explicit null.
  bool is_null(const char* name) const;
  // The first member whose name is not in `allowed`, if any.
  std::optional<std::string> first_unknown(const std::vector<std::string_view>& allowed) const;

 private:
  const rapidjson::Value& object_;
};

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

inline void WriteString(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

}  // namespace agora
