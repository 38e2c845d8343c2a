#include "profiles/user.h"

#include <gtest/gtest.h>

namespace agora::profiles {
namespace {

TEST(ValidateUsername, AcceptsTheAllowedAlphabet) {
  for (const std::string& ok :
       std::vector<std::string>{"ana", "jean-luc.picard_2", std::string(30, 'a')}) {
    EXPECT_TRUE(ValidateUsername(ok).ok()) << ok;
  }
}

TEST(ValidateUsername, RefusesLengthAndCharacterViolations) {
  for (const std::string& bad : std::vector<std::string>{
           "ab", std::string(31, 'a'), "Ana", "ana smith", "ana@corp", "élodie", "ana/../x"}) {
    Status s = ValidateUsername(bad);
    EXPECT_EQ(s.code(), StatusCode::kUnprocessable) << bad;
    EXPECT_EQ(s.error_code(), "invalid_username") << bad;
  }
}

TEST(ValidatePassword, RequiresEightToTenTwentyFourBytes) {
  EXPECT_FALSE(ValidatePassword("short").ok());
  EXPECT_TRUE(ValidatePassword("longenough").ok());
  EXPECT_FALSE(ValidatePassword(std::string(1025, 'x')).ok());
}

TEST(ValidateProfile, CountsCharactersNotBytes) {
  ProfileChanges c;
  c.display_name = std::string();
  for (int i = 0; i < 100; ++i) *c.display_name += "é";  // 200 bytes, 100 characters
  EXPECT_TRUE(ValidateProfile(c).ok());
  *c.display_name += "é";
  EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_display_name");
}

TEST(ValidateProfile, RefusesBlankDisplayName) {
  ProfileChanges c;
  c.display_name = "   ";
  EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_display_name");
}

TEST(ValidateProfile, RefusesControlCharacters) {
  ProfileChanges c;
  c.title = "Chief\x07Officer";
  EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_title");
}

TEST(ValidateProfile, ChecksEmailShape) {
  ProfileChanges c;
  for (const char* bad : {"no-at", "@corp.com", "a@b", "a@@corp.com", "a b@corp.com"}) {
    c.email = bad;
    EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_email") << bad;
  }
  c.email = "ana.smith@corp.example";
  EXPECT_TRUE(ValidateProfile(c).ok());
}

TEST(ValidateProfile, LimitsSkills) {
  ProfileChanges c;
  c.skills = std::vector<std::string>(51, "x");
  EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_skills");
  c.skills = std::vector<std::string>{"C++", "c++"};
  EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_skills");
  c.skills = std::vector<std::string>{std::string(51, 's')};
  EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_skills");
  c.skills = std::vector<std::string>{"negotiation", "C++"};
  EXPECT_TRUE(ValidateProfile(c).ok());
}

TEST(ValidateProfile, RefusesSkillsThatOnlyLookDifferent) {
  ProfileChanges c;
  for (auto same : {std::vector<std::string>{"\u00c9quipe", "\u00e9quipe"},  // É, é
                    std::vector<std::string>{"caf\u00e9", "cafe\u0301"},     // NFC, NFD
                    std::vector<std::string>{"Kafka", "Kafka "},             // trailing space
                    std::vector<std::string>{"Kafka", "Ka\u200bfka"}}) {     // zero-width
    c.skills = same;
    EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_skills") << same[1];
  }
}

TEST(ValidateProfile, WantsLanguageTags) {
  ProfileChanges c;
  c.languages = std::vector<std::string>{"fr", "en-GB"};
  EXPECT_TRUE(ValidateProfile(c).ok());
  c.languages = std::vector<std::string>{"French!"};
  EXPECT_EQ(ValidateProfile(c).error_code(), "invalid_languages");
}

TEST(NormalizeUsername, LowercasesForLookup) {
  EXPECT_EQ(NormalizeUsername("Ana.Smith"), "ana.smith");
}

TEST(NormalizeUsername, IgnoresWhatOnlyLooksDifferent) {
  EXPECT_EQ(NormalizeUsername(" ana.smith "), "ana.smith");
  EXPECT_EQ(NormalizeUsername("ana\u200b.smith"), "ana.smith");
  EXPECT_EQ(NormalizeUsername("\uff41\uff4e\uff41"), "ana");  // full-width
}

}  // namespace
}  // namespace agora::profiles
