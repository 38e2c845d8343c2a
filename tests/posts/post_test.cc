#include "posts/post.h"

#include <gtest/gtest.h>

namespace agora::posts {
namespace {

Deal ValidDeal() {
  return Deal{"ACME", "retail", "Agora", "EMEA", 125000.5, "EUR", "2026-11-20", DealOutcome::kWon};
}

TEST(ValidateText, CountsCharactersAndRefusesEmptyText) {
  EXPECT_TRUE(ValidateText(std::string(5000, 'x')).ok());
  EXPECT_EQ(ValidateText(std::string(5001, 'x')).error_code(), "invalid_text");
  std::string accents;
  for (int i = 0; i < 5000; ++i) accents += "é";
  EXPECT_TRUE(ValidateText(accents).ok());
  EXPECT_EQ(ValidateText("").error_code(), "invalid_text");
  EXPECT_EQ(ValidateText("  \n ").error_code(), "invalid_text");
  EXPECT_EQ(ValidateText("bell\x07").error_code(), "invalid_text");
}

TEST(ValidateNewPost, ADealStoryNeedsAValidDeal) {
  NewPost post{"We won", PostKind::kDealStory, std::nullopt, std::nullopt, std::nullopt};
  EXPECT_EQ(ValidateNewPost(post).error_code(), "invalid_deal");
  post.deal = ValidDeal();
  EXPECT_TRUE(ValidateNewPost(post).ok());
}

TEST(ValidateNewPost, OnlyDealStoriesCarryADeal) {
  NewPost post{"Hello", PostKind::kStatus, std::nullopt, std::nullopt, ValidDeal()};
  EXPECT_EQ(ValidateNewPost(post).error_code(), "invalid_deal");
}

TEST(ValidateDeal, ChecksAmountCurrencyAndDate) {
  Deal d = ValidDeal();
  d.amount = -1;
  EXPECT_FALSE(ValidateDeal(d).ok());
  d = ValidDeal();
  d.currency = "euro";
  EXPECT_FALSE(ValidateDeal(d).ok());
  d = ValidDeal();
  d.closed_on = "2026-02-30";
  EXPECT_FALSE(ValidateDeal(d).ok());
  d.closed_on = "20-11-2026";
  EXPECT_FALSE(ValidateDeal(d).ok());
  d = ValidDeal();
  d.customer = "";
  EXPECT_FALSE(ValidateDeal(d).ok());
}

TEST(PostKind, NamesRoundTrip) {
  for (PostKind k :
       {PostKind::kStatus, PostKind::kQuestion, PostKind::kAnnouncement, PostKind::kDealStory}) {
    EXPECT_EQ(ParseKind(KindName(k)), k);
  }
  EXPECT_EQ(ParseKind("poll"), std::nullopt);
}

}  // namespace
}  // namespace agora::posts
