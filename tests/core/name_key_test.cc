#include "core/name_key.h"

#include <gtest/gtest.h>

namespace agora {
namespace {

constexpr char kComposed[] = "Caf\u00e9 Eco";     // é as one code point
constexpr char kDecomposed[] = "Cafe\u0301 Eco";  // e + combining acute accent

TEST(NameKeyTest, ComposedAndDecomposedAccentsGiveOneKey) {
  EXPECT_EQ(NameKey(kComposed), NameKey(kDecomposed));
  EXPECT_EQ(NameKey(kComposed), "caf\u00e9 eco");
}

TEST(NameKeyTest, NonAsciiCaseIsFolded) {
  EXPECT_EQ(NameKey("\u00c9"), NameKey("\u00e9"));
  EXPECT_EQ(NameKey("CAFE\u0301 ECO"), NameKey(kComposed));
  EXPECT_EQ(NameKey("Stra\u00dfe"), NameKey("STRASSE"));
}

TEST(NameKeyTest, SurroundingAndRepeatedWhiteSpaceIsIgnored) {
  EXPECT_EQ(NameKey(" Caf\u00e9 Eco "), NameKey(kComposed));
  EXPECT_EQ(NameKey("Caf\u00e9\u00a0\u00a0Eco\t"), NameKey(kComposed));
  EXPECT_EQ(NameKey("\u3000Caf\u00e9 Eco"), NameKey(kComposed));  // ideographic space
}

TEST(NameKeyTest, InvisibleCharactersAreRemoved) {
  EXPECT_EQ(NameKey("Caf\u200b\u00e9 Eco"), NameKey(kComposed));        // zero-width space
  EXPECT_EQ(NameKey("\u200fCaf\u00e9 Eco\u200e"), NameKey(kComposed));  // bidi marks
  EXPECT_EQ(NameKey("Caf\u00ad\u00e9 E\u2060co\ufeff"),
            NameKey(kComposed));  // soft hyphen, WJ, BOM
}

TEST(NameKeyTest, CompatibilityFormsFold) {
  EXPECT_EQ(NameKey("\uff21\uff4c\uff49\uff43\uff45"), "alice");  // full-width letters
}

TEST(NameKeyTest, DifferentNamesStayDifferent) {
  EXPECT_NE(NameKey("Cafe Eco"), NameKey(kComposed));
  EXPECT_NE(NameKey("Caf\u00e9 Eco"), NameKey("Caf\u00e9Eco"));
}

TEST(NfcNormalizedTest, ComposesWithoutChangingCaseOrSpaces) {
  EXPECT_EQ(NfcNormalized(" Cafe\u0301 ECO "), " Caf\u00e9 ECO ");
  EXPECT_EQ(NfcNormalized(kComposed), kComposed);
}

TEST(NameKeyTest, InvalidUtf8IsReturnedUnchanged) {
  EXPECT_EQ(NameKey("\xff\xfe"), "\xff\xfe");
  EXPECT_EQ(NfcNormalized("\xff"), "\xff");
}

}  // namespace
}  // namespace agora
