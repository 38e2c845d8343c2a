// Pins and reports: the moderation records of communities (and, for reports of company-wide
// posts, of the admins), in SQLite.
//
// Thread-safe; every method blocks on SQLite (call from worker threads).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "communities/community_repository.h"
#include "core/clock.h"
#include "core/page.h"
#include "core/status.h"
#include "storage/store.h"

namespace agora::communities {

enum class ReportAction { kDismiss, kRemovePost, kBanAuthor };
const char* ActionName(ReportAction action);
std::optional<ReportAction> ParseAction(std::string_view name);

struct Report {
  Id id = 0;
  Id post_id = 0;
  std::optional<Id> community_id;  // nullopt: a company-wide post, for admins
  Id reporter_id = 0;
  std::string reason;
  bool open = true;
  std::optional<ReportAction> action;
  std::string note;
  std::optional<Id> resolved_by;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> resolved_at;
};

class ModerationRepository {
 public:
  // `store` and `clock` must outlive the repository.
  ModerationRepository(storage::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Methods taking a Connection run inside the caller's transaction.

  // Idempotent; audited.
  Status Pin(storage::Connection& c, Id community_id, Id post_id, const AuditRecord& audit);
  // kNotFound when the post is not pinned; audited.
  Status Unpin(storage::Connection& c, Id community_id, Id post_id, const AuditRecord& audit);
  // Pinned post ids, most recently pinned first.
  Result<std::vector<Id>> Pins(Id community_id);

  // A new open report, or the reporter's open report of that post if there is one.
  Result<Report> File(storage::Connection& c, Id id, Id post_id, std::optional<Id> community_id,
                      Id reporter_id, const std::string& reason);
  Result<Report> Find(Id id);
  Result<Report> Find(storage::Connection& c, Id id);
  // Reports of one community (or of company-wide posts, for nullopt), newest first.
  Result<Page<Report>> List(std::optional<Id> community_id, bool open, const PageRequest& page);
  // Marks the report resolved; kConflict "already_resolved". `audit` goes to the community's
  // log when the report belongs to one.
  Result<Report> Resolve(storage::Connection& c, Id id, ReportAction action,
                         const std::string& note, Id resolved_by,
                         const std::optional<AuditRecord>& audit);

 private:
  storage::Store& store_;
  const Clock& clock_;
};

}  // namespace agora::communities
