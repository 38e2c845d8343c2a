// ID token verification with real keys: RSA and P-256 keys made here by OpenSSL, tokens signed
// here, then checked by oidc/jwt.h as the sign-in flow checks the provider's.
#include "oidc/jwt.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include <memory>

#include "oidc/base64url.h"

namespace agora::oidc {
namespace {

using KeyPtr = std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)>;

KeyPtr RsaKey(int bits) { return {EVP_RSA_gen(static_cast<unsigned>(bits)), EVP_PKEY_free}; }
KeyPtr P256Key() { return {EVP_EC_gen("P-256"), EVP_PKEY_free}; }

std::string BnBytes(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string out(static_cast<size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  BN_free(bn);
  return out;
}

std::string RsaJwk(EVP_PKEY* key, const std::string& kid) {
  return R"({"kty":"RSA","use":"sig","kid":")" + kid + R"(","n":")" +
         Base64UrlEncode(BnBytes(key, OSSL_PKEY_PARAM_RSA_N)) + R"(","e":")" +
         Base64UrlEncode(BnBytes(key, OSSL_PKEY_PARAM_RSA_E)) + R"("})";
}

std::string EcJwk(EVP_PKEY* key, const std::string& kid) {
  unsigned char point[65];
  size_t length = 0;
  EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, point, sizeof point, &length);
  std::string x(reinterpret_cast<char*>(point + 1), 32);
  std::string y(reinterpret_cast<char*>(point + 33), 32);
  return R"({"kty":"EC","crv":"P-256","kid":")" + kid + R"(","x":")" + Base64UrlEncode(x) +
         R"(","y":")" + Base64UrlEncode(y) + R"("})";
}

std::string Sign(EVP_PKEY* key, const std::string& input, bool ecdsa) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key);
  size_t length = 0;
  auto* data = reinterpret_cast<const unsigned char*>(input.data());
  EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size());
  std::string signature(length, '\0');
  EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                 input.size());
  signature.resize(length);
  if (!ecdsa) return signature;
  // DER to JWS's r || s.
  const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
  ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
  std::string raw(64, '\0');
  BN_bn2binpad(ECDSA_SIG_get0_r(sig), reinterpret_cast<unsigned char*>(raw.data()), 32);
  BN_bn2binpad(ECDSA_SIG_get0_s(sig), reinterpret_cast<unsigned char*>(raw.data() + 32), 32);
  ECDSA_SIG_free(sig);
  return raw;
}

std::string Token(EVP_PKEY* key, const std::string& header, const std::string& payload,
                  bool ecdsa = false) {
  std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  return input + "." + Base64UrlEncode(Sign(key, input, ecdsa));
}

constexpr const char* kPayload =
    R"({"iss":"https://idp.example.com","sub":"00u1","aud":"agora","exp":2000000600,)"
    R"("iat":2000000000,"nonce":"n-1","email":"Ana@Example.com","email_verified":true})";

class JwtTest : public ::testing::Test {
 protected:
  KeyPtr rsa_ = RsaKey(2048);
  KeyPtr ec_ = P256Key();
  std::vector<Jwk> keys_ =
      *ParseJwks(R"({"keys":[)" + RsaJwk(rsa_.get(), "r1") + "," + EcJwk(ec_.get(), "e1") + "]}");

  Status Verify(const std::string& compact) {
    auto token = ParseIdToken(compact);
    if (!token.ok()) return token.status();
    const Jwk* key = SelectKey(*token, keys_);
    if (!key) return Status::NotFound("no key");
    return VerifySignature(*token, *key);
  }
};

TEST_F(JwtTest, ReadsTheKeysOfAJwks) {
  ASSERT_EQ(keys_.size(), 2u);
  EXPECT_EQ(keys_[0].kid, "r1");
  EXPECT_EQ(keys_[0].alg, "RS256");
  EXPECT_EQ(keys_[1].alg, "ES256");
}

TEST_F(JwtTest, VerifiesRs256AndEs256Signatures) {
  EXPECT_TRUE(Verify(Token(rsa_.get(), R"({"alg":"RS256","kid":"r1"})", kPayload)).ok());
  EXPECT_TRUE(Verify(Token(ec_.get(), R"({"alg":"ES256","kid":"e1"})", kPayload, true)).ok());
}

TEST_F(JwtTest, RefusesATamperedPayloadOrSignature) {
  std::string token = Token(rsa_.get(), R"({"alg":"RS256","kid":"r1"})", kPayload);
  std::string forged_payload = R"({"iss":"https://idp.example.com","sub":"admin","aud":"agora",)"
                               R"("exp":2000000600,"iat":2000000000,"nonce":"n-1"})";
  size_t first = token.find('.');
  size_t second = token.find('.', first + 1);
  std::string forged =
      token.substr(0, first + 1) + Base64UrlEncode(forged_payload) + token.substr(second);
  EXPECT_EQ(Verify(forged).error_code(), "bad_signature");
  std::string flipped = token;
  flipped[second + 3] = flipped[second + 3] == 'A' ? 'B' : 'A';
  EXPECT_EQ(Verify(flipped).error_code(), "bad_signature");
}

TEST_F(JwtTest, RefusesAKeyOfAnotherAlgorithmAndUnsignedTokens) {
  // The RSA key's kid with an ES256 signature: alg confusion.
  std::string confused = Token(ec_.get(), R"({"alg":"ES256","kid":"r1"})", kPayload, true);
  EXPECT_EQ(Verify(confused).error_code(), "unsupported_algorithm");
  std::string none =
      Base64UrlEncode(R"({"alg":"none","kid":"r1"})") + "." + Base64UrlEncode(kPayload) + ".";
  EXPECT_FALSE(Verify(none).ok());
}

TEST_F(JwtTest, SelectsByKidOrTheOnlyKeyOfTheAlgorithm) {
  auto with_kid = ParseIdToken(Token(rsa_.get(), R"({"alg":"RS256","kid":"e1"})", kPayload));
  EXPECT_EQ(SelectKey(*with_kid, keys_)->kid, "e1");
  auto unknown = ParseIdToken(Token(rsa_.get(), R"({"alg":"RS256","kid":"r9"})", kPayload));
  EXPECT_EQ(SelectKey(*unknown, keys_), nullptr);
  auto no_kid = ParseIdToken(Token(rsa_.get(), R"({"alg":"RS256"})", kPayload));
  EXPECT_EQ(SelectKey(*no_kid, keys_)->kid, "r1");
  std::vector<Jwk> two_rsa = {keys_[0], keys_[0]};
  EXPECT_EQ(SelectKey(*no_kid, two_rsa), nullptr);
}

TEST_F(JwtTest, SkipsWeakAndUnusableKeys) {
  KeyPtr weak = RsaKey(1024);
  auto keys =
      ParseJwks(R"({"keys":[)" + RsaJwk(weak.get(), "weak") +
                R"(,{"kty":"oct","k":"c2VjcmV0"},{"kty":"RSA","use":"enc","n":"AQ","e":"AQ"}]})");
  ASSERT_TRUE(keys.ok());
  EXPECT_TRUE(keys->empty());
  EXPECT_EQ(ParseJwks(R"({"nokeys":[]})").status().error_code(), "invalid_jwks");
  EXPECT_EQ(ParseJwks("not json").status().error_code(), "invalid_jwks");
}

TEST(IdToken, RefusesMalformedTokens) {
  std::string header = Base64UrlEncode(R"({"alg":"RS256"})");
  for (const std::string& bad :
       {std::string("a.b"), std::string("a.b.c.d"), header + ".!!!.AA",
        header + "." + Base64UrlEncode("[1]") + ".AA",
        header + "." + Base64UrlEncode(R"({"iss":"i","aud":"a","exp":1,"iat":1})") + ".AA"}) {
    EXPECT_EQ(ParseIdToken(bad).status().error_code(), "invalid_id_token") << bad;
  }
}

IdTokenClaims Claims() {
  IdTokenClaims c;
  c.iss = "https://idp.example.com";
  c.sub = "00u1";
  c.aud = {"agora"};
  c.exp = 2'000'000'600;
  c.iat = 2'000'000'000;
  c.nonce = "n-1";
  return c;
}

ClaimExpectations Expected(int64_t now_s = 2'000'000'100) {
  return {.issuer = "https://idp.example.com",
          .client_id = "agora",
          .nonce = "n-1",
          .now_s = now_s,
          .skew_s = 60,
          .max_age_s = 600};
}

TEST(Claims, AcceptsATokenThatKeepsEveryRule) {
  EXPECT_TRUE(ValidateClaims(Claims(), Expected()).ok());
  // Within the skew on either side.
  EXPECT_TRUE(ValidateClaims(Claims(), Expected(2'000'000'600 + 59)).ok());
  EXPECT_TRUE(ValidateClaims(Claims(), Expected(2'000'000'000 - 59)).ok());
}

TEST(Claims, NamesTheRuleATokenBreaks) {
  auto broken = [](auto change) {
    IdTokenClaims c = Claims();
    change(c);
    return ValidateClaims(c, Expected()).error_code();
  };
  EXPECT_EQ(broken([](auto& c) { c.iss = "https://evil.example.com"; }), "wrong_issuer");
  EXPECT_EQ(broken([](auto& c) { c.aud = {"other"}; }), "wrong_audience");
  EXPECT_EQ(broken([](auto& c) { c.aud = {"agora", "other"}; }), "wrong_audience");
  EXPECT_EQ(broken([](auto& c) { c.aud = {"agora", "other"}, c.azp = "other"; }), "wrong_audience");
  EXPECT_EQ(broken([](auto& c) { c.aud = {"agora", "other"}, c.azp = "agora"; }), "");
  EXPECT_EQ(broken([](auto& c) { c.exp = 2'000'000'100 - 60; }), "token_expired");
  EXPECT_EQ(broken([](auto& c) { c.iat = 2'000'000'100 + 61; }), "token_not_yet_valid");
  EXPECT_EQ(broken([](auto& c) { c.nbf = 2'000'000'100 + 61; }), "token_not_yet_valid");
  EXPECT_EQ(broken([](auto& c) { c.iat = 2'000'000'100 - 661, c.exp = 2'000'000'900; }),
            "token_too_old");
  EXPECT_EQ(broken([](auto& c) { c.nonce = "n-2"; }), "nonce_mismatch");
  EXPECT_EQ(broken([](auto& c) { c.nonce = ""; }), "nonce_mismatch");
}

}  // namespace
}  // namespace agora::oidc
