// Personal access tokens: long-lived bearer tokens for bots and integrations. A token acts for
// its owner, with the `read` scope alone or with `write` too; it ends at its expiry, when it is
// revoked, and when its owner is deactivated. Stored only as its SHA-256, like a session.
//
// Functions on an open connection: the writes run inside a use case's transaction (with their
// audit record), the lookups on a reader. Nothing is cached, so a revocation or a deactivation
// refuses the very next request, whoever made it.
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

// What a bearer starts with when it is a personal access token ("agp_"), not a session.
inline constexpr std::string_view kAccessTokenPrefix = "agp_";
inline bool IsAccessToken(std::string_view bearer) {
  return bearer.starts_with(kAccessTokenPrefix);
}

struct AccessTokenLimits {
  static constexpr size_t kNameMax = 100;           // code points
  static constexpr int kLiveTokensPerAccount = 50;  // not expired, not revoked
  static constexpr int64_t kLongestLifetimeMs = 366LL * 24 * 3600 * 1000;
  // last_used_at is written at most this often per token, so a busy bot costs no write a
  // request.
  static constexpr int64_t kLastUsedResolutionMs = 60LL * 1000;
};

struct AccessToken {
  Id id = 0;
  Id user_id = 0;
  std::string name;
  bool can_write = false;  // scopes: read, plus write when set
  UnixMillis created_at = 0;
  std::optional<UnixMillis> expires_at;  // nullopt: until revoked
  std::optional<UnixMillis> last_used_at;
};

// Who a presented token acts for: its owner's current roles and the token's scope.
struct AccessTokenGrant {
  Id token_id = 0;
  Id user_id = 0;
  bool is_admin = false;
  bool is_sales_ops = false;
  bool can_write = false;
  std::optional<UnixMillis> last_used_at;
  std::optional<UnixMillis> guest_until;  // a guest's token is as confined as their session
};

// The name's rule: 1 to kNameMax code points, not only spaces. kUnprocessable "invalid_name".
Status ValidateAccessTokenName(std::string_view name);

// Inside a transaction: stores `token` (its id, owner, name, scope, times) under `token_hash`.
Status InsertAccessToken(storage::Connection& c, const AccessToken& token,
                         std::string_view token_hash);
// How many of `user_id`'s tokens are still live at `now`.
Result<int64_t> CountLiveAccessTokens(storage::Connection& c, Id user_id, UnixMillis now);
// `user_id`'s live tokens at `now`, newest first; the cursor is a token id.
Result<Page<AccessToken>> ListAccessTokens(storage::Connection& c, Id user_id, UnixMillis now,
                                           const PageRequest& page);
// Inside a transaction: deletes `user_id`'s token `token_id`; false when there is none.
Result<bool> DeleteAccessToken(storage::Connection& c, Id user_id, Id token_id);
// Inside a transaction: deletes the token presented as `token_hash` (its owner logs it out).
Status DeleteAccessTokenByHash(storage::Connection& c, std::string_view token_hash);
// Inside a transaction: deletes every token of `user_id` (deactivation).
Status DeleteAccessTokensOf(storage::Connection& c, Id user_id);
// The live token stored under `token_hash` whose owner is active; nullopt otherwise.
Result<std::optional<AccessTokenGrant>> FindAccessTokenGrant(storage::Connection& c,
                                                             std::string_view token_hash,
                                                             UnixMillis now);
// Records that token `token_id` was used at `now`.
Status TouchAccessToken(storage::Connection& c, Id token_id, UnixMillis now);

}  // namespace agora::profiles
