#include "server/request_parsing.h"

#include <gtest/gtest.h>

#include "server/api_people.h"

namespace agora::server {
namespace {

ApiRequest WithQuery(std::vector<std::pair<std::string, std::string>> query) {
  ApiRequest request;
  request.query = std::move(query);
  return request;
}

TEST(ParseUserRef, TakesIdsAndUsernames) {
  auto by_id = ParseUserRef("42");
  ASSERT_TRUE(by_id.ok());
  EXPECT_EQ(by_id->id, 42);
  auto by_name = ParseUserRef("@ana");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(by_name->username, "ana");
  EXPECT_EQ(ParseUserRef("ana").status().error_code(), "invalid_id");
  EXPECT_EQ(ParseUserRef("@").status().error_code(), "invalid_id");
}

TEST(ParsePageRequest, DefaultsToTwenty) {
  auto page = ParsePageRequest(ApiRequest{});
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->limit, 20);
  EXPECT_FALSE(page->after_key.has_value());
}

TEST(ParsePageRequest, RefusesLimitsOutOfRange) {
  for (const char* bad : {"0", "101", "-1", "abc", "10x", ""}) {
    EXPECT_EQ(ParsePageRequest(WithQuery({{"limit", bad}})).status().error_code(), "invalid_limit")
        << bad;
  }
  EXPECT_EQ(ParsePageRequest(WithQuery({{"limit", "100"}}))->limit, 100);
}

TEST(ParsePageRequest, RefusesForeignCursors) {
  EXPECT_EQ(ParsePageRequest(WithQuery({{"cursor", "zzz"}})).status().error_code(),
            "invalid_cursor");
  EXPECT_EQ(ParsePageRequest(WithQuery({{"cursor", "77"}}))->after_key, 77);
}

TEST(ParseJsonObject, RefusesNonObjects) {
  ApiRequest request;
  request.body = "[1,2]";
  rapidjson::Document doc;
  EXPECT_EQ(ParseJsonObject(request, doc).error_code(), "invalid_json");
}

TEST(ParseProfileChanges, DistinguishesAbsentFromNullManager) {
  rapidjson::Document absent;
  absent.Parse(R"({"title":"x"})");
  EXPECT_FALSE(ParseProfileChanges(JsonFields(absent))->manager_id.has_value());
  rapidjson::Document cleared;
  cleared.Parse(R"({"manager_id":null})");
  auto changes = ParseProfileChanges(JsonFields(cleared));
  ASSERT_TRUE(changes->manager_id.has_value());
  EXPECT_FALSE(changes->manager_id->has_value());
}

TEST(ParseJsonObject, WithAllowedMembersRefusesTheOthers) {
  ApiRequest request;
  request.body = R"({"text":"hi","author_id":"1"})";
  rapidjson::Document doc;
  EXPECT_EQ(ParseJsonObject(request, doc, {"text"}).error_code(), "field_not_writable");
  EXPECT_TRUE(ParseJsonObject(request, doc, {"text", "author_id"}).ok());
  request.body = "[1]";
  EXPECT_EQ(ParseJsonObject(request, doc, {"text"}).error_code(), "invalid_json");
}

}  // namespace
}  // namespace agora::server
