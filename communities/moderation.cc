#include "communities/moderation.h"

#include "core/enum_names.h"
#include "storage/paging.h"

namespace agora::communities {
namespace {

using storage::Connection;

Report ReadReport(const storage::Statement& s) {
  Report r;
  r.id = s.column_int64(0);
  r.post_id = s.column_int64(1);
  r.community_id = s.column_optional_int64(2);
  r.reporter_id = s.column_int64(3);
  r.reason = s.column_text(4);
  r.open = s.column_text(5) == "open";
  if (!s.column_is_null(6)) r.action = ParseAction(s.column_text(6));
  r.note = s.column_text(7);
  r.resolved_by = s.column_optional_int64(8);
  r.created_at = s.column_int64(9);
  r.resolved_at = s.column_optional_int64(10);
  return r;
}

Result<Report> LoadReport(Connection& c, Id id) {
  auto stmt = c.prepare(
      "SELECT id, post_id, community_id, reporter_id, reason, status, action, note, resolved_by, "
      "created_at, resolved_at FROM reports WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, id);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such report");
  return ReadReport(**stmt);
}

}  // namespace

namespace {

constexpr EnumName<ReportAction> kActions[] = {{ReportAction::kDismiss, "dismiss"},
                                               {ReportAction::kRemovePost, "remove_post"},
                                               {ReportAction::kBanAuthor, "ban_author"}};

}  // namespace

const char* ActionName(ReportAction action) { return NameOf(kActions, action); }
std::optional<ReportAction> ParseAction(std::string_view name) { return ParseName(kActions, name); }

Status ModerationRepository::Pin(Connection& c, Id community_id, Id post_id,
                                 const AuditRecord& audit) {
  UnixMillis now = clock_.now_ms();
  auto stmt = c.prepare(
      "INSERT OR IGNORE INTO community_pins (community_id, post_id, pinned_by, pinned_at) "
      "VALUES (?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, community_id).bind(2, post_id).bind(3, audit.actor_id).bind(4, now);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  if (c.changes() == 0) return Status::Ok();
  return WriteAudit(c, community_id, audit, now);
}

Status ModerationRepository::Unpin(Connection& c, Id community_id, Id post_id,
                                   const AuditRecord& audit) {
  UnixMillis now = clock_.now_ms();
  auto stmt = c.prepare("DELETE FROM community_pins WHERE community_id = ? AND post_id = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, community_id).bind(2, post_id);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  if (c.changes() == 0) return Status::NotFound("that post is not pinned");
  return WriteAudit(c, community_id, audit, now);
}

Result<std::vector<Id>> ModerationRepository::Pins(Id community_id) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    auto stmt = c.prepare(
        "SELECT post_id FROM community_pins WHERE community_id = ? ORDER BY pinned_at DESC, "
        "post_id DESC LIMIT 20");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, community_id);
    return (*stmt)->collect_int64();
  });
}

Result<Report> ModerationRepository::File(Connection& c, Id id, Id post_id,
                                          std::optional<Id> community_id, Id reporter_id,
                                          const std::string& reason) {
  UnixMillis now = clock_.now_ms();
  auto existing =
      c.prepare("SELECT id FROM reports WHERE post_id = ? AND reporter_id = ? AND status = 'open'");
  if (!existing.ok()) return existing.status();
  (*existing)->bind(1, post_id).bind(2, reporter_id);
  auto row = (*existing)->step();
  if (!row.ok()) return row.status();
  if (*row) return LoadReport(c, (*existing)->column_int64(0));
  auto stmt = c.prepare(
      "INSERT INTO reports (id, post_id, community_id, reporter_id, reason, status, created_at) "
      "VALUES (?, ?, ?, ?, ?, 'open', ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)
      ->bind(1, id)
      .bind(2, post_id)
      .bind(3, community_id)
      .bind(4, reporter_id)
      .bind(5, reason)
      .bind(6, now);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  return LoadReport(c, id);
}

Result<Report> ModerationRepository::Find(Id id) {
  return store_.read([&](Connection& c) { return LoadReport(c, id); });
}

Result<Report> ModerationRepository::Find(Connection& c, Id id) { return LoadReport(c, id); }

Result<Page<Report>> ModerationRepository::List(std::optional<Id> community_id, bool open,
                                                const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<Report>> {
    auto stmt = c.prepare(
        "SELECT id, post_id, community_id, reporter_id, reason, status, action, note, "
        "resolved_by, created_at, resolved_at FROM reports "
        "WHERE community_id IS ?1 AND status = ?2 AND id < ?3 ORDER BY id DESC LIMIT ?4");
    if (!stmt.ok()) return stmt.status();
    (*stmt)
        ->bind(1, community_id)
        .bind(2, open ? "open" : "resolved")
        .bind(3, page.after_key.value_or(INT64_MAX))
        .bind(4, int64_t{page.limit + 1});
    return storage::ReadPage<Report>(
        **stmt, page.limit, [](storage::Statement& s) { return ReadReport(s); },
        [](const Report& r) { return r.id; });
  });
}

Result<Report> ModerationRepository::Resolve(Connection& c, Id id, ReportAction action,
                                             const std::string& note, Id resolved_by,
                                             const std::optional<AuditRecord>& audit) {
  UnixMillis now = clock_.now_ms();
  auto stmt = c.prepare(
      "UPDATE reports SET status = 'resolved', action = ?, note = ?, resolved_by = ?, "
      "resolved_at = ? WHERE id = ? AND status = 'open'");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, ActionName(action)).bind(2, note).bind(3, resolved_by).bind(4, now).bind(5, id);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  bool changed = c.changes() > 0;
  auto report = LoadReport(c, id);
  if (!report.ok()) return report.status();
  if (!changed) {
    return Status::Conflict("already_resolved", "that report is already resolved");
  }
  if (audit && report->community_id) {
    AGORA_RETURN_IF_ERROR(WriteAudit(c, *report->community_id, *audit, now));
  }
  return report;
}

}  // namespace agora::communities
