// ID tokens (OpenID Connect Core 1.0 section 2) as compact JWS (RFC 7515): parsing, signature
// verification with OpenSSL's EVP APIs against keys from the issuer's JWKS (RFC 7517), and the
// claim rules of section 3.1.3.7.
//
// Pure functions and immutable values: thread-safe. Every failure is kUnauthenticated with a
// code that says which rule failed (the sign-in flow reports it and audits it).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace agora::oidc {

// One verification key of a JWKS: RSA (RS256, at least 2048 bits) or EC P-256 (ES256).
struct Jwk {
  std::string kid;  // may be empty
  std::string alg;  // "RS256" or "ES256": the only algorithm this key verifies
  std::shared_ptr<evp_pkey_st> key;
};

// The keys of a JWKS document usable for signatures; keys of other types, curves or uses are
// skipped. kInvalidArgument "invalid_jwks" when the document is not a JWKS.
Result<std::vector<Jwk>> ParseJwks(std::string_view json);

struct IdTokenClaims {
  std::string iss;
  std::string sub;
  std::vector<std::string> aud;
  std::string azp;
  int64_t exp = 0;  // seconds since the epoch
  int64_t iat = 0;
  std::optional<int64_t> nbf;
  std::string nonce;
  std::string email;
  bool email_verified = false;
  std::string name;
  std::string preferred_username;
};

struct SignedIdToken {
  std::string alg;
  std::string kid;
  std::string signing_input;  // "header.payload", as received
  std::string signature;      // decoded bytes
  IdTokenClaims claims;
};

// Splits and decodes a compact JWS. "invalid_id_token" for anything malformed, including
// missing `iss`, `sub`, `aud`, `exp` or `iat`.
Result<SignedIdToken> ParseIdToken(std::string_view compact);

// The key of `keys` that must have signed `token`: by `kid`, else the only key of the token's
// algorithm. nullptr when none fits (the caller may refetch the JWKS once).
const Jwk* SelectKey(const SignedIdToken& token, const std::vector<Jwk>& keys);

// "unsupported_algorithm" when the token's `alg` is not the key's (never "none" or HMAC);
// "bad_signature" when the signature does not verify.
Status VerifySignature(const SignedIdToken& token, const Jwk& key);

struct ClaimExpectations {
  std::string issuer;
  std::string client_id;
  std::string nonce;
  int64_t now_s = 0;
  int64_t skew_s = 60;      // tolerance for clocks that differ
  int64_t max_age_s = 600;  // an `iat` older than this is refused
};

// "wrong_issuer", "wrong_audience" (client id not in `aud`, or several audiences and `azp` not
// the client), "token_expired", "token_not_yet_valid" (`nbf` or `iat` in the future),
// "token_too_old", "nonce_mismatch".
Status ValidateClaims(const IdTokenClaims& claims, const ClaimExpectations& expected);

}  // namespace agora::oidc
