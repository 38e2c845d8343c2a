#include "core/text.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

TEST(IsValidUtf8, AcceptsAsciiAndMultibyteText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("négocié à Montréal"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
}

TEST(IsValidUtf8, RefusesMalformedSequences) {
  EXPECT_FALSE(IsValidUtf8("\xC3"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("a\x80z"));  // stray continuation byte
}

TEST(Utf8Length, CountsCodePointsNotBytes) {
  EXPECT_EQ(Utf8Length("abc"), 3u);
  EXPECT_EQ(Utf8Length("été"), 3u);
  EXPECT_EQ(Utf8Length("\xF0\x9F\x98\x80!"), 2u);
}

TEST(ReplaceInvalidUtf8, KeepsWellFormedTextAndReplacesEachBadByte) {
  EXPECT_EQ(ReplaceInvalidUtf8("été \xF0\x9F\x98\x80"), "été \xF0\x9F\x98\x80");
  EXPECT_EQ(ReplaceInvalidUtf8("a\xFF\xFEz"), "a\uFFFD\uFFFDz");
  EXPECT_EQ(ReplaceInvalidUtf8("\xC3\x28"), "\uFFFD(");       // a lead byte without its follower
  EXPECT_EQ(ReplaceInvalidUtf8("\xE2\x82"), "\uFFFD\uFFFD");  // cut short at the end
  EXPECT_TRUE(IsValidUtf8(ReplaceInvalidUtf8("\xED\xA0\x80\xC0\x80")));  // surrogate, overlong
}

TEST(HasForbiddenControl, AllowsWhitespaceButNotOtherControls) {
  EXPECT_FALSE(HasForbiddenControl("line one\nline two\ttabbed\r"));
  EXPECT_TRUE(HasForbiddenControl(std::string_view("nul\0byte", 8)));
  EXPECT_TRUE(HasForbiddenControl("bell\x07"));
  EXPECT_TRUE(HasForbiddenControl("del\x7F"));
}

}  // namespace
}  // namespace agora
