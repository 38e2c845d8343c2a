// Request bodies as the server reads them (core/json.h): ParseJson within its limits, then every
// typed accessor on every member. What parses must write back as JSON that parses again (numbers
// may come back a unit off in the last place: RapidJSON's parser is not full precision, and its
// full-precision path has undefined behaviour on "-0e212").
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  rapidjson::Document doc;
  if (!agora::ParseJson(text, doc).ok()) return 0;
  if (doc.IsObject()) {
    agora::JsonFields fields(doc);
    for (const auto& member : doc.GetObject()) {
      std::string name(member.name.GetString(), member.name.GetStringLength());
      const char* key = name.c_str();
      (void)fields.optional_string(key);
      (void)fields.optional_string_array(key);
      (void)fields.optional_bool(key);
      (void)fields.required_number(key);
      (void)fields.optional_decimal(key);
      (void)fields.optional_object(key);
      (void)fields.optional_id(key);
      (void)fields.is_null(key);
    }
    (void)fields.first_unknown({"text", "name"});
  }
  rapidjson::StringBuffer buffer;
  agora::JsonWriter writer(buffer);
  doc.Accept(writer);
  rapidjson::Document again;
  if (!agora::ParseJson(std::string_view(buffer.GetString(), buffer.GetSize()), again).ok()) {
    std::fprintf(stderr, "json_fuzz: written JSON does not parse\n");
    std::abort();
  }
  return 0;
}
