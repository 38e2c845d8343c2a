#include "tests/integration/json_helpers.h"

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>
#include <ctime>

namespace agora::integration {

std::string TimeFromNow(int64_t seconds, int offset_hours) {
  std::time_t at = std::time(nullptr) + seconds + offset_hours * 3600;
  std::tm utc{};
  gmtime_r(&at, &utc);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  if (offset_hours == 0) return std::string(text) + "Z";
  char zone[8];
  std::snprintf(zone, sizeof zone, "%+03d:00", offset_hours);
  return text + std::string(zone);
}
namespace {

// The value at `pointer` inside `document`, or nullptr.
const rapidjson::Value* Find(const rapidjson::Document& document, const char* pointer) {
  if (document.HasParseError()) return nullptr;
  return rapidjson::Pointer(pointer).Get(document);
}

rapidjson::Document Parse(const std::string& body) {
  rapidjson::Document document;
  document.Parse(body.c_str(), body.size());
  return document;
}

}  // namespace

std::optional<std::string> JsonString(const std::string& body, const char* pointer) {
  rapidjson::Document document = Parse(body);
  const rapidjson::Value* value = Find(document, pointer);
  if (!value || !value->IsString()) return std::nullopt;
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<int64_t> JsonInt(const std::string& body, const char* pointer) {
  rapidjson::Document document = Parse(body);
  const rapidjson::Value* value = Find(document, pointer);
  if (!value || !value->IsInt64()) return std::nullopt;
  return value->GetInt64();
}

std::optional<bool> JsonBool(const std::string& body, const char* pointer) {
  rapidjson::Document document = Parse(body);
  const rapidjson::Value* value = Find(document, pointer);
  if (!value || !value->IsBool()) return std::nullopt;
  return value->GetBool();
}

bool JsonHas(const std::string& body, const char* pointer) {
  rapidjson::Document document = Parse(body);
  return Find(document, pointer) != nullptr;
}

bool JsonIsNull(const std::string& body, const char* pointer) {
  rapidjson::Document document = Parse(body);
  const rapidjson::Value* value = Find(document, pointer);
  return value && value->IsNull();
}

std::vector<std::string> JsonStrings(const std::string& body, const char* pointer) {
  rapidjson::Document document = Parse(body);
  const rapidjson::Value* value = Find(document, pointer);
  std::vector<std::string> out;
  if (!value || !value->IsArray()) return out;
  for (const auto& item : value->GetArray()) {
    if (item.IsString()) out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

std::vector<std::string> JsonIds(const std::string& body, const char* pointer, const char* member) {
  rapidjson::Document document = Parse(body);
  const rapidjson::Value* value = Find(document, pointer);
  std::vector<std::string> out;
  if (!value || !value->IsArray()) return out;
  rapidjson::Pointer in_item(member);
  for (const auto& item : value->GetArray()) {
    const rapidjson::Value* id = in_item.Get(item);
    if (id && id->IsString()) out.emplace_back(id->GetString(), id->GetStringLength());
  }
  return out;
}

std::string ErrorCode(const std::string& body) {
  // Strict: valid UTF-8 JSON of exactly {"error":{"code":<string>,"message":<string>}}.
  rapidjson::Document document;
  document.Parse<rapidjson::kParseValidateEncodingFlag>(body.c_str(), body.size());
  if (document.HasParseError() || !document.IsObject() || document.MemberCount() != 1 ||
      !document.HasMember("error")) {
    return "";
  }
  const rapidjson::Value& error = document["error"];
  if (!error.IsObject() || error.MemberCount() != 2 || !error.HasMember("code") ||
      !error["code"].IsString() || !error.HasMember("message") || !error["message"].IsString()) {
    return "";
  }
  return std::string(error["code"].GetString(), error["code"].GetStringLength());
}

JsonBody& JsonBody::Set(const std::string& name, const std::string& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  return SetRaw(name, buffer.GetString());
}

JsonBody& JsonBody::Set(const std::string& name, const char* value) {
  return Set(name, std::string(value));
}

JsonBody& JsonBody::SetInt(const std::string& name, int64_t value) {
  return SetRaw(name, std::to_string(value));
}

JsonBody& JsonBody::SetBool(const std::string& name, bool value) {
  return SetRaw(name, value ? "true" : "false");
}

JsonBody& JsonBody::Set(const std::string& name, const std::vector<std::string>& values) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartArray();
  for (const auto& value : values) {
    writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  writer.EndArray();
  return SetRaw(name, buffer.GetString());
}

JsonBody& JsonBody::SetNull(const std::string& name) { return SetRaw(name, "null"); }

JsonBody& JsonBody::SetRaw(const std::string& name, std::string json) {
  for (auto& member : members_) {
    if (member.first == name) {
      member.second = std::move(json);
      return *this;
    }
  }
  members_.emplace_back(name, std::move(json));
  return *this;
}

bool JsonBody::Has(const std::string& name) const {
  for (const auto& member : members_) {
    if (member.first == name) return true;
  }
  return false;
}

std::string JsonBody::str() const {
  std::string out = "{";
  for (const auto& [name, value] : members_) {
    if (out.size() > 1) out += ",";
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
    writer.String(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    out += buffer.GetString();
    out += ":";
    out += value;
  }
  return out + "}";
}

std::vector<std::string> StreamTexts(const std::string& body) {
  rapidjson::Document doc;
  doc.Parse(body.c_str());
  std::vector<std::string> texts;
  if (!doc.IsObject() || !doc.HasMember("orderedItems")) return texts;
  for (const auto& item : doc["orderedItems"].GetArray()) {
    texts.emplace_back(item["object"]["source"]["content"].GetString());
  }
  return texts;
}

std::string StreamLink(const std::string& body, const char* pointer) {
  std::string url = JsonString(body, pointer).value_or("");
  size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  size_t path = url.find('/', scheme + 3);
  return path == std::string::npos ? "/" : url.substr(path);
}

}  // namespace agora::integration
