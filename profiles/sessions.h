// Sessions: random bearer tokens, stored only as their SHA-256, cached in memory.
//
// Thread-safe. Every method may block on SQLite; call from worker threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/id.h"
#include "core/read_through_cache.h"
#include "core/status.h"
#include "storage/store.h"

namespace agora::profiles {

struct Session {
  Id user_id = 0;
  bool is_admin = false;
  bool is_sales_ops = false;
  UnixMillis expires_at = 0;  // the earlier of the token's end and a guest account's end
  std::optional<UnixMillis> guest_until = std::nullopt;  // set for a guest
};

struct IssuedToken {
  std::string token;  // shown to the client once, never stored
  UnixMillis expires_at = 0;
};

class SessionStore {
 public:
  // `store` and `clock` must outlive this object. An account holds at most
  // `max_per_account` sessions.
  SessionStore(storage::Store& store, const Clock& clock, int64_t ttl_ms, int max_per_account);

  // A new 256-bit token for `user_id`, committed before it is returned, in the same write as
  // the end of the account's oldest sessions past `max_per_account`; kUnauthenticated when
  // the account is no longer active (or a guest account has ended) by the time the write is
  // applied, or when `password_hash` is given and the account's password is no longer that one
  // (it changed during the login).
  Result<IssuedToken> Create(Id user_id, bool is_admin, bool is_sales_ops,
                             std::optional<std::string> password_hash = std::nullopt);
  // The live session for `token`; kUnauthenticated when unknown, revoked or expired, or when
  // its account is inactive or a guest account past its end.
  Result<Session> Resolve(std::string_view token);
  // Ends one session; unknown tokens are not an error.
  Status Revoke(std::string_view token);
  // Ends every session of `user_id` (deactivation, a password change) inside a use case's
  // transaction: the rows go with it, and the cached sessions are dropped now and again once
  // it committed.
  Status RevokeAll(storage::Transaction& tx, Id user_id);
  // Drops what is cached of `user_id`'s sessions, so the next request reads their roles anew.
  void ForgetCached(Id user_id);

  size_t cached_sessions() const;

 private:
  // Constant after construction.
  storage::Store& store_;
  const Clock& clock_;
  const int64_t ttl_ms_;
  const int max_per_account_;

  // Thread-safe. By token hash; a revocation counts as a change, so a lookup racing one is not
  // cached (nor answered from what it read).
  ReadThroughCache<std::string, Session> cache_;
};

// Inside a use case's transaction: ends every session of `user_id` but the one of
// `keep_token` ("" keeps none). Call SessionStore::ForgetCached before and after the commit.
Status DeleteSessionsOf(storage::Connection& c, Id user_id, std::string_view keep_token);

}  // namespace agora::profiles
