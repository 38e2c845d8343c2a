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

TEST(IsBlankText, TreatsUnicodeSpacesAndInvisibleCharactersAsBlank) {
  EXPECT_TRUE(IsBlankText(""));
  EXPECT_TRUE(IsBlankText(" \t\r\n"));
  EXPECT_TRUE(IsBlankText("\xC2\xA0\xC2\xA0"));                      // U+00A0 no-break space
  EXPECT_TRUE(IsBlankText("\xE2\x80\x8B\xE2\x80\x8C\xE2\x80\x8D"));  // U+200B..U+200D zero-width
  EXPECT_TRUE(IsBlankText("\xEF\xBB\xBF\xE2\x81\xA0"));              // U+FEFF, U+2060 word joiner
  EXPECT_TRUE(IsBlankText("\xE3\x80\x80\xE2\x80\xAF"));              // U+3000, U+202F
  EXPECT_TRUE(IsBlankText("\xE3\x85\xA4"));                          // U+3164 Hangul filler
}

TEST(IsBlankText, KeepsTextThatShowsSomething) {
  EXPECT_FALSE(IsBlankText("a"));
  EXPECT_FALSE(
      IsBlankText("\xE2\x80\x8B"
                  "é"));
  EXPECT_FALSE(IsBlankText("\xF0\x9F\x98\x80"));  // an emoji
  EXPECT_FALSE(IsBlankText("\xC3"));              // ill-formed, refused by the UTF-8 check
}

TEST(AppendHtmlEscaped, EscapesMarkupAndQuotesAndKeepsTheRest) {
  std::string out = "kept ";
  AppendHtmlEscaped(out, "<a href=\"x\" title='y'>&amp; é\n</a>");
  EXPECT_EQ(out, "kept &lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp; é\n&lt;/a&gt;");
}

}  // namespace
}  // namespace agora
