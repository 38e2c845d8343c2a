#include "server/deal_codec.h"

#include <gtest/gtest.h>

namespace agora::server {
namespace {

TEST(DealImportParsing, CsvQuotesCommasAndLineBreaksKeepRecordLines) {
  auto rows = ParseDealImport(ImportFormat::kCsv,
                              "\xEF\xBB\xBF"
                              "external_id,customer,amount,team\r\n"
                              "A-1,\"Martin, Fils\",12.5,ana:0.6;12:0.4\r\n"
                              "\n"
                              "A-2,\"two\nlines \"\"quoted\"\"\",7,\n"
                              "A-3,too,many,cells,here\n");
  ASSERT_TRUE(rows.ok()) << rows.status().message();
  ASSERT_EQ(rows->size(), 3u);
  const auto& first = (*rows)[0];
  EXPECT_EQ(first.line, 2);
  ASSERT_TRUE(first.parse_error.ok());
  EXPECT_EQ(first.input.customer, "Martin, Fils");
  EXPECT_EQ(first.input.amount, "12.5");
  ASSERT_TRUE(first.input.team);
  ASSERT_EQ(first.input.team->size(), 2u);
  EXPECT_EQ((*first.input.team)[0].user.username, "ana");
  EXPECT_EQ((*first.input.team)[1].user.id, 12);
  EXPECT_EQ((*first.input.team)[1].share, "0.4");
  EXPECT_FALSE(first.input.owner);
  const auto& second = (*rows)[1];
  EXPECT_EQ(second.line, 4);
  EXPECT_EQ(second.input.customer, "two\nlines \"quoted\"");
  EXPECT_FALSE(second.input.team);
  EXPECT_EQ((*rows)[2].line, 6);
  EXPECT_EQ((*rows)[2].parse_error.error_code(), "invalid_row");
}

TEST(DealImportParsing, CsvRefusesAnUnknownColumnOrAnUnclosedQuote) {
  EXPECT_EQ(ParseDealImport(ImportFormat::kCsv, "customer,colour\n").status().error_code(),
            "invalid_csv");
  EXPECT_EQ(ParseDealImport(ImportFormat::kCsv, "customer\n\"open\n").status().error_code(),
            "invalid_csv");
  EXPECT_EQ(ParseDealImport(ImportFormat::kCsv, "").status().error_code(), "invalid_csv");
}

TEST(DealImportParsing, JsonLinesReadsEachLineAlone) {
  auto rows = ParseDealImport(ImportFormat::kJsonLines,
                              "{\"amount\": 0.1, \"owner_id\": \"7\", \"closed_on\": null}\n"
                              "\n"
                              "[1]\n"
                              "{\"colour\": \"red\"}\n");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ((*rows)[0].input.amount, "0.1");
  EXPECT_EQ((*rows)[0].input.owner->id, 7);
  ASSERT_TRUE((*rows)[0].input.closed_on);
  EXPECT_FALSE(*(*rows)[0].input.closed_on);  // null clears it
  EXPECT_EQ((*rows)[1].line, 3);
  EXPECT_EQ((*rows)[1].parse_error.error_code(), "invalid_json");
  EXPECT_EQ((*rows)[2].parse_error.error_code(), "field_not_writable");
}

TEST(DealImportParsing, FormatFollowsTheContentType) {
  EXPECT_EQ(*ImportFormatOf("text/csv; charset=utf-8"), ImportFormat::kCsv);
  EXPECT_EQ(*ImportFormatOf("application/x-ndjson"), ImportFormat::kJsonLines);
  EXPECT_EQ(*ImportFormatOf("application/jsonl"), ImportFormat::kJsonLines);
  EXPECT_FALSE(ImportFormatOf("application/json").ok());
}

}  // namespace
}  // namespace agora::server
