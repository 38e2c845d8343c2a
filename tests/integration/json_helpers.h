// Reading fields of JSON responses (by JSON Pointer, RFC 6901) and building request bodies.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace agora::integration {

// The string at `pointer` (e.g. "/error/code"), or nullopt when absent, not a string or the
// body is not JSON.
std::optional<std::string> JsonString(const std::string& body, const char* pointer);
std::optional<int64_t> JsonInt(const std::string& body, const char* pointer);
std::optional<bool> JsonBool(const std::string& body, const char* pointer);
bool JsonHas(const std::string& body, const char* pointer);
bool JsonIsNull(const std::string& body, const char* pointer);
// The strings of the array at `pointer` (empty when absent).
std::vector<std::string> JsonStrings(const std::string& body, const char* pointer);
// The string at `member` (a pointer inside each item, "/id" by default) of every object in the
// array at `pointer`: e.g. the users of a page, or ("/results", "/post/id") of a search.
std::vector<std::string> JsonIds(const std::string& body, const char* pointer = "/items",
                                 const char* member = "/id");
// The `content` of every item's object in a stream page (`orderedItems`), in order.
std::vector<std::string> StreamTexts(const std::string& body);
// A stream page's link at `pointer` ("/next", "/prev": absolute URLs) as a request target (its
// path and query); "" when the page has none.
std::string StreamLink(const std::string& body, const char* pointer);
// The `error.code` of an error body; "" when the body is not one: valid UTF-8 JSON of exactly
// {"error": {"code": "...", "message": "..."}}, the shape of every error the server sends.
std::string ErrorCode(const std::string& body);

// An RFC 3339 time `seconds` from now, written in the local time of offset +`offset_hours`:00
// ("Z" for 0), e.g. for a guest's end date.
std::string TimeFromNow(int64_t seconds, int offset_hours = 0);

// Builds a JSON object member by member, with correct escaping; setting a member again
// replaces its value.
class JsonBody {
 public:
  JsonBody& Set(const std::string& name, const std::string& value);
  JsonBody& Set(const std::string& name, const char* value);
  JsonBody& SetInt(const std::string& name, int64_t value);
  JsonBody& SetBool(const std::string& name, bool value);
  JsonBody& Set(const std::string& name, const std::vector<std::string>& values);
  JsonBody& SetNull(const std::string& name);
  // A member whose value is given as JSON text, e.g. SetRaw("skills", "\"not a list\"").
  JsonBody& SetRaw(const std::string& name, std::string json);
  bool Has(const std::string& name) const;
  std::string str() const;

 private:
  std::vector<std::pair<std::string, std::string>> members_;  // name, value as JSON text
};

}  // namespace agora::integration
