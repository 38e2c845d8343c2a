// OidcSignInService: signing in through the company's OpenID Connect provider.
//
// Start() remembers a pending sign-in (state, nonce, PKCE verifier, the browser's handle) and
// returns the issuer's authorization URL; Finish() takes the pending sign-in back once (state
// and handle must match, within `flow_ttl_ms`), redeems the code, maps the verified subject to
// an active account (by external id, then by verified email, recording the subject then) and
// returns a one-time login code; RedeemLoginCode() turns that code into a session. The session
// token never travels in a URL: the browser gets the login code in the fragment of `/` and
// POSTs it (docs/operations.md, "OpenID Connect sign-in").
//
// Thread-safe. Finish() blocks on the identity provider (up to a few timeouts) and SQLite; call
// from worker threads. Pending sign-ins and login codes live in memory: a restart drops them
// and the person simply signs in again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "core/clock.h"
#include "core/id.h"
#include "core/mutex.h"
#include "core/status.h"
#include "oidc/provider.h"
#include "profiles/user_repository.h"
#include "services/account_service.h"
#include "services/community_service.h"
#include "storage/store.h"

namespace agora::services {

struct OidcSignInOptions {
  std::string display_name = "SSO";    // the button says "Sign in with <display_name>"
  int64_t flow_ttl_ms = 600'000;       // 10 minutes
  int64_t login_code_ttl_ms = 60'000;  // 1 minute
  size_t max_pending = 10'000;  // pending sign-ins and login codes each; oldest dropped past it
  // `agora serve --oidc-create-accounts`: a verified subject that matches no account makes one
  // (email required and verified; username derived from preferred_username or the email and
  // made unique; display name from `name`), with an "oidc_create" audit record and the
  // membership rules applied, in one transaction. Off: such a sign-in is refused.
  bool create_accounts = false;
};

struct OidcStart {
  std::string authorization_url;
  std::string browser_handle;  // to set in an HttpOnly cookie; Finish() wants it back
};

struct OidcCallback {
  std::string state;
  std::string code;
  std::string idp_error;  // the `error` parameter, when the provider refused
  std::string browser_handle;
};

struct OidcFinished {
  std::string login_code;  // one use, `login_code_ttl_ms`
  std::string return_to;   // a same-origin path
};

class OidcSignInService {
 public:
  // Every reference must outlive the service.
  OidcSignInService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                    profiles::UserRepository& users, AccountService& accounts,
                    CommunityService& communities, oidc::OidcClient& client,
                    OidcSignInOptions options);

  // kInvalidArgument "invalid_return_to" unless `return_to` is empty or a path on this origin;
  // kUnavailable when the issuer's discovery document cannot be read.
  Result<OidcStart> Start(const std::string& redirect_uri, const std::string& return_to);

  // Errors (each logged; audited against the account when one was found), all
  // kUnauthenticated unless noted: "invalid_state" (unknown, used, expired, or another
  // browser's), "idp_error", "code_rejected", the ID token's codes of oidc/jwt.h,
  // "unknown_account" (no active account for this subject or verified email), "account_inactive",
  // "subject_mismatch" (the email's account is bound to another subject); kUnavailable when the
  // provider is unreachable.
  Result<OidcFinished> Finish(const OidcCallback& callback);

  // The session for a login code from Finish(); kUnauthenticated "invalid_login_code" when
  // unknown, used or expired, "account_inactive" when deactivated since.
  Result<LoginResult> RedeemLoginCode(const std::string& login_code);

  const std::string& display_name() const { return options_.display_name; }

 private:
  struct PendingSignIn {
    std::string browser_handle;
    std::string nonce;
    std::string code_verifier;
    std::string redirect_uri;
    std::string return_to;
    UnixMillis expires_at = 0;
  };
  struct LoginCode {
    Id user_id = 0;
    UnixMillis expires_at = 0;
  };

  // The account for verified claims, linked (or made) and audited in one transaction.
  Result<Id> MapAccount(const oidc::IdTokenClaims& claims);
  // Inside MapAccount's transaction: a new account for claims that match none.
  Result<profiles::User> CreateAccount(storage::Transaction& tx, const oidc::IdTokenClaims& claims,
                                       UnixMillis now);
  Status Refuse(const Status& why, const std::string& subject);

  // Constant after construction.
  storage::Store& store_;
  const Clock& clock_;
  IdGenerator& ids_;
  profiles::UserRepository& users_;
  AccountService& accounts_;
  CommunityService& communities_;
  oidc::OidcClient& client_;
  const OidcSignInOptions options_;

  Mutex mu_;
  std::unordered_map<std::string, PendingSignIn> pending_ GUARDED_BY(mu_);  // by state
  std::unordered_map<std::string, LoginCode> login_codes_ GUARDED_BY(mu_);  // by code
};

}  // namespace agora::services
