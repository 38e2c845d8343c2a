// ConditionalWrites: the store side of Idempotency-Key and If-Match (server/
// conditional_requests.h holds the HTTP side).
//
// A claimed key and a revision check ride on the caller's next use case as a
// storage::WriteGuard, inside that use case's own savepoint: a key commits with the create it
// names or not at all, and a revision is compared inside the write, after the use case passed
// its access checks. Thread-safe: every method may be called from any worker thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "storage/store.h"

namespace agora::services {

// The answer stored for an idempotency key, as the first request got it.
struct StoredAnswer {
  std::string request_hash;
  std::optional<int64_t> status;  // absent until answered
  std::string content_type;
  std::string headers;  // "Name: value\n" lines
  std::string body;
};

// The resources whose revision If-Match names (an AFTER UPDATE trigger bumps it).
enum class VersionedKind { kPost, kCommunity, kDeal };

// What an If-Match accepts: any revision ("*") or those listed.
struct RevisionCondition {
  bool any = false;
  std::vector<int64_t> revisions;
  bool Accepts(int64_t revision) const;
};

// How a conditional edit went.
struct ConditionalEdit {
  bool refused = false;                   // rolled back: the revision was not an accepted one
  bool committed = false;                 // the edit committed
  std::optional<int64_t> revision_after;  // the revision it left, when committed
};

class ConditionalWrites {
 public:
  // `store` and `clock` must outlive this object. Keys live `idempotency_window_ms`.
  ConditionalWrites(storage::Store& store, const Clock& clock, int64_t idempotency_window_ms);

  // The unexpired answer stored for `key` of `account`, if any.
  Result<std::optional<StoredAnswer>> FindKey(Id account, const std::string& key);
  // Runs `run` with the key claimed in the transaction of the first write it makes (sweeping
  // expired keys there); true when that write committed, the key with it. A twin request
  // racing with the same key fails that write with 409 idempotency_key_in_use.
  bool RunClaimed(Id account, const std::string& key, const std::string& request_hash,
                  const std::function<void()>& run);
  // Stores the answer of a claimed key.
  Status Remember(Id account, const std::string& key, int status, const std::string& content_type,
                  const std::string& headers, const std::string& body);

  // The current revision of a versioned resource, or nullopt when there is none.
  Result<std::optional<int64_t>> Revision(VersionedKind kind, Id id);
  // Runs `run` (an edit of that resource) refusing its first write unless the revision is one
  // `condition` accepts.
  ConditionalEdit RunIfRevision(VersionedKind kind, Id id, RevisionCondition condition,
                                const std::function<void()>& run);

  // The error of a key whose first request has not been answered yet.
  static Status KeyInUse();

 private:
  storage::Store& store_;
  const Clock& clock_;
  const int64_t idempotency_window_ms_;
};

}  // namespace agora::services
