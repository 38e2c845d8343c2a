#include "core/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <cmath>

#include "core/id.h"
#include "core/text.h"

namespace agora {
namespace {

// Forwards SAX events to a Document while refusing nesting deeper than the limit and strings
// that are not UTF-8.
template <typename Handler>
class DepthLimitedHandler {
 public:
  DepthLimitedHandler(Handler& next, int max_depth) : next_(next), max_depth_(max_depth) {}

  bool Null() { return next_.Null(); }
  bool Bool(bool b) { return next_.Bool(b); }
  bool Int(int i) { return next_.Int(i); }
  bool Uint(unsigned u) { return next_.Uint(u); }
  bool Int64(int64_t i) { return next_.Int64(i); }
  bool Uint64(uint64_t u) { return next_.Uint64(u); }
  // RapidJSON refuses "1e400" but reads 300 digits followed by "e10" as infinity, which no
  // writer can put back: a number must be finite.
  bool Double(double d) {
    if (std::isfinite(d)) return next_.Double(d);
    out_of_range_ = true;
    return false;
  }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool copy) {
    return next_.RawNumber(s, n, copy);
  }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return Utf8(s, n) && next_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return Utf8(s, n) && next_.Key(s, n, copy);
  }
  bool StartObject() { return Enter() && next_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return next_.EndObject(n);
  }
  bool StartArray() { return Enter() && next_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return next_.EndArray(n);
  }

  bool too_deep() const { return too_deep_; }
  bool invalid_utf8() const { return invalid_utf8_; }
  bool out_of_range() const { return out_of_range_; }

 private:
  bool Enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  // RapidJSON 1.1 validates the bytes of a string but not its escapes: "\udc00", a lone low
  // surrogate, decodes to bytes that are not UTF-8.
  bool Utf8(const char* s, rapidjson::SizeType n) {
    if (IsValidUtf8(std::string_view(s, n))) return true;
    invalid_utf8_ = true;
    return false;
  }

  Handler& next_;
  const int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
  bool invalid_utf8_ = false;
  bool out_of_range_ = false;
};

constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;

Status WrongType(const char* name, const char* expected) {
  return Status::Unprocessable("invalid_field",
                               std::string("field '") + name + "' must be " + expected);
}

}  // namespace

Status ParseJson(std::string_view text, rapidjson::Document& out, const JsonLimits& limits) {
  if (text.size() > limits.max_bytes) {
    return {StatusCode::kPayloadTooLarge, "payload_too_large", "JSON body is too large"};
  }
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::ParseResult result;
  bool too_deep = false;
  bool invalid_utf8 = false;
  bool out_of_range = false;
  auto generate = [&](rapidjson::Document& doc) {
    DepthLimitedHandler<rapidjson::Document> handler(doc, limits.max_depth);
    rapidjson::Reader reader;
    result = reader.Parse<kParseFlags>(stream, handler);
    too_deep = handler.too_deep();
    invalid_utf8 = handler.invalid_utf8();
    out_of_range = handler.out_of_range();
    return !result.IsError();
  };
  out.Populate(generate);
  if (too_deep) {
    return Status::InvalidArgument(
        "json_too_deep", "JSON nesting exceeds " + std::to_string(limits.max_depth) + " levels");
  }
  if (result.IsError()) {
    if (invalid_utf8 || result.Code() == rapidjson::kParseErrorStringInvalidEncoding) {
      return Status::InvalidArgument("invalid_utf8", "request body is not valid UTF-8");
    }
    if (out_of_range) {
      return Status::InvalidArgument("invalid_json", "malformed JSON at offset " +
                                                         std::to_string(result.Offset()) +
                                                         ": number too big to be stored in double");
    }
    return Status::InvalidArgument("invalid_json", std::string("malformed JSON at offset ") +
                                                       std::to_string(result.Offset()) + ": " +
                                                       rapidjson::GetParseError_En(result.Code()));
  }
  // RapidJSON reads a NUL byte as the end of the text: what follows one was never looked at.
  if (stream.Tell() != text.size()) {
    return Status::InvalidArgument("invalid_json", "malformed JSON at offset " +
                                                       std::to_string(stream.Tell()) +
                                                       ": bytes after the JSON value");
  }
  return Status::Ok();
}

bool JsonFields::has(const char* name) const { return object_.HasMember(name); }

bool JsonFields::is_null(const char* name) const {
  auto it = object_.FindMember(name);
  return it != object_.MemberEnd() && it->value.IsNull();
}

Result<std::optional<std::string>> JsonFields::optional_string(const char* name) const {
  auto it = object_.FindMember(name);
  if (it == object_.MemberEnd() || it->value.IsNull()) return std::optional<std::string>();
  if (!it->value.IsString()) return WrongType(name, "a string");
  return std::optional<std::string>(
      std::string(it->value.GetString(), it->value.GetStringLength()));
}

Result<std::string> JsonFields::required_string(const char* name) const {
  auto value = optional_string(name);
  if (!value.ok()) return value.status();
  if (!value->has_value()) {
    return Status::Unprocessable("missing_field", std::string("field '") + name + "' is required");
  }
  return std::move(**value);
}

Result<std::optional<std::vector<std::string>>> JsonFields::optional_string_array(
    const char* name) const {
  using Out = std::optional<std::vector<std::string>>;
  auto it = object_.FindMember(name);
  if (it == object_.MemberEnd() || it->value.IsNull()) return Out();
  if (!it->value.IsArray()) return WrongType(name, "an array of strings");
  std::vector<std::string> items;
  items.reserve(it->value.Size());
  for (const auto& item : it->value.GetArray()) {
    if (!item.IsString()) return WrongType(name, "an array of strings");
    items.emplace_back(item.GetString(), item.GetStringLength());
  }
  return Out(std::move(items));
}

Result<std::optional<bool>> JsonFields::optional_bool(const char* name) const {
  auto it = object_.FindMember(name);
  if (it == object_.MemberEnd() || it->value.IsNull()) return std::optional<bool>();
  if (!it->value.IsBool()) return WrongType(name, "true or false");
  return std::optional<bool>(it->value.GetBool());
}

Result<double> JsonFields::required_number(const char* name) const {
  auto it = object_.FindMember(name);
  if (it == object_.MemberEnd() || it->value.IsNull()) {
    return Status::Unprocessable("missing_field", std::string("field '") + name + "' is required");
  }
  if (!it->value.IsNumber()) return WrongType(name, "a number");
  return it->value.GetDouble();
}

Result<std::optional<std::string>> JsonFields::optional_decimal(const char* name) const {
  auto it = object_.FindMember(name);
  if (it == object_.MemberEnd() || it->value.IsNull()) return std::optional<std::string>();
  if (it->value.IsString()) {
    return std::optional<std::string>(
        std::string(it->value.GetString(), it->value.GetStringLength()));
  }
  if (it->value.IsInt64()) return std::optional<std::string>(std::to_string(it->value.GetInt64()));
  if (!it->value.IsNumber()) return WrongType(name, "a number or a decimal string");
  char text[32];
  auto [end, ec] =
      std::to_chars(text, text + sizeof text, it->value.GetDouble(), std::chars_format::fixed);
  if (ec != std::errc()) return WrongType(name, "a number of at most 15 digits");
  return std::optional<std::string>(std::string(text, end));
}

Result<std::optional<const rapidjson::Value*>> JsonFields::optional_object(const char* name) const {
  using Out = std::optional<const rapidjson::Value*>;
  auto it = object_.FindMember(name);
  if (it == object_.MemberEnd() || it->value.IsNull()) return Out();
  if (!it->value.IsObject()) return WrongType(name, "an object");
  return Out(&it->value);
}

Result<std::optional<int64_t>> JsonFields::optional_id(const char* name) const {
  auto it = object_.FindMember(name);
  if (it == object_.MemberEnd() || it->value.IsNull()) return std::optional<int64_t>();
  if (!it->value.IsString()) return WrongType(name, "an id as a decimal string");
  auto id = ParseId(std::string_view(it->value.GetString(), it->value.GetStringLength()));
  if (!id) return WrongType(name, "an id as a decimal string");
  return std::optional<int64_t>(*id);
}

std::optional<std::string> JsonFields::first_unknown(
    const std::vector<std::string_view>& allowed) const {
  for (const auto& member : object_.GetObject()) {
    std::string_view key(member.name.GetString(), member.name.GetStringLength());
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) return std::string(key);
  }
  return std::nullopt;
}

}  // namespace agora
