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

// "kind:value@begin-end" for each entity: compact expectations.
Strings Described(std::string_view text) {
  Strings out;
  for (const auto& e : FindEntities(text)) {
    const char* kind = e.kind == TextEntity::Kind::kLink      ? "link"
                       : e.kind == TextEntity::Kind::kMention ? "mention"
                                                              : "hashtag";
    out.push_back(std::string(kind) + ":" + e.value + "@" + std::to_string(e.begin) + "-" +
                  std::to_string(e.end));
  }
  return out;
}

TEST(FindEntities, FindsMentionsHashtagsAndLinksInOrderWithTheirSpans) {
  EXPECT_EQ(Described("@Ana see https://x.example/a #Go"),
            (Strings{"mention:ana@0-4", "link:https://x.example/a@9-28", "hashtag:go@29-32"}));
}

TEST(FindEntities, KeepsRepeatsWhereTheExtractorsDeduplicate) {
  EXPECT_EQ(Described("#a1 #A1"), (Strings{"hashtag:a1@0-3", "hashtag:a1@4-7"}));
}

TEST(FindEntities, ALinkEndsAtQuotesAndBracketsAndLeavesTrailingPunctuation) {
  EXPECT_EQ(Described("(http://a.example/x)."), (Strings{"link:http://a.example/x@1-19"}));
  EXPECT_EQ(Described("https://a.example/?q=\"><script>"),
            (Strings{"link:https://a.example/?q=@0-21"}));
  EXPECT_EQ(Described("<https://a.example>'"), (Strings{"link:https://a.example@1-18"}));
}

TEST(FindEntities, TakesNoOtherSchemeAndNoSchemeInsideAWord) {
  EXPECT_EQ(Described("javascript:alert(1) ftp://a.example xhttps://a.example https://"),
            Strings{});
}

TEST(FindEntities, AMentionOrHashtagInsideALinkIsPartOfTheLink) {
  EXPECT_EQ(Described("https://a.example/@ana/#frag"),
            (Strings{"link:https://a.example/@ana/#frag@0-28"}));
}

TEST(FindEntities, SpansCountBytesOfUtf8Text) {
  EXPECT_EQ(Described("é #été"), (Strings{"hashtag:été@3-9"}));
}

}  // namespace
}  // namespace agora::posts
