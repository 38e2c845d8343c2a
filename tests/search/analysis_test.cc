#include "search/analysis.h"

#include <gtest/gtest.h>

namespace agora::search {
namespace {

TEST(FoldForSearch, RemovesAccentsAndKeepsCaseUnlessAsked) {
  EXPECT_EQ(FoldForSearch("Négocié à Noël", false), "Negocie a Noel");
  EXPECT_EQ(FoldForSearch("Négocié à Noël", true), "negocie a noel");
}

TEST(FoldForSearch, SplitsElisionsOnEveryApostrophe) {
  EXPECT_EQ(FoldForSearch("l'offre qu\xE2\x80\x99il d'abord", true), "l offre qu il d abord");
}

TEST(FoldForSearch, SpellsOutLigatures) {
  EXPECT_EQ(FoldForSearch("Cœur et Æther", true), "coeur et aether");
}

TEST(SplitWords, FindsWordsOfAnyScriptBetweenPunctuation) {
  std::string text = "Déjà vu, 2026! 東京";
  auto words = SplitWords(text);
  ASSERT_EQ(words.size(), 4u);
  EXPECT_EQ(text.substr(words[0].begin, words[0].end - words[0].begin), "Déjà");
  EXPECT_EQ(text.substr(words[2].begin, words[2].end - words[2].begin), "2026");
  EXPECT_EQ(text.substr(words[3].begin, words[3].end - words[3].begin), "東京");
}

TEST(DetectLanguage, CountsFunctionWordsAndFallsBackWhenSilent) {
  EXPECT_EQ(DetectLanguage("Nous avons signé le contrat avec la banque", Language::kEnglish),
            Language::kFrench);
  EXPECT_EQ(DetectLanguage("We signed the contract with the bank", Language::kFrench),
            Language::kEnglish);
  EXPECT_EQ(DetectLanguage("Kubernetes Helm", Language::kFrench), Language::kFrench);
}

TEST(LanguageOfTag, ReadsFrenchTagsOnly) {
  EXPECT_EQ(LanguageOfTag("fr"), Language::kFrench);
  EXPECT_EQ(LanguageOfTag("fr-CA"), Language::kFrench);
  EXPECT_EQ(LanguageOfTag("en-GB"), Language::kEnglish);
  EXPECT_EQ(LanguageOfTag("fri"), Language::kEnglish);
}

}  // namespace
}  // namespace agora::search
