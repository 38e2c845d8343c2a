#include "communities/moderation.h"

#include "core/enum_names.h"
#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::communities {
namespace {

using storage::Connection;
using storage::Statement;

// The one column list of a Report row, and its mapper.
constexpr char kReportColumns[] =
    "id, post_id, community_id, reporter_id, reason, status, action, note, resolved_by, "
    "created_at, resolved_at";

Report ReadReport(const Statement& s) {
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

constexpr auto kReportById = storage::Sql("SELECT ", kReportColumns, " FROM reports WHERE id = ?");
constexpr auto kReportsPage =
    storage::Sql("SELECT ", kReportColumns,
                 " FROM reports WHERE community_id IS NOT DISTINCT FROM ?1 AND status = ?2 "
                 "AND id < ?3 ORDER BY id DESC LIMIT ?4");
constexpr auto kOpenReportOf =
    storage::Sql("SELECT ", kReportColumns,
                 " FROM reports WHERE post_id = ? AND reporter_id = ? AND status = 'open'");

Result<Report> LoadReport(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto report, storage::ReadOne(c, kReportById.data(), ReadReport, id));
  if (!report) return Status::NotFound("no such report");
  return std::move(*report);
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
  AGORA_RETURN_IF_ERROR(
      storage::Run(c,
                   "INSERT INTO community_pins (community_id, post_id, pinned_by, pinned_at) "
                   "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                   community_id, post_id, audit.actor_id, now));
  if (c.changes() == 0) return Status::Ok();
  return WriteAudit(c, community_id, audit, now);
}

Status ModerationRepository::Unpin(Connection& c, Id community_id, Id post_id,
                                   const AuditRecord& audit) {
  UnixMillis now = clock_.now_ms();
  AGORA_RETURN_IF_ERROR(
      storage::Run(c, "DELETE FROM community_pins WHERE community_id = ? AND post_id = ?",
                   community_id, post_id));
  if (c.changes() == 0) return Status::NotFound("that post is not pinned");
  return WriteAudit(c, community_id, audit, now);
}

Result<std::vector<Id>> ModerationRepository::Pins(Id community_id) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    return storage::ReadIds(c,
                            "SELECT post_id FROM community_pins WHERE community_id = ? "
                            "ORDER BY pinned_at DESC, post_id DESC LIMIT 20",
                            community_id);
  });
}

Result<Report> ModerationRepository::File(Connection& c, Id id, Id post_id,
                                          std::optional<Id> community_id, Id reporter_id,
                                          const std::string& reason) {
  UnixMillis now = clock_.now_ms();
  AGORA_ASSIGN_OR_RETURN(
      auto existing, storage::ReadOne(c, kOpenReportOf.data(), ReadReport, post_id, reporter_id));
  if (existing) return std::move(*existing);
  AGORA_RETURN_IF_ERROR(storage::Run(
      c,
      "INSERT INTO reports (id, post_id, community_id, reporter_id, reason, status, created_at) "
      "VALUES (?, ?, ?, ?, ?, 'open', ?)",
      id, post_id, community_id, reporter_id, reason, now));
  return LoadReport(c, id);
}

Result<Report> ModerationRepository::Find(Id id) {
  return store_.read([&](Connection& c) { return LoadReport(c, id); });
}

Result<Report> ModerationRepository::Find(Connection& c, Id id) { return LoadReport(c, id); }

Result<Page<Report>> ModerationRepository::List(std::optional<Id> community_id, bool open,
                                                const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<Report>> {
    auto stmt = c.prepare(kReportsPage.data());
    if (!stmt.ok()) return stmt.status();
    storage::BindAll(**stmt, community_id, open ? "open" : "resolved",
                     page.after_key.value_or(INT64_MAX), int64_t{page.limit + 1});
    return storage::ReadPage<Report>(**stmt, page.limit, ReadReport,
                                     [](const Report& r) { return r.id; });
  });
}

Result<Report> ModerationRepository::Resolve(Connection& c, Id id, ReportAction action,
                                             const std::string& note, Id resolved_by,
                                             const std::optional<AuditRecord>& audit) {
  UnixMillis now = clock_.now_ms();
  AGORA_RETURN_IF_ERROR(storage::Run(c,
                                     "UPDATE reports SET status = 'resolved', action = ?, "
                                     "note = ?, resolved_by = ?, resolved_at = ? "
                                     "WHERE id = ? AND status = 'open'",
                                     ActionName(action), note, resolved_by, now, id));
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
