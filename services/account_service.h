// AccountService: provisioning, login, sessions and deactivation.
//
// Thread-safe. Every method blocks (SQLite, Argon2id); call from worker threads. Password
// hashing is bounded to `hash_concurrency` at once so a login flood cannot take every core.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/access_tokens.h"
#include "profiles/account_records.h"
#include "profiles/login_throttle.h"
#include "profiles/password.h"
#include "profiles/sessions.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "services/community_service.h"
#include "services/deal_service.h"
#include "services/live_events.h"

namespace agora::services {

struct AccountOptions {
  profiles::PasswordCost password_cost = profiles::PasswordCost::Interactive();
  int hash_concurrency = 1;
  int64_t session_ttl_ms = 7LL * 24 * 3600 * 1000;
  // Sessions one account may hold; a login past it ends the account's oldest session.
  int max_sessions_per_account = 20;
  // Failed logins (and wrong current passwords), each in a sliding 15-minute window:
  // - per account at one client address: the bar a guesser meets first;
  // - per account from every address: past it, only addresses with failures of their own are
  //   refused, so the victim of a spray still signs in from a clean address;
  // - per client address: past it, only accounts that signed in from that address in the
  //   last 30 days still pass, so an office behind one NAT keeps working.
  profiles::ThrottleOptions account_at_address_failures;
  profiles::ThrottleOptions account_failures{.limit = 100};
  profiles::ThrottleOptions address_failures{.limit = 100};
  // Successful logins in 15 minutes, so one account or address cannot keep the hashing lane
  // busy with valid passwords (scripts use personal access tokens).
  profiles::ThrottleOptions account_logins{.limit = 30};
  profiles::ThrottleOptions address_logins{.limit = 1000};
  // Who signed in from where (one time per pair, kept 30 days).
  profiles::ThrottleOptions known_addresses{.limit = 1, .window_ms = 30LL * 24 * 3600 * 1000};
  // Off when the company signs everyone in through its identity provider (--no-password-login).
  bool password_login = true;
};

// What a leaver's deactivation handed over, and to whom.
struct Handover {
  std::vector<Id> communities;  // where the leaver was the only owner
  std::optional<Id> communities_to;
  std::vector<Id> deals;  // open deals the leaver owned
  std::optional<Id> deals_to;
};

struct DeactivationResult {
  profiles::User user;
  Handover handover;
};

struct LoginResult {
  profiles::IssuedToken token;
  profiles::User user;
};

// A password reset token, shown to the admin once.
struct IssuedPasswordReset {
  std::string reset_token;
  UnixMillis expires_at = 0;
};

// What a person asks for in a new personal access token (checked by CreateAccessToken).
struct AccessTokenRequest {
  std::string name;
  std::vector<std::string> scopes;  // a non-empty subset of "read", "write"
  std::optional<UnixMillis> expires_at;
};

// A new personal access token: its secret, shown once, and what is stored of it.
struct IssuedAccessToken {
  std::string token;
  profiles::AccessToken stored;
};

class AccountService {
 public:
  // Every reference must outlive the service.
  // `live` hears of logouts and deactivations (their streams close); `communities` keeps
  // rule-managed memberships in line with new accounts and takes leavers' communities over;
  // `deals` takes their open deals over.
  AccountService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                 profiles::UserRepository& users, AccountOptions options, LiveEvents& live,
                 CommunityService& communities, DealService& deals);

  // Checks credentials; throttled as AccountOptions says. Unknown user, wrong password,
  // deactivated account and a username longer than any account's (never counted, so the
  // throttle's memory stays small) all answer the same kUnauthenticated
  // "invalid_credentials"; kRateLimited with retry_after once throttled; kPermissionDenied
  // "password_login_disabled" when password login is off. `client_address` is the address the
  // request came from (the Dispatcher resolves trusted proxies).
  Result<LoginResult> Login(std::string_view username, std::string_view password,
                            const std::string& client_address);
  // A session for an account whose owner another authority verified (OpenID Connect): no
  // password. kUnauthenticated "account_inactive" when the account is deactivated.
  Result<LoginResult> SignInVerified(Id user_id);
  bool password_login() const { return options_.password_login; }
  Status Logout(std::string_view token);
  // The viewer behind a bearer token; kUnauthenticated otherwise.
  Result<Viewer> Authenticate(std::string_view token);

  // Admins only (kPermissionDenied otherwise).
  Result<profiles::User> CreateUser(const Viewer& viewer, const profiles::NewUser& user);
  // Creates an account without a viewer: the operator's command line and sample data. The new
  // account joins the communities whose membership rules it matches, in the same transaction.
  Result<profiles::User> Provision(const profiles::NewUser& user);
  // Provisions with an already computed hash (sample data shares one to save seconds).
  Result<profiles::User> ProvisionHashed(const profiles::NewUser& user, const std::string& hash);

  // Admins only. Replaces the account's roles (`admin` or `member`, optionally `sales_ops`) and
  // audits the change in the same transaction; the account's sessions see it at their next
  // request. kUnprocessable "invalid_roles" for unknown or contradictory names,
  // "self_demotion" for an admin dropping their own admin role.
  Result<profiles::User> SetRoles(const Viewer& viewer, const profiles::UserRef& target,
                                  const std::vector<std::string>& roles);

  // Admins only (not themselves: kUnprocessable "self_deactivation"). The leaver procedure in
  // one transaction (DeactivateInTransaction); every stream of the account ends after the
  // commit. Returns the account as it now is and what was handed over.
  Result<DeactivationResult> Deactivate(const Viewer& viewer, const profiles::UserRef& target,
                                        std::optional<Id> successor);

  // Inside a use case's transaction (this one's, SCIM's, an HR import's): marks `user_id`
  // inactive, ends their sessions, hands over what they owned and audits it:
  // - communities where they are the only owner pass to `successor` if given, else to their
  //   manager (when active), else to `actor`, else (when `actor` is the leaver, as for an
  //   identity provider acting alone) to the first active admin; the leaver stays a member;
  // - their open deals pass to their manager (when active), else `successor`, else the same
  //   admin as above; each with a deal audit row;
  // - they leave the communities whose rules kept them (ApplyMembershipRules);
  // - receivers are notified; one account_audit row "deactivate" by `actor`.
  // Their posts stay attributed. kNotFound for an unknown account; kUnprocessable
  // "invalid_successor" for a successor who is unknown, inactive or the leaver; kConflict
  // "last_admin" when the leaver is the last active admin. Live streams
  // end and caches learn of it after the commit (registered here).
  Result<DeactivationResult> DeactivateInTransaction(storage::Transaction& tx, Id user_id, Id actor,
                                                     std::optional<Id> successor);

  // The caller's own password: `current_password` must be right (a wrong one is throttled as a
  // failed login and answers kPermissionDenied "wrong_password"), `new_password` must meet the
  // rules. Every other session of the caller ends; `session_token` (the caller's) stays.
  // kPermissionDenied "session_required" for a personal access token.
  Status ChangePassword(const Viewer& viewer, std::string_view session_token,
                        std::string_view current_password, std::string_view new_password,
                        const std::string& client_address);

  // Admins only. A one-time reset token for `target`, usable for kPasswordResetLifetimeMs; it
  // replaces any earlier one. kConflict "account_inactive" for a deactivated account.
  Result<IssuedPasswordReset> IssuePasswordReset(const Viewer& viewer,
                                                 const profiles::UserRef& target);
  // Sets the password of the reset token's account and ends every session of it. Unknown,
  // used and expired tokens, and a deactivated account, all answer kUnprocessable
  // "invalid_reset_token".
  Status ResetPassword(std::string_view reset_token, std::string_view new_password);

  // Admins only. Marks the account active again (it may log in); returns it as it now is.
  Result<profiles::User> Reactivate(const Viewer& viewer, const profiles::UserRef& target);
  // Inside a use case's transaction (this one's, SCIM's, an HR import's): marks `user_id`
  // active, audits it as done by `actor` and puts them back in the communities whose rules
  // match them; caches and the live hub learn of it after the commit.
  Result<profiles::User> ReactivateInTransaction(storage::Transaction& tx, Id user_id, Id actor);

  // Admins only: a page of every account matching `filter`, in id order.
  Result<Page<profiles::User>> ListUsers(const Viewer& viewer, const profiles::UserFilter& filter,
                                         const PageRequest& page);

  // Personal access tokens. Created by their owner from a session (kPermissionDenied
  // "session_required" from a token); kUnprocessable "invalid_name", "invalid_scopes",
  // "invalid_expires_at" (past, or more than a year ahead); kConflict "too_many_tokens" past
  // AccessTokenLimits::kLiveTokensPerAccount.
  Result<IssuedAccessToken> CreateAccessToken(const Viewer& viewer,
                                              const AccessTokenRequest& request);
  // `owner`'s live tokens, newest first: the owner's own, or anyone's for an admin (kNotFound
  // for an unknown owner, kPermissionDenied for someone else's).
  Result<Page<profiles::AccessToken>> ListAccessTokens(const Viewer& viewer,
                                                       const profiles::UserRef& owner,
                                                       const PageRequest& page);
  // Revokes `owner`'s token `token_id` (the same access rule); kNotFound when there is none.
  Status RevokeAccessToken(const Viewer& viewer, const profiles::UserRef& owner, Id token_id);

  // Argon2id under the service's bound on concurrent hashing (for use cases that create
  // accounts elsewhere, such as guests).
  Result<std::string> HashPassword(std::string_view password);
  // After a commit that changed what a session carries (a guest's end date): the next request
  // reads it anew.
  void ForgetCachedSessions(Id user_id);
  // A person another node changed (services/outbox_tailer.h): this node's summary and session
  // caches forget them, and a deactivated account's live streams close.
  Status ApplyRemote(Id user_id);

  size_t cached_sessions() const { return sessions_.cached_sessions(); }
  // Keys held by the login throttles, all together (for /metrics).
  size_t throttled_keys() const;

 private:
  Result<std::string> Hash(std::string_view password);
  // The throttle keys of one login attempt.
  struct LoginKeys {
    std::string account;
    std::string address;
    std::string account_at_address;
  };
  static LoginKeys KeysOf(std::string_view username, const std::string& client_address);
  // kRateLimited when a failure throttle refuses `keys` (before any hashing).
  Status CheckFailureThrottles(const LoginKeys& keys, std::string_view what);
  void RecordFailure(const LoginKeys& keys);
  // Inserts a validated account and applies the membership rules to it, in one transaction.
  Result<profiles::User> Insert(const profiles::NewUser& user, const std::string& hash);
  // Checked against for unknown usernames, so they cost the same time as a wrong password.
  const std::string& UnknownUserHash();
  bool Verify(const std::string& hash, std::string_view password);
  Result<Viewer> AuthenticateAccessToken(std::string_view token);
  // The account `ref` names; kNotFound when there is none.
  Result<profiles::User> Find(const profiles::UserRef& ref);
  // The owner named by `ref` when `viewer` may manage their tokens.
  Result<Id> TokenOwner(const Viewer& viewer, const profiles::UserRef& ref);

  // Constant after construction.
  storage::Store& store_;
  const Clock& clock_;
  IdGenerator& ids_;
  const AccountOptions options_;
  profiles::UserRepository& users_;
  profiles::SessionStore sessions_;
  profiles::LoginThrottle account_at_address_failures_;
  profiles::LoginThrottle account_failures_;
  profiles::LoginThrottle address_failures_;
  profiles::LoginThrottle account_logins_;
  profiles::LoginThrottle address_logins_;
  profiles::LoginThrottle known_addresses_;

  std::once_flag unknown_user_hash_once_;
  std::string unknown_user_hash_;  // written once under unknown_user_hash_once_

  std::counting_semaphore<64> hash_slots_;
  LiveEvents& live_;
  CommunityService& communities_;
  DealService& deals_;
};

}  // namespace agora::services
