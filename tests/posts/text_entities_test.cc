#include "posts/text_entities.h"

#include <gtest/gtest.h>

namespace agora::posts {
namespace {

using Strings = std::vector<std::string>;

TEST(ExtractMentions, FindsUsernamesLowerCasedAndDeduplicated) {
  EXPECT_EQ(ExtractMentions("Thanks @Ana.Smith and @bob_2, and @ana.smith again."),
            (Strings{"ana.smith", "bob_2"}));
}

TEST(ExtractMentions, IgnoresEmailAddressesAndShortNames) {
  EXPECT_EQ(ExtractMentions("write to ana@example.com or @al"), Strings{});
}

TEST(ExtractMentions, StripsTrailingPunctuation) {
  EXPECT_EQ(ExtractMentions("ask @jean-luc."), Strings{"jean-luc"});
  EXPECT_EQ(ExtractMentions("(@zoe)"), Strings{"zoe"});
}

TEST(ExtractHashtags, FoldsCaseWithUnicodeRules) {
  EXPECT_EQ(ExtractHashtags("#Négociation #NÉGOCIATION #négociation"), Strings{"négociation"});
  EXPECT_EQ(ExtractHashtags("#Straße #STRASSE"), Strings{"strasse"});
  EXPECT_EQ(ExtractHashtags("#Ne\xCC\x81gociation"), Strings{"négociation"});  // combining accent
}

TEST(ExtractHashtags, NeedsALetterAndAWordBoundary) {
  EXPECT_EQ(ExtractHashtags("issue #42 and C# and x#tag"), Strings{});
  EXPECT_EQ(ExtractHashtags("#q4_wins, #2026goals!"), (Strings{"q4_wins", "2026goals"}));
}

TEST(ExtractHashtags, AcceptsOtherScripts) {
  EXPECT_EQ(ExtractHashtags("#東京 #Привет"), (Strings{"東京", "привет"}));
}

// Found by fuzz/text_entities_fuzz: "ß" folds to "ss", so a tag of 100 characters had a key of
// 101.
TEST(ExtractHashtags, AKeyLengthenedByCaseFoldingKeepsTheBound) {
  Strings tags = ExtractHashtags("#\u00df" + std::string(150, '4') + "xA");
  ASSERT_EQ(tags.size(), 1u);
  EXPECT_EQ(tags[0], "ss" + std::string(98, '4'));
}

}  // namespace
}  // namespace agora::posts
