#include "profiles/sessions.h"

#include <algorithm>

#include "profiles/bearer_secret.h"
#include "storage/outbox.h"
#include "storage/rows.h"

namespace agora::profiles {
namespace {

constexpr std::string_view kTokenPrefix = "agr_";

// A session row joined with its account, and its mapper.
// A guest's session ends with the account, whichever comes first.
UnixMillis SessionEnd(UnixMillis token_expires_at, std::optional<UnixMillis> guest_until) {
  return guest_until ? std::min(token_expires_at, *guest_until) : token_expires_at;
}

Session ReadSessionRow(const storage::Statement& s) {
  std::optional<UnixMillis> guest_until = s.column_optional_int64(4);
  return Session{s.column_int64(0), s.column_int64(1) != 0, s.column_int64(2) != 0,
                 SessionEnd(s.column_int64(3), guest_until), guest_until};
}

Status Unknown() { return Status::Unauthenticated("the token is unknown, revoked or expired"); }

// In the transaction that ended sessions of `user_id`: other nodes, which may hold them in their
// caches, drop them when they apply this entry (their outbox tailer), so a logout or a password
// change holds on every node.
Status SessionsEnded(storage::Connection& c, Id user_id) {
  return storage::AppendOutbox(c, storage::OutboxTopic::kUser, user_id);
}

}  // namespace

SessionStore::SessionStore(storage::Store& store, const Clock& clock, int64_t ttl_ms,
                           int max_per_account)
    : store_(store), clock_(clock), ttl_ms_(ttl_ms), max_per_account_(max_per_account) {}

Result<IssuedToken> SessionStore::Create(Id user_id, bool is_admin, bool is_sales_ops,
                                         std::optional<std::string> password_hash) {
  IssuedToken issued{NewBearerSecret(kTokenPrefix), clock_.now_ms() + ttl_ms_};
  std::string hash = HashBearerSecret(issued.token);
  UnixMillis now = clock_.now_ms();
  uint64_t generation = cache_.Generation();
  std::optional<UnixMillis> guest_until;
  std::vector<std::string> ended;  // hashes of the sessions the new one pushed out
  Status status = store_.write([&](storage::Connection& c) -> Status {
    // Only for an account still active when the write is applied: writes are serialised, so a
    // deactivation either comes first (no session) or after (its RevokeAll deletes this row).
    // The same holds for a password change when the login names the hash it checked, and for a
    // guest account that ended meanwhile.
    AGORA_RETURN_IF_ERROR(
        storage::Run(c,
                     "INSERT INTO sessions (token_hash, user_id, created_at, expires_at) "
                     "SELECT ?1, id, ?2, ?3 FROM users WHERE id = ?4 AND active = 1 "
                     "AND (guest_until IS NULL OR guest_until > ?2) "
                     "AND (CAST(?5 AS TEXT) IS NULL OR password_hash = ?5)",
                     storage::Blob{hash}, now, issued.expires_at, user_id, password_hash));
    if (c.changes() == 0) return Unknown();
    AGORA_ASSIGN_OR_RETURN(
        auto guest,
        storage::ReadOne(
            c, "SELECT guest_until FROM users WHERE id = ?",
            [](const storage::Statement& s) { return s.column_optional_int64(0); }, user_id));
    if (guest) guest_until = *guest;
    // The account's oldest sessions past the cap end; the new one counts first.
    int kept = 1;
    AGORA_RETURN_IF_ERROR(storage::ForEachRow(
        c,
        "SELECT token_hash FROM sessions WHERE user_id = ?1 AND token_hash != ?2 "
        "ORDER BY created_at DESC",
        [&](const storage::Statement& s) {
          if (kept < max_per_account_) {
            ++kept;
          } else {
            ended.push_back(s.column_text(0));
          }
        },
        user_id, storage::Blob{hash}));
    for (const auto& old : ended) {
      AGORA_RETURN_IF_ERROR(
          storage::Run(c, "DELETE FROM sessions WHERE token_hash = ?", storage::Blob{old}));
    }
    return ended.empty() ? Status::Ok() : SessionsEnded(c, user_id);
  });
  for (const auto& old : ended) cache_.Erase(old);
  if (!status.ok()) return status;
  // A revocation meanwhile may have purged the cache already; Resolve reads the store instead.
  cache_.Offer(hash,
               Session{user_id, is_admin, is_sales_ops, SessionEnd(issued.expires_at, guest_until),
                       guest_until},
               generation);
  return issued;
}

Result<Session> SessionStore::Resolve(std::string_view token) {
  if (!token.starts_with(kTokenPrefix) || token.size() > 128) return Unknown();
  std::string hash = HashBearerSecret(token);
  UnixMillis now = clock_.now_ms();
  if (auto cached = cache_.Get(hash)) {
    if (cached->expires_at > now) return *cached;
    cache_.Evict(hash);
    return Unknown();
  }
  auto read_session = [&] {
    return store_.read([&](storage::Connection& c) {
      return storage::ReadOne(
          c,
          "SELECT s.user_id, u.role = 'admin', u.sales_ops, s.expires_at, u.guest_until "
          "FROM sessions s "
          "JOIN users u ON u.id = s.user_id WHERE s.token_hash = ? AND u.active = 1",
          ReadSessionRow, storage::Blob{hash});
    });
  };
  uint64_t generation = cache_.Generation();
  auto found = read_session();
  if (found.ok() && found->has_value() && (*found)->expires_at > now &&
      !cache_.Offer(hash, **found, generation)) {
    // A change (a revocation, a role change, a guest's move) came in while reading, so that
    // read may be stale: the store's answer now decides, uncached. Answering "unknown" here
    // would sign out a person whose roles merely changed.
    found = read_session();
  }
  if (!found.ok()) return found.status();
  if (!found->has_value() || (*found)->expires_at <= now) return Unknown();
  return **found;
}

Status SessionStore::Revoke(std::string_view token) {
  std::string hash = HashBearerSecret(token);
  Status status = store_.write([&](storage::Connection& c) -> Status {
    auto owner = storage::ReadOne(
        c, "DELETE FROM sessions WHERE token_hash = ? RETURNING user_id",
        [](const storage::Statement& s) { return s.column_int64(0); }, storage::Blob{hash});
    if (!owner.ok()) return owner.status();
    if (!owner->has_value()) return Status::Ok();
    return SessionsEnded(c, **owner);
  });
  cache_.Erase(hash);
  return status;
}

Status SessionStore::RevokeAll(storage::Transaction& tx, Id user_id) {
  ForgetCached(user_id);
  AGORA_RETURN_IF_ERROR(
      storage::Run(tx.connection(), "DELETE FROM sessions WHERE user_id = ?", user_id));
  AGORA_RETURN_IF_ERROR(SessionsEnded(tx.connection(), user_id));
  tx.AfterCommitInOrder([this, user_id] { ForgetCached(user_id); });
  return Status::Ok();
}

void SessionStore::ForgetCached(Id user_id) {
  cache_.EraseIf([user_id](const Session& session) { return session.user_id == user_id; });
}

size_t SessionStore::cached_sessions() const { return cache_.size(); }

Status DeleteSessionsOf(storage::Connection& c, Id user_id, std::string_view keep_token) {
  std::string kept = keep_token.empty() ? std::string() : HashBearerSecret(keep_token);
  AGORA_RETURN_IF_ERROR(storage::Run(c,
                                     "DELETE FROM sessions WHERE user_id = ? AND token_hash != ?",
                                     user_id, storage::Blob{kept}));
  return SessionsEnded(c, user_id);
}

}  // namespace agora::profiles
