#include "identity/scim_filter.h"

#include <gtest/gtest.h>

#include "identity/scim_user_sql.h"

namespace agora::identity {
namespace {

std::string ErrorOf(std::string_view text) {
  auto parsed = ParseFilter(text);
  if (parsed.ok()) return "";
  return parsed.status().error_code();
}

TEST(ScimFilter, ParsesAComparisonWithAttributeNamesLowerCased) {
  auto f = ParseFilter(R"(UserName EQ "Ada@Example.com")");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->kind, Filter::Kind::kCompare);
  EXPECT_EQ(f->path.attribute, "username");
  EXPECT_EQ(f->op, FilterOp::kEq);
  EXPECT_EQ(f->value.text, "Ada@Example.com");
}

TEST(ScimFilter, NotBindsTighterThanAndWhichBindsTighterThanOr) {
  auto f = ParseFilter(R"(a eq "1" or b eq "2" and not (c pr))");
  ASSERT_TRUE(f.ok()) << f.status().message();
  ASSERT_EQ(f->kind, Filter::Kind::kOr);
  EXPECT_EQ(f->operands[0].path.attribute, "a");
  ASSERT_EQ(f->operands[1].kind, Filter::Kind::kAnd);
  EXPECT_EQ(f->operands[1].operands[1].kind, Filter::Kind::kNot);
  EXPECT_EQ(f->operands[1].operands[1].operands[0].op, FilterOp::kPresent);
}

TEST(ScimFilter, ParsesValuePathsAndUrnPrefixes) {
  auto f = ParseFilter(R"(emails[type eq "work" and primary eq true].value co "@x.org")");
  ASSERT_TRUE(f.ok()) << f.status().message();
  EXPECT_EQ(f->path.attribute, "emails");
  EXPECT_EQ(f->path.sub_attribute, "value");
  ASSERT_TRUE(f->path.value_filter);
  EXPECT_EQ(f->path.value_filter->kind, Filter::Kind::kAnd);
  auto urn = ParseFilter(
      R"(urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "7")");
  ASSERT_TRUE(urn.ok()) << urn.status().message();
  EXPECT_EQ(urn->path.urn, kEnterpriseUrnLower);
  EXPECT_EQ(urn->path.attribute, "manager");
  EXPECT_EQ(urn->path.sub_attribute, "value");
}

TEST(ScimFilter, DecodesStringEscapesAndLiterals) {
  auto f = ParseFilter(R"(displayName eq "say \"hi\" \u00e9")");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->value.text, "say \"hi\" \xC3\xA9");
  auto b = ParseFilter("active eq false");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->value.kind, FilterValue::Kind::kBool);
  EXPECT_FALSE(b->value.boolean);
}

TEST(ScimFilter, RefusesBadSyntaxAsInvalidFilter) {
  for (const char* bad : {"", "userName", "userName eq", "userName eq \"a", "(a eq \"1\"",
                          "a eq \"1\" and", "a eq \"1\" b", "a[b eq \"1\"", "a ==  \"1\"",
                          "not a eq \"1\"", "a.b.c eq \"1\"", "1a eq \"x\""}) {
    EXPECT_EQ(ErrorOf(bad), "invalidFilter") << bad;
  }
  std::string deep(40, '(');
  EXPECT_EQ(ErrorOf(deep + "a pr" + std::string(40, ')')), "invalidFilter");
}

TEST(ScimFilter, PathsUseInvalidPath) {
  EXPECT_TRUE(ParsePath(R"(emails[type eq "work"].value)").ok());
  auto bad = ParsePath("emails[type eq");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().error_code(), "invalidPath");
}

TEST(ScimUserSql, BindsValuesAndNeverPastesThem) {
  auto f = ParseFilter(R"(userName eq "x' OR 1=1 --" and externalId sw "E")");
  ASSERT_TRUE(f.ok());
  auto sql = UserFilterSql(*f);
  ASSERT_TRUE(sql.ok()) << sql.status().message();
  EXPECT_EQ(sql->sql.find("OR 1=1"), std::string::npos) << sql->sql;
  ASSERT_EQ(sql->params.size(), 2u);
  EXPECT_EQ(std::get<std::string>(sql->params[0]), "x' or 1=1 --");  // caseExact: false
  EXPECT_EQ(std::get<std::string>(sql->params[1]), "E");             // caseExact: true
}

TEST(ScimUserSql, RefusesUnknownAttributesAndMismatchedTypes) {
  for (const char* bad :
       {R"(nickName eq "a")", R"(active co "t")", R"(active eq "true")",
        R"(meta.lastModified gt "tomorrow")", R"(name.middleName eq "a")",
        R"(urn:example:foo eq "a")", R"(title eq true)", R"(members[value eq "1"] pr)"}) {
    auto f = ParseFilter(bad);
    ASSERT_TRUE(f.ok()) << bad;
    auto sql = UserFilterSql(*f);
    ASSERT_FALSE(sql.ok()) << bad;
    EXPECT_EQ(sql.status().error_code(), "invalidFilter") << bad;
  }
}

TEST(ScimUserSql, DatesBecomeMilliseconds) {
  auto f = ParseFilter(R"(meta.lastModified ge "2026-01-01T00:00:00Z")");
  ASSERT_TRUE(f.ok());
  auto sql = UserFilterSql(*f);
  ASSERT_TRUE(sql.ok());
  EXPECT_EQ(std::get<int64_t>(sql->params[0]), 1767225600000);
}

}  // namespace
}  // namespace agora::identity
