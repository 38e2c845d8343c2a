#include "services/conditional_writes.h"

#include <utility>

#include "storage/write_guard.h"

namespace agora::services {
namespace {

const char* RevisionSql(VersionedKind kind) {
  switch (kind) {
    case VersionedKind::kPost:
      return "SELECT revision FROM posts WHERE id = ?";
    case VersionedKind::kCommunity:
      return "SELECT revision FROM communities WHERE id = ?";
    case VersionedKind::kDeal:
      return "SELECT revision FROM sales_deals WHERE id = ?";
  }
  return "";
}

Result<std::optional<int64_t>> ReadRevision(storage::Connection& c, VersionedKind kind, Id id) {
  auto stmt = c.prepare(RevisionSql(kind));
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->bind(1, id).step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<int64_t>();
  return std::optional<int64_t>((*stmt)->column_int64(0));
}

// Records an Idempotency-Key in the transaction of the request's first write. A second
// request racing with the same key fails on the unique (account, key) and writes nothing.
class IdempotencyClaim final : public storage::WriteGuard {
 public:
  IdempotencyClaim(Id account, std::string key, std::string request_hash, UnixMillis now,
                   UnixMillis expired_before)
      : account_(account),
        key_(std::move(key)),
        request_hash_(std::move(request_hash)),
        now_(now),
        expired_before_(expired_before) {}

  Status Before(storage::Connection& c) override {
    auto sweep = c.prepare("DELETE FROM idempotency_keys WHERE created_at < ?");
    if (!sweep.ok()) return sweep.status();
    AGORA_RETURN_IF_ERROR((*sweep)->bind(1, expired_before_).run());
    auto claim = c.prepare(
        "INSERT INTO idempotency_keys (account_id, key, request_hash, created_at) "
        "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
    if (!claim.ok()) return claim.status();
    AGORA_RETURN_IF_ERROR(
        (*claim)->bind(1, account_).bind(2, key_).bind(3, request_hash_).bind(4, now_).run());
    if (c.changes() == 0) return ConditionalWrites::KeyInUse();
    return Status::Ok();
  }
  Status After(storage::Connection&) override { return Status::Ok(); }

 private:
  const Id account_;
  const std::string key_;
  const std::string request_hash_;
  const UnixMillis now_;
  const UnixMillis expired_before_;
};

// Checks an If-Match against the revision the write's own transaction reads, once the use
// case passed its access checks, and reads the revision the write leaves.
class RevisionPrecondition final : public storage::WriteGuard {
 public:
  RevisionPrecondition(VersionedKind kind, Id id, RevisionCondition condition)
      : kind_(kind), id_(id), condition_(std::move(condition)) {}

  Status Before(storage::Connection& c) override {
    auto revision = ReadRevision(c, kind_, id_);
    if (!revision.ok()) return revision.status();
    before_ = *revision;
    return Status::Ok();
  }

  Status After(storage::Connection& c) override {
    if (!before_ || !condition_.Accepts(*before_)) {
      refused_ = true;  // the caller answers 412; the status only rolls the edit back
      return Status::Conflict("precondition_failed", "If-Match names a past revision");
    }
    auto revision = ReadRevision(c, kind_, id_);
    if (!revision.ok()) return revision.status();
    after_ = *revision;
    return Status::Ok();
  }

  std::optional<int64_t> revision_after() const { return after_; }
  bool refused() const { return refused_; }

 private:
  const VersionedKind kind_;
  const Id id_;
  const RevisionCondition condition_;
  std::optional<int64_t> before_;
  std::optional<int64_t> after_;
  bool refused_ = false;
};

}  // namespace

bool RevisionCondition::Accepts(int64_t revision) const {
  if (any) return true;
  for (int64_t listed : revisions) {
    if (listed == revision) return true;
  }
  return false;
}

ConditionalWrites::ConditionalWrites(storage::Store& store, const Clock& clock,
                                     int64_t idempotency_window_ms)
    : store_(store), clock_(clock), idempotency_window_ms_(idempotency_window_ms) {}

Status ConditionalWrites::KeyInUse() {
  return Status::Conflict("idempotency_key_in_use",
                          "a request with this Idempotency-Key has not been answered yet; "
                          "retry it shortly");
}

Result<std::optional<StoredAnswer>> ConditionalWrites::FindKey(Id account, const std::string& key) {
  const UnixMillis expired_before = clock_.now_ms() - idempotency_window_ms_;
  return store_.read([&](storage::Connection& c) -> Result<std::optional<StoredAnswer>> {
    auto stmt = c.prepare(
        "SELECT request_hash, status, content_type, headers, body FROM idempotency_keys "
        "WHERE account_id = ? AND key = ? AND created_at >= ?");
    if (!stmt.ok()) return stmt.status();
    auto row = (*stmt)->bind(1, account).bind(2, key).bind(3, expired_before).step();
    if (!row.ok()) return row.status();
    if (!*row) return std::optional<StoredAnswer>();
    return std::optional<StoredAnswer>(
        StoredAnswer{(*stmt)->column_text(0), (*stmt)->column_optional_int64(1),
                     (*stmt)->column_text(2), (*stmt)->column_text(3), (*stmt)->column_text(4)});
  });
}

bool ConditionalWrites::RunClaimed(Id account, const std::string& key,
                                   const std::string& request_hash,
                                   const std::function<void()>& run) {
  const UnixMillis now = clock_.now_ms();
  IdempotencyClaim claim(account, key, request_hash, now, now - idempotency_window_ms_);
  storage::ScopedWriteGuard scope(claim);
  run();
  return claim.committed();
}

Status ConditionalWrites::Remember(Id account, const std::string& key, int status,
                                   const std::string& content_type, const std::string& headers,
                                   const std::string& body) {
  return store_.write([&](storage::Connection& c) -> Status {
    auto stmt = c.prepare(
        "UPDATE idempotency_keys SET status = ?, content_type = ?, headers = ?, body = ? "
        "WHERE account_id = ? AND key = ?");
    if (!stmt.ok()) return stmt.status();
    return (*stmt)
        ->bind(1, int64_t{status})
        .bind(2, content_type)
        .bind(3, headers)
        .bind(4, body)
        .bind(5, account)
        .bind(6, key)
        .run();
  });
}

Result<std::optional<int64_t>> ConditionalWrites::Revision(VersionedKind kind, Id id) {
  return store_.read([&](storage::Connection& c) { return ReadRevision(c, kind, id); });
}

ConditionalEdit ConditionalWrites::RunIfRevision(VersionedKind kind, Id id,
                                                 RevisionCondition condition,
                                                 const std::function<void()>& run) {
  RevisionPrecondition precondition(kind, id, std::move(condition));
  {
    storage::ScopedWriteGuard scope(precondition);
    run();
  }
  return {precondition.refused(), precondition.committed(), precondition.revision_after()};
}

}  // namespace agora::services
