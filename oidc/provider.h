// OidcClient: the relying party's side of one OpenID Connect issuer. Reads the issuer's
// discovery document, builds authorization requests, redeems authorization codes at the token
// endpoint and verifies the ID token it gets back (signature against the cached JWKS, then the
// claim rules of oidc/jwt.h).
//
// Thread-safe. Methods that talk to the issuer block up to FetchOptions::timeout per request:
// call them from worker threads. The discovery document and the keys are cached; a token
// signed with a key the cache does not hold makes the client refetch the JWKS, at most once per
// `jwks_refetch_interval_s` (the issuer rotated its keys; a flood of forged `kid`s cannot make
// it hammer the issuer).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/mutex.h"
#include "core/status.h"
#include "oidc/http_fetch.h"
#include "oidc/jwt.h"

namespace agora::oidc {

struct OidcClientOptions {
  std::string issuer;  // exactly as the ID tokens' `iss` says it
  std::string client_id;
  std::string client_secret;
  std::vector<std::string> scopes = {"openid", "email", "profile"};
  int64_t clock_skew_s = 60;
  int64_t jwks_refetch_interval_s = 60;
  int64_t discovery_ttl_s = 86'400;  // a day
  FetchOptions fetch;
};

struct ProviderMetadata {
  std::string authorization_endpoint;
  std::string token_endpoint;
  std::string jwks_uri;
  // Secrets go in the form body only when the issuer does not take HTTP Basic.
  bool client_secret_post = false;
};

class OidcClient {
 public:
  // `clock` must outlive the client.
  OidcClient(OidcClientOptions options, const Clock& clock);

  // The discovery document, cached for `discovery_ttl_s` (errors are not cached).
  // kUnavailable "idp_unreachable" when the issuer does not answer; kUnavailable
  // "idp_misconfigured" when its document is invalid, names another issuer or an insecure URL.
  Result<ProviderMetadata> Metadata();

  // The authorization request URL (code flow with PKCE S256).
  std::string AuthorizationUrl(const ProviderMetadata& metadata, const std::string& redirect_uri,
                               const std::string& state, const std::string& nonce,
                               const std::string& code_challenge) const;

  // Redeems `code` and verifies the ID token; its claims on success. kUnauthenticated
  // "code_rejected" when the token endpoint refuses the code (used, expired, or the PKCE
  // verifier does not match), or the codes of oidc/jwt.h when the ID token fails a rule;
  // kUnavailable when the issuer is unreachable.
  Result<IdTokenClaims> Redeem(const std::string& code, const std::string& code_verifier,
                               const std::string& redirect_uri, const std::string& nonce);

  // Verifies a compact ID token (signature, then claims) as Redeem does.
  Result<IdTokenClaims> VerifyIdToken(const std::string& id_token, const std::string& nonce);

  const OidcClientOptions& options() const { return options_; }

 private:
  // The key that signed `token`, refetching the JWKS when the cache has none that fits.
  Result<Jwk> KeyFor(const SignedIdToken& token);
  Result<std::vector<Jwk>> FetchKeys(const std::string& jwks_uri);

  // Constant after construction.
  const OidcClientOptions options_;
  const Clock& clock_;

  Mutex mu_;
  std::optional<ProviderMetadata> metadata_ GUARDED_BY(mu_);
  UnixMillis metadata_fetched_at_ GUARDED_BY(mu_) = 0;
  std::vector<Jwk> keys_ GUARDED_BY(mu_);
  std::optional<UnixMillis> keys_fetched_at_ GUARDED_BY(mu_);
};

}  // namespace agora::oidc
