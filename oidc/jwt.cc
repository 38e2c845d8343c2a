#include "oidc/jwt.h"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "core/json.h"
#include "oidc/base64url.h"

namespace agora::oidc {
namespace {

Status Rejected(std::string code, std::string message) {
  return {StatusCode::kUnauthenticated, std::move(code), std::move(message)};
}

Status InvalidToken(std::string message) {
  return Rejected("invalid_id_token", std::move(message));
}

std::string StringMember(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsString()) return "";
  return {it->value.GetString(), it->value.GetStringLength()};
}

std::optional<int64_t> NumericDate(const rapidjson::Value& object, const char* name) {
  auto it = object.FindMember(name);
  if (it == object.MemberEnd() || !it->value.IsNumber()) return std::nullopt;
  double value = it->value.GetDouble();
  if (!std::isfinite(value) || value < 0 || value > 1e12) return std::nullopt;
  return static_cast<int64_t>(value);
}

using PkeyPtr = std::shared_ptr<evp_pkey_st>;

// A public key from its parameters (RSA n and e, or an EC group and point), or nullptr.
PkeyPtr KeyFromParams(const char* type, const std::function<bool(OSSL_PARAM_BLD*)>& push) {
  std::unique_ptr<OSSL_PARAM_BLD, decltype(&OSSL_PARAM_BLD_free)> builder(OSSL_PARAM_BLD_new(),
                                                                          OSSL_PARAM_BLD_free);
  if (!builder || !push(builder.get())) return nullptr;
  std::unique_ptr<OSSL_PARAM, decltype(&OSSL_PARAM_free)> params(
      OSSL_PARAM_BLD_to_param(builder.get()), OSSL_PARAM_free);
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr), EVP_PKEY_CTX_free);
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return PkeyPtr(key, EVP_PKEY_free);
}

PkeyPtr RsaKey(const std::string& n, const std::string& e) {
  auto to_bn = [](const std::string& bytes) {
    return std::unique_ptr<BIGNUM, decltype(&BN_free)>(
        BN_bin2bn(reinterpret_cast<const unsigned char*>(bytes.data()),
                  static_cast<int>(bytes.size()), nullptr),
        BN_free);
  };
  auto bn_n = to_bn(n);
  auto bn_e = to_bn(e);
  if (!bn_n || !bn_e) return nullptr;
  auto key = KeyFromParams("RSA", [&](OSSL_PARAM_BLD* b) {
    return OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_N, bn_n.get()) == 1 &&
           OSSL_PARAM_BLD_push_BN(b, OSSL_PKEY_PARAM_RSA_E, bn_e.get()) == 1;
  });
  // Shorter RSA keys are breakable; identity providers all publish 2048 bits or more.
  if (key && EVP_PKEY_get_bits(key.get()) < 2048) return nullptr;
  return key;
}

PkeyPtr P256Key(const std::string& x, const std::string& y) {
  if (x.size() != 32 || y.size() != 32) return nullptr;
  std::string point = "\x04" + x + y;  // uncompressed SEC1 point
  return KeyFromParams("EC", [&](OSSL_PARAM_BLD* b) {
    return OSSL_PARAM_BLD_push_utf8_string(b, OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) == 1 &&
           OSSL_PARAM_BLD_push_octet_string(b, OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                            point.size()) == 1;
  });
}

// JWS carries an ECDSA signature as r || s; EVP verifies DER.
std::optional<std::string> EcdsaRawToDer(const std::string& raw) {
  if (raw.size() != 64) return std::nullopt;
  ECDSA_SIG* sig = ECDSA_SIG_new();
  if (!sig) return std::nullopt;
  auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
  BIGNUM* r = BN_bin2bn(bytes, 32, nullptr);
  BIGNUM* s = BN_bin2bn(bytes + 32, 32, nullptr);
  if (!r || !s || ECDSA_SIG_set0(sig, r, s) != 1) {
    BN_free(r);
    BN_free(s);
    ECDSA_SIG_free(sig);
    return std::nullopt;
  }
  unsigned char* der = nullptr;
  int length = i2d_ECDSA_SIG(sig, &der);
  ECDSA_SIG_free(sig);
  if (length <= 0) return std::nullopt;
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return out;
}

}  // namespace

Result<std::vector<Jwk>> ParseJwks(std::string_view json) {
  rapidjson::Document doc;
  if (!ParseJson(json, doc).ok() || !doc.IsObject() || !doc.HasMember("keys") ||
      !doc["keys"].IsArray()) {
    return Status::InvalidArgument("invalid_jwks", "the issuer's JWKS is not a key set");
  }
  std::vector<Jwk> keys;
  for (const auto& entry : doc["keys"].GetArray()) {
    if (!entry.IsObject()) continue;
    std::string use = StringMember(entry, "use");
    if (!use.empty() && use != "sig") continue;
    Jwk jwk{.kid = StringMember(entry, "kid"), .alg = "", .key = nullptr};
    std::string kty = StringMember(entry, "kty");
    std::string alg = StringMember(entry, "alg");
    if (kty == "RSA" && (alg.empty() || alg == "RS256")) {
      auto n = Base64UrlDecode(StringMember(entry, "n"));
      auto e = Base64UrlDecode(StringMember(entry, "e"));
      if (n && e) jwk.key = RsaKey(*n, *e);
      jwk.alg = "RS256";
    } else if (kty == "EC" && StringMember(entry, "crv") == "P-256" &&
               (alg.empty() || alg == "ES256")) {
      auto x = Base64UrlDecode(StringMember(entry, "x"));
      auto y = Base64UrlDecode(StringMember(entry, "y"));
      if (x && y) jwk.key = P256Key(*x, *y);
      jwk.alg = "ES256";
    }
    if (jwk.key) keys.push_back(std::move(jwk));
  }
  return keys;
}

Result<SignedIdToken> ParseIdToken(std::string_view compact) {
  size_t first = compact.find('.');
  size_t second = first == std::string_view::npos ? first : compact.find('.', first + 1);
  if (second == std::string_view::npos || compact.find('.', second + 1) != std::string_view::npos) {
    return InvalidToken("an ID token has three dot-separated parts");
  }
  auto header_json = Base64UrlDecode(compact.substr(0, first));
  auto payload_json = Base64UrlDecode(compact.substr(first + 1, second - first - 1));
  auto signature = Base64UrlDecode(compact.substr(second + 1));
  if (!header_json || !payload_json || !signature) {
    return InvalidToken("an ID token part is not base64url");
  }
  rapidjson::Document header;
  rapidjson::Document payload;
  if (!ParseJson(*header_json, header).ok() || !header.IsObject() ||
      !ParseJson(*payload_json, payload).ok() || !payload.IsObject()) {
    return InvalidToken("an ID token part is not a JSON object");
  }
  SignedIdToken token;
  token.alg = StringMember(header, "alg");
  token.kid = StringMember(header, "kid");
  token.signing_input = std::string(compact.substr(0, second));
  token.signature = std::move(*signature);
  IdTokenClaims& claims = token.claims;
  claims.iss = StringMember(payload, "iss");
  claims.sub = StringMember(payload, "sub");
  claims.azp = StringMember(payload, "azp");
  claims.nonce = StringMember(payload, "nonce");
  claims.email = StringMember(payload, "email");
  claims.name = StringMember(payload, "name");
  claims.preferred_username = StringMember(payload, "preferred_username");
  const rapidjson::Value& members = payload;
  if (auto it = members.FindMember("email_verified"); it != members.MemberEnd()) {
    claims.email_verified = it->value.IsBool() && it->value.GetBool();
  }
  if (auto it = members.FindMember("aud"); it != members.MemberEnd()) {
    if (it->value.IsString()) {
      claims.aud.emplace_back(it->value.GetString(), it->value.GetStringLength());
    } else if (it->value.IsArray()) {
      for (const auto& aud : it->value.GetArray()) {
        if (aud.IsString()) claims.aud.emplace_back(aud.GetString(), aud.GetStringLength());
      }
    }
  }
  auto exp = NumericDate(payload, "exp");
  auto iat = NumericDate(payload, "iat");
  claims.nbf = NumericDate(payload, "nbf");
  if (claims.iss.empty() || claims.sub.empty() || claims.aud.empty() || !exp || !iat) {
    return InvalidToken("an ID token needs iss, sub, aud, exp and iat");
  }
  claims.exp = *exp;
  claims.iat = *iat;
  return token;
}

const Jwk* SelectKey(const SignedIdToken& token, const std::vector<Jwk>& keys) {
  const Jwk* only = nullptr;
  int candidates = 0;
  for (const auto& key : keys) {
    if (!token.kid.empty() && key.kid == token.kid) return &key;
    if (key.alg == token.alg) {
      only = &key;
      ++candidates;
    }
  }
  return token.kid.empty() && candidates == 1 ? only : nullptr;
}

Status VerifySignature(const SignedIdToken& token, const Jwk& key) {
  if (token.alg != key.alg) {
    return Rejected("unsupported_algorithm",
                    "the ID token is signed with '" + token.alg + "', its key is " + key.alg);
  }
  std::string signature = token.signature;
  if (key.alg == "ES256") {
    auto der = EcdsaRawToDer(token.signature);
    if (!der) return Rejected("bad_signature", "the ID token's signature does not verify");
    signature = std::move(*der);
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  bool ok = ctx &&
            EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.key.get()) == 1 &&
            EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()),
                             signature.size(),
                             reinterpret_cast<const unsigned char*>(token.signing_input.data()),
                             token.signing_input.size()) == 1;
  if (!ok) return Rejected("bad_signature", "the ID token's signature does not verify");
  return Status::Ok();
}

Status ValidateClaims(const IdTokenClaims& claims, const ClaimExpectations& expected) {
  if (claims.iss != expected.issuer) {
    return Rejected("wrong_issuer", "the ID token comes from '" + claims.iss + "'");
  }
  if (std::find(claims.aud.begin(), claims.aud.end(), expected.client_id) == claims.aud.end()) {
    return Rejected("wrong_audience", "the ID token is not meant for this client");
  }
  if (claims.aud.size() > 1 && claims.azp != expected.client_id) {
    return Rejected("wrong_audience", "the ID token was issued to another party (azp)");
  }
  if (expected.now_s >= claims.exp + expected.skew_s) {
    return Rejected("token_expired", "the ID token has expired");
  }
  if (claims.iat > expected.now_s + expected.skew_s ||
      (claims.nbf && *claims.nbf > expected.now_s + expected.skew_s)) {
    return Rejected("token_not_yet_valid", "the ID token is not valid yet");
  }
  if (claims.iat + expected.max_age_s + expected.skew_s < expected.now_s) {
    return Rejected("token_too_old", "the ID token was issued too long ago");
  }
  if (claims.nonce != expected.nonce || expected.nonce.empty()) {
    return Rejected("nonce_mismatch", "the ID token does not answer this sign-in (nonce)");
  }
  return Status::Ok();
}

}  // namespace agora::oidc
