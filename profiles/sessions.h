// Sessions: random bearer tokens, stored only as their SHA-256, cached in memory.
//
// Thread-safe. Every method may block on SQLite; call from worker threads.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "storage/store.h"

namespace agora::profiles {

struct Session {
  Id user_id = 0;
  bool is_admin = false;
  UnixMillis expires_at = 0;
};

struct IssuedToken {
  std::string token;  // shown to the client once, never stored
  UnixMillis expires_at = 0;
};

class SessionStore {
 public:
  // `store` and `clock` must outlive this object.
  SessionStore(storage::Store& store, const Clock& clock, int64_t ttl_ms);

  // A new 256-bit token for `user_id`, committed before it is returned; kUnauthenticated when
  // the account is no longer active by the time the write is applied.
  Result<IssuedToken> Create(Id user_id, bool is_admin);
  // The live session for `token`; kUnauthenticated when unknown, revoked or expired, or when
  // its account is inactive.
  Result<Session> Resolve(std::string_view token);
  // Ends one session; unknown tokens are not an error.
  Status Revoke(std::string_view token);
  // Ends every session of `user_id` at once (deactivation).
  Status RevokeAll(Id user_id);

  size_t cached_sessions() const;

 private:
  storage::Store& store_;  // constant after construction
  const Clock& clock_;
  const int64_t ttl_ms_;

  mutable std::mutex mu_;
  std::unordered_map<std::string, Session> cache_;  // by token hash; guarded by mu_
  uint64_t revocations_ = 0;  // guarded by mu_; a lookup racing a revocation is not cached
};

}  // namespace agora::profiles
