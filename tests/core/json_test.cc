#include "core/json.h"

#include <gtest/gtest.h>

#include <string>

namespace agora {
namespace {

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(ParseJson, ParsesAnObject) {
  rapidjson::Document doc;
  ASSERT_TRUE(ParseJson(R"({"a": [1, 2], "b": "é"})", doc).ok());
  EXPECT_EQ(doc["a"].Size(), 2u);
  EXPECT_STREQ(doc["b"].GetString(), "é");
}

TEST(ParseJson, AcceptsNestingAtTheLimit) {
  rapidjson::Document doc;
  EXPECT_TRUE(ParseJson(Nested(32), doc).ok());
}

TEST(ParseJson, RefusesNestingPastTheLimit) {
  rapidjson::Document doc;
  Status s = ParseJson(Nested(33), doc);
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.error_code(), "json_too_deep");
}

TEST(ParseJson, RefusesDeepNestingWithoutExhaustingTheStack) {
  rapidjson::Document doc;
  EXPECT_EQ(ParseJson(Nested(200000), doc).error_code(), "json_too_deep");
}

TEST(ParseJson, RefusesInvalidUtf8InStrings) {
  rapidjson::Document doc;
  Status s = ParseJson("{\"name\": \"caf\xC3\"}", doc);
  EXPECT_EQ(s.error_code(), "invalid_utf8");
}

TEST(ParseJson, RefusesAnEscapedLoneSurrogate) {
  // Found by json_fuzz: RapidJSON decoded "\ude00" to bytes that are not UTF-8, which then
  // reached the store past the encoding check.
  rapidjson::Document doc;
  EXPECT_EQ(ParseJson(R"({"s": "\u00e9\ude00"})", doc).error_code(), "invalid_utf8");
  EXPECT_EQ(ParseJson(R"({"\udfff": 1})", doc).error_code(), "invalid_utf8");
  EXPECT_TRUE(ParseJson(R"({"s": "\ud83d\ude00"})", doc).ok());  // a pair is one emoji
}

TEST(ParseJson, RefusesANumberThatOverflowsToInfinity) {
  // Found by json_fuzz: "1e400" was refused, but many digits before a smaller exponent read as
  // infinity, which the writer cannot put back.
  rapidjson::Document doc;
  Status s = ParseJson("{\"n\": " + std::string(112, '6') + "64e202}", doc);
  EXPECT_EQ(s.error_code(), "invalid_json");
  EXPECT_NE(s.message().find("too big"), std::string::npos) << s.message();
  EXPECT_EQ(ParseJson("[-" + std::string(300, '9') + "e10]", doc).error_code(), "invalid_json");
  EXPECT_TRUE(ParseJson(std::string(300, '6'), doc).ok());  // 6.7e299 is finite
}

TEST(ParseJson, RefusesMalformedJsonWithItsOffset) {
  rapidjson::Document doc;
  Status s = ParseJson(R"({"a": })", doc);
  EXPECT_EQ(s.error_code(), "invalid_json");
  EXPECT_NE(s.message().find("offset"), std::string::npos);
}

TEST(ParseJson, RefusesEmptyAndTrailingGarbage) {
  rapidjson::Document doc;
  EXPECT_EQ(ParseJson("", doc).error_code(), "invalid_json");
  EXPECT_EQ(ParseJson("{} {}", doc).error_code(), "invalid_json");
}

TEST(ParseJson, RefusesBytesAfterANulThatEndsTheValue) {
  // RapidJSON takes a NUL for the end of its input; the bytes after it must still count.
  rapidjson::Document doc;
  Status s = ParseJson(std::string_view("{\"a\": 1}\0garbage", 16), doc);
  EXPECT_EQ(s.error_code(), "invalid_json");
  EXPECT_NE(s.message().find("offset 8"), std::string::npos) << s.message();
  EXPECT_EQ(ParseJson(std::string_view("{}\0", 3), doc).error_code(), "invalid_json");
}

TEST(ParseJson, AcceptsWhitespaceAfterTheValue) {
  rapidjson::Document doc;
  EXPECT_TRUE(ParseJson("{\"a\": 1} \r\n\t", doc).ok());
}

TEST(ParseJson, RefusesTextOverTheSizeLimit) {
  rapidjson::Document doc;
  JsonLimits limits;
  limits.max_bytes = 10;
  EXPECT_EQ(ParseJson(R"({"a":"0123456789"})", doc, limits).code(), StatusCode::kPayloadTooLarge);
}

TEST(JsonFields, ReadsTypedMembersAndNamesTheWrongOne) {
  rapidjson::Document doc;
  ASSERT_TRUE(
      ParseJson(R"({"name":"x","tags":["a","b"],"flag":true,"id":"42","bad":7})", doc).ok());
  JsonFields fields(doc);
  EXPECT_EQ(*fields.required_string("name"), "x");
  EXPECT_EQ(fields.optional_string_array("tags")->value().size(), 2u);
  EXPECT_EQ(fields.optional_bool("flag")->value(), true);
  EXPECT_EQ(fields.optional_id("id")->value(), 42);
  Status wrong = fields.optional_string("bad").status();
  EXPECT_EQ(wrong.code(), StatusCode::kUnprocessable);
  EXPECT_NE(wrong.message().find("'bad'"), std::string::npos);
  EXPECT_EQ(fields.required_string("missing").status().error_code(), "missing_field");
}

TEST(JsonFields, RefusesNumericIdsSoJavaScriptKeepsThemExact) {
  rapidjson::Document doc;
  ASSERT_TRUE(ParseJson(R"({"id": 382784201830694912})", doc).ok());
  EXPECT_FALSE(JsonFields(doc).optional_id("id").ok());
}

TEST(JsonFields, FindsTheFirstUnknownMember) {
  rapidjson::Document doc;
  ASSERT_TRUE(ParseJson(R"({"bio":"x","role":"admin"})", doc).ok());
  EXPECT_EQ(JsonFields(doc).first_unknown({"bio", "title"}), "role");
  EXPECT_EQ(JsonFields(doc).first_unknown({"bio", "role"}), std::nullopt);
}

TEST(JsonFields, ReadsDecimalsAsTheTextThatWasTyped) {
  rapidjson::Document doc;
  ASSERT_TRUE(
      ParseJson(R"({"a": 1234.56, "b": "0.1", "c": 42, "d": 0.1, "e": true, "f": 1e300})", doc)
          .ok());
  JsonFields fields(doc);
  EXPECT_EQ(*fields.optional_decimal("a"), "1234.56");
  EXPECT_EQ(*fields.optional_decimal("b"), "0.1");
  EXPECT_EQ(*fields.optional_decimal("c"), "42");
  EXPECT_EQ(*fields.optional_decimal("d"), "0.1");
  EXPECT_EQ(*fields.optional_decimal("missing"), std::nullopt);
  EXPECT_FALSE(fields.optional_decimal("e").ok());
  EXPECT_FALSE(fields.optional_decimal("f").ok());
}

}  // namespace
}  // namespace agora
