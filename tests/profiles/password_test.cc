#include "profiles/password.h"

#include <gtest/gtest.h>

namespace agora::profiles {
namespace {

class PasswordTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(InitCrypto().ok()); }
};

TEST_F(PasswordTest, HashIsArgon2idAndVerifies) {
  auto hash = HashPassword("correct horse", PasswordCost::Minimum());
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(hash->starts_with("$argon2id$"));
  EXPECT_TRUE(VerifyPassword(*hash, "correct horse"));
  EXPECT_FALSE(VerifyPassword(*hash, "correct horsE"));
}

TEST_F(PasswordTest, SamePasswordGetsDifferentSalts) {
  auto a = HashPassword("same password", PasswordCost::Minimum());
  auto b = HashPassword("same password", PasswordCost::Minimum());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(*a, *b);
}

TEST_F(PasswordTest, MalformedStoredHashNeverVerifies) {
  EXPECT_FALSE(VerifyPassword("", "anything"));
  EXPECT_FALSE(VerifyPassword("$argon2id$garbage", "anything"));
}

}  // namespace
}  // namespace agora::profiles
