#include "core/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace agora {
namespace {

using ::testing::ElementsAre;

std::vector<CsvRecord> ReadAll(std::string_view text) {
  CsvReader reader(text);
  std::vector<CsvRecord> out;
  for (;;) {
    auto next = reader.Next();
    EXPECT_TRUE(next.ok()) << next.status().message();
    if (!next.ok() || !*next) return out;
    out.push_back(std::move(**next));
  }
}

TEST(CsvReader, SplitsPlainRecordsAndNumbersTheirLines) {
  auto records = ReadAll("a,b,c\n1,2,3\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "b", "c"));
  EXPECT_THAT(records[1].fields, ElementsAre("1", "2", "3"));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_TRUE(records[1].error.ok());
}

TEST(CsvReader, QuotedFieldsHoldCommasDoubledQuotesAndLineBreaks) {
  auto records = ReadAll("name,note\n\"Doe, Jane\",\"said \"\"hi\"\"\nthen left\"\nnext,row\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[1].fields, ElementsAre("Doe, Jane", "said \"hi\"\nthen left"));
  EXPECT_EQ(records[1].line, 2);
  EXPECT_EQ(records[2].line, 4);  // the line break inside the quotes counts
}

TEST(CsvReader, SkipsTheByteOrderMarkAndReadsCrlf) {
  auto records = ReadAll("\xEF\xBB\xBFid,name\r\n7,\"Zoé\"\r\n8,Ana");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_THAT(records[0].fields, ElementsAre("id", "name"));
  EXPECT_THAT(records[1].fields, ElementsAre("7", "Zoé"));
  EXPECT_THAT(records[2].fields, ElementsAre("8", "Ana"));  // no final line break
  EXPECT_EQ(records[2].line, 3);
}

TEST(CsvReader, KeepsEmptyFieldsAndSkipsBlankLines) {
  auto records = ReadAll("a,,c,\n\n\r\n,x\n");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_THAT(records[0].fields, ElementsAre("a", "", "c", ""));
  EXPECT_THAT(records[1].fields, ElementsAre("", "x"));
  EXPECT_EQ(records[1].line, 4);
}

TEST(CsvReader, RaggedRecordsKeepTheirOwnFieldCount) {
  auto records = ReadAll("a,b,c\n1\n1,2,3,4\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields.size(), 1u);
  EXPECT_EQ(records[2].fields.size(), 4u);
}

TEST(CsvReader, FlagsARecordWithBadUtf8AndReadsTheNextOne) {
  auto records = ReadAll("ok,1\nbad\xC3,2\nfine,3\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].error.error_code(), "invalid_utf8");
  EXPECT_EQ(records[1].line, 2);
  EXPECT_TRUE(records[2].error.ok());
}

TEST(CsvReader, FlagsAStrayQuoteButKeepsReading) {
  auto records = ReadAll("a\"b,c\n\"x\"y,z\nfine,1\n");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].error.error_code(), "invalid_csv");
  EXPECT_EQ(records[1].error.error_code(), "invalid_csv");
  EXPECT_TRUE(records[2].error.ok());
}

TEST(CsvReader, AnUnclosedQuoteStopsTheFileWithItsLine) {
  CsvReader reader("a,b\n1,\"never closed\n2,3\n");
  ASSERT_TRUE(reader.Next().ok());
  auto bad = reader.Next();
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().error_code(), "invalid_csv");
  EXPECT_NE(bad.status().message().find("line 2"), std::string::npos);
}

TEST(CsvReader, AnEmptyTextHasNoRecords) {
  EXPECT_TRUE(ReadAll("").empty());
  EXPECT_TRUE(ReadAll("\xEF\xBB\xBF").empty());
}

}  // namespace
}  // namespace agora
