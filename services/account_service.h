// AccountService: provisioning, login, sessions and deactivation.
//
// Thread-safe. Every method blocks (SQLite, Argon2id); call from worker threads. Password
// hashing is bounded to `hash_concurrency` at once so a login flood cannot take every core.
#pragma once

#include <memory>
#include <mutex>
#include <semaphore>
#include <string>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "core/viewer.h"
#include "profiles/login_throttle.h"
#include "profiles/password.h"
#include "profiles/sessions.h"
#include "profiles/user.h"
#include "profiles/user_repository.h"
#include "services/live_events.h"

namespace agora::services {

struct AccountOptions {
  profiles::PasswordCost password_cost = profiles::PasswordCost::Interactive();
  int hash_concurrency = 1;
  int64_t session_ttl_ms = 7LL * 24 * 3600 * 1000;
  profiles::ThrottleOptions throttle;
  // Many people may share an address (an office NAT, a reverse proxy): a higher bar, so one
  // account's failures never lock the others out.
  profiles::ThrottleOptions address_throttle{.max_failures = 100};
  // Off when the company signs everyone in through its identity provider (--no-password-login).
  bool password_login = true;
};

struct LoginResult {
  profiles::IssuedToken token;
  profiles::User user;
};

class AccountService {
 public:
  // Every reference must outlive the service.
  // `live` hears of logouts and deactivations (their streams close).
  AccountService(storage::Store& store, const Clock& clock, IdGenerator& ids,
                 profiles::UserRepository& users, AccountOptions options, LiveEvents& live);

  // Checks credentials; throttled per account and per client address. Unknown user, wrong
  // password and deactivated account all answer the same kUnauthenticated
  // "invalid_credentials"; kRateLimited with retry_after once throttled; kPermissionDenied
  // "password_login_disabled" when password login is off.
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
  // Creates an account without a viewer: the operator's command line and sample data.
  Result<profiles::User> Provision(const profiles::NewUser& user);
  // Provisions with an already computed hash (sample data shares one to save seconds).
  Result<profiles::User> ProvisionHashed(const profiles::NewUser& user, const std::string& hash);

  // Admins only. Replaces the account's roles (`admin` or `member`, optionally `sales_ops`) and
  // audits the change in the same transaction; the account's sessions see it at their next
  // request. kUnprocessable "invalid_roles" for unknown or contradictory names,
  // "self_demotion" for an admin dropping their own admin role.
  Result<profiles::User> SetRoles(const Viewer& viewer, const profiles::UserRef& target,
                                  const std::vector<std::string>& roles);

  // Admins only. Marks the account inactive and ends every session at once; returns the
  // account as it now is.
  Result<profiles::User> Deactivate(const Viewer& viewer, const profiles::UserRef& target);

  size_t cached_sessions() const { return sessions_.cached_sessions(); }

 private:
  Result<std::string> Hash(std::string_view password);
  // Checked against for unknown usernames, so they cost the same time as a wrong password.
  const std::string& UnknownUserHash();
  bool Verify(const std::string& hash, std::string_view password);

  // Constant after construction.
  storage::Store& store_;
  const Clock& clock_;
  IdGenerator& ids_;
  const AccountOptions options_;
  profiles::UserRepository& users_;
  profiles::SessionStore sessions_;
  profiles::LoginThrottle throttle_;          // by account
  profiles::LoginThrottle address_throttle_;  // by client address

  std::once_flag unknown_user_hash_once_;
  std::string unknown_user_hash_;  // written once under unknown_user_hash_once_

  std::counting_semaphore<64> hash_slots_;
  LiveEvents& live_;
};

}  // namespace agora::services
