// What the account lifecycle reads and writes on a use case's transaction beside the user row:
// password hashes, pending password resets, the account audit, and the admin's list of people.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "storage/connection.h"

namespace agora::profiles {

// What a password reset token starts with ("agx_"); a random 256-bit secret follows.
inline constexpr std::string_view kPasswordResetPrefix = "agx_";
// How long a reset token stays usable.
inline constexpr int64_t kPasswordResetLifetimeMs = 24LL * 3600 * 1000;

// The password hash of accounts made by the identity provider (SCIM, OpenID Connect): no
// Argon2id string verifies against it; they sign in through the provider, or with a password
// an admin reset gives them.
inline constexpr char kUnusablePasswordHash[] = "!provisioned-by-the-identity-provider";

// A free username for an account the identity provider makes, from `hint` (a userName, an
// email, a preferred username): the hint itself when it is a valid username (lower-cased);
// else its local part before '@', lower-cased, each character a username may not hold made
// '-', cut to 24 characters; then "-2", "-3", ... until free. kConflict "username_taken"
// when a thousand are taken.
Result<std::string> FreeUsernameFor(storage::Connection& c, std::string_view hint);

// Inside a transaction: appends an account_audit row (`actor_id` did `action` to `user_id`;
// `scim_token_id` names the provisioning token when an identity provider acted).
Status AppendAccountAudit(storage::Connection& c, Id id, Id actor_id, Id user_id,
                          std::string_view action, std::string_view note, UnixMillis now,
                          std::optional<Id> scim_token_id = std::nullopt);

// Inside a transaction: replaces the password hash of the active account `user_id`, and only
// while it is still `expected_hash` when one is given. False when no row matched (the account
// is inactive or absent, or its password changed meanwhile).
Result<bool> ReplacePasswordHash(storage::Connection& c, Id user_id, const std::string& new_hash,
                                 const std::optional<std::string>& expected_hash, UnixMillis now);

// Inside a transaction: `user_id`'s one pending reset becomes `token_hash` (a newer one replaces
// the older), usable until `expires_at`.
Status ReplacePasswordReset(storage::Connection& c, Id user_id, std::string_view token_hash,
                            UnixMillis now, UnixMillis expires_at);
// Inside a transaction: removes the reset stored under `token_hash` and returns its account
// when it was still usable at `now`; nullopt for an unknown, used or expired one.
Result<std::optional<Id>> TakePasswordReset(storage::Connection& c, std::string_view token_hash,
                                            UnixMillis now);

// The admin's filters over every account; unset ones do not filter.
struct UserFilter {
  std::optional<bool> active;
  std::optional<std::string> department;  // exact
  std::optional<std::string> email;       // exact, compared without case
};

// A page of the ids of the accounts matching `filter`, in id order; the cursor is an id.
Result<Page<Id>> ListUserIds(storage::Connection& c, const UserFilter& filter,
                             const PageRequest& page);

}  // namespace agora::profiles
