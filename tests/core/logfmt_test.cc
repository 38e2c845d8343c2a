#include "core/logfmt.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

TEST(LogValue, LeavesPlainTokensBare) {
  EXPECT_EQ(LogValue("/api/v1/posts/{id}"), "/api/v1/posts/{id}");
  EXPECT_EQ(LogValue("4f1c-a9"), "4f1c-a9");
}

TEST(LogValue, QuotesEmptyTextAndSpaces) {
  EXPECT_EQ(LogValue(""), "\"\"");
  EXPECT_EQ(LogValue("no such user"), "\"no such user\"");
}

TEST(LogValue, EscapesWhatWouldEndTheValueOrTheLine) {
  // A quote inside a message used to end the value there and forge the keys after it.
  EXPECT_EQ(LogValue(R"(bad "x" level=error)"), R"("bad \"x\" level=error")");
  EXPECT_EQ(LogValue("a=b"), "\"a=b\"");
  EXPECT_EQ(LogValue("back\\slash"), R"("back\\slash")");
  EXPECT_EQ(LogValue("one\ntwo\r\tthree"), R"("one\ntwo\r\tthree")");
  EXPECT_EQ(LogValue(std::string("nul\0bell\x07", 9)), R"("nul\x00bell\x07")");
}

TEST(LogValue, KeepsUtf8AndEscapesBytesThatAreNot) {
  EXPECT_EQ(LogValue("café"), "\"café\"");
  EXPECT_EQ(LogValue("caf\xe9"), R"("caf\xe9")");
}

}  // namespace
}  // namespace agora
