#include "communities/community_repository.h"

#include <algorithm>
#include <cctype>

#include "storage/paging.h"

namespace agora::communities {
namespace {

using storage::Connection;

std::string NameKey(std::string_view name) {
  std::string key(name);
  std::transform(key.begin(), key.end(), key.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return key;
}

// LIKE pattern for "contains `q`", with LIKE's own wildcards escaped.
std::string ContainsPattern(const std::string& q) {
  std::string out = "%";
  for (char c : NameKey(q)) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

Result<Community> Load(Connection& c, Id id) {
  auto stmt = c.prepare(
      "SELECT id, name, description, visibility, created_by, members_count, created_at "
      "FROM communities WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, id);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such community");
  Community out;
  out.id = (*stmt)->column_int64(0);
  out.name = (*stmt)->column_text(1);
  out.description = (*stmt)->column_text(2);
  out.visibility = ParseVisibility((*stmt)->column_text(3)).value_or(Visibility::kSecret);
  out.created_by = (*stmt)->column_int64(4);
  out.members_count = (*stmt)->column_int64(5);
  out.created_at = (*stmt)->column_int64(6);
  return out;
}

Status RecountMembers(Connection& c, Id community_id) {
  auto stmt = c.prepare(
      "UPDATE communities SET members_count = (SELECT count(*) FROM memberships "
      "WHERE community_id = ?1 AND state = 'member') WHERE id = ?1");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, community_id);
  return (*stmt)->run();
}

Status NameConflict(const Status& status) {
  if (status.code() == StatusCode::kConflict) {
    return Status::Conflict("name_taken", "a community with that name exists");
  }
  return status;
}

}  // namespace

Status WriteAudit(Connection& c, Id community_id, const AuditRecord& a, UnixMillis now) {
  auto stmt = c.prepare(
      "INSERT INTO community_audit (id, community_id, actor_id, action, target_user_id, note, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)
      ->bind(1, a.id)
      .bind(2, community_id)
      .bind(3, a.actor_id)
      .bind(4, a.action)
      .bind(5, a.target_user)
      .bind(6, a.note)
      .bind(7, now);
  return (*stmt)->run();
}

Result<Community> CommunityRepository::Create(Connection& c, Id id, Id owner,
                                              const CommunityChanges& f, const AuditRecord& audit) {
  UnixMillis now = clock_.now_ms();
  auto stmt = c.prepare(
      "INSERT INTO communities (id, name, name_key, description, visibility, created_by, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)
      ->bind(1, id)
      .bind(2, f.name.value_or(""))
      .bind(3, NameKey(f.name.value_or("")))
      .bind(4, f.description.value_or(""))
      .bind(5, VisibilityName(f.visibility.value_or(Visibility::kOpen)))
      .bind(6, owner)
      .bind(7, now)
      .bind(8, now);
  Status inserted = (*stmt)->run();
  if (!inserted.ok()) return NameConflict(inserted);
  auto member = c.prepare(
      "INSERT INTO memberships (community_id, user_id, role, state, since) "
      "VALUES (?, ?, 'owner', 'member', ?)");
  if (!member.ok()) return member.status();
  (*member)->bind(1, id).bind(2, owner).bind(3, now);
  AGORA_RETURN_IF_ERROR((*member)->run());
  AGORA_RETURN_IF_ERROR(RecountMembers(c, id));
  AGORA_RETURN_IF_ERROR(WriteAudit(c, id, audit, now));
  return Load(c, id);
}

Result<Community> CommunityRepository::Find(Id id) {
  return store_.read([&](Connection& c) { return Load(c, id); });
}

Result<Community> CommunityRepository::Find(Connection& c, Id id) { return Load(c, id); }

Result<Community> CommunityRepository::Update(Connection& c, Id id, const CommunityChanges& f,
                                              const AuditRecord& audit) {
  UnixMillis now = clock_.now_ms();
  auto stmt = c.prepare(
      "UPDATE communities SET name = COALESCE(?1, name), name_key = COALESCE(?2, name_key), "
      "description = COALESCE(?3, description), visibility = COALESCE(?4, visibility), "
      "updated_at = ?5 WHERE id = ?6");
  if (!stmt.ok()) return stmt.status();
  if (f.name) {
    (*stmt)->bind(1, *f.name).bind(2, NameKey(*f.name));
  } else {
    (*stmt)->bind_null(1).bind_null(2);
  }
  if (f.description) {
    (*stmt)->bind(3, *f.description);
  } else {
    (*stmt)->bind_null(3);
  }
  if (f.visibility) {
    (*stmt)->bind(4, VisibilityName(*f.visibility));
  } else {
    (*stmt)->bind_null(4);
  }
  (*stmt)->bind(5, now).bind(6, id);
  Status updated = (*stmt)->run();
  if (!updated.ok()) return NameConflict(updated);
  if (c.changes() == 0) return Status::NotFound("no such community");
  AGORA_RETURN_IF_ERROR(WriteAudit(c, id, audit, now));
  return Load(c, id);
}

Status CommunityRepository::Record(Connection& c, Id community_id, const AuditRecord& audit) {
  return WriteAudit(c, community_id, audit, clock_.now_ms());
}

Result<std::optional<Membership>> CommunityRepository::MembershipOf(Id community_id, Id user_id) {
  return store_.read([&](Connection& c) { return MembershipOf(c, community_id, user_id); });
}

Result<std::optional<Membership>> CommunityRepository::MembershipOf(Connection& c, Id community_id,
                                                                    Id user_id) {
  auto stmt = c.prepare(
      "SELECT role, state, since FROM memberships WHERE community_id = ? AND user_id = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, community_id).bind(2, user_id);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Membership>();
  return std::optional<Membership>(
      Membership{community_id, user_id, ParseRole((*stmt)->column_text(0)).value_or(Role::kMember),
                 ParseState((*stmt)->column_text(1)).value_or(MembershipState::kMember),
                 (*stmt)->column_int64(2)});
}

Result<Page<Community>> CommunityRepository::List(const std::string& q, Id viewer,
                                                  bool include_secret, const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<Community>> {
    std::vector<Id> ids;
    {
      auto stmt = c.prepare(
          "SELECT id FROM communities c WHERE c.id > ?1 AND c.name_key LIKE ?2 ESCAPE '\\' "
          "AND (c.visibility != 'secret' OR ?3 OR EXISTS (SELECT 1 FROM memberships m "
          "WHERE m.community_id = c.id AND m.user_id = ?4 AND m.state IN ('member', 'invited'))) "
          "ORDER BY c.id LIMIT ?5");
      if (!stmt.ok()) return stmt.status();
      (*stmt)
          ->bind(1, page.after_key.value_or(0))
          .bind(2, ContainsPattern(q))
          .bind(3, int64_t{include_secret})
          .bind(4, viewer)
          .bind(5, int64_t{page.limit + 1});
      auto found = (*stmt)->collect_int64();
      if (!found.ok()) return found.status();
      ids = std::move(*found);
    }
    Page<Community> out;
    if (static_cast<int>(ids.size()) > page.limit) {
      ids.pop_back();
      out.next_cursor = IdToString(ids.back());
    }
    for (Id id : ids) {
      auto community = Load(c, id);
      if (!community.ok()) return community.status();
      out.items.push_back(std::move(*community));
    }
    return out;
  });
}

Status CommunityRepository::SetMembership(Connection& c, Id community_id, Id user_id, Role role,
                                          MembershipState state,
                                          const std::optional<AuditRecord>& audit) {
  UnixMillis now = clock_.now_ms();
  auto stmt = c.prepare(
      "INSERT INTO memberships (community_id, user_id, role, state, since) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (community_id, user_id) "
      "DO UPDATE SET role = ?3, since = CASE WHEN state = ?4 THEN since ELSE ?5 END, state = ?4");
  if (!stmt.ok()) return stmt.status();
  (*stmt)
      ->bind(1, community_id)
      .bind(2, user_id)
      .bind(3, RoleName(role))
      .bind(4, StateName(state))
      .bind(5, now);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  AGORA_RETURN_IF_ERROR(RecountMembers(c, community_id));
  if (audit) AGORA_RETURN_IF_ERROR(WriteAudit(c, community_id, *audit, now));
  return Status::Ok();
}

Status CommunityRepository::RemoveMembership(Connection& c, Id community_id, Id user_id,
                                             const std::optional<AuditRecord>& audit) {
  UnixMillis now = clock_.now_ms();
  auto stmt = c.prepare("DELETE FROM memberships WHERE community_id = ? AND user_id = ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, community_id).bind(2, user_id);
  AGORA_RETURN_IF_ERROR((*stmt)->run());
  AGORA_RETURN_IF_ERROR(RecountMembers(c, community_id));
  if (audit) AGORA_RETURN_IF_ERROR(WriteAudit(c, community_id, *audit, now));
  return Status::Ok();
}

Result<int64_t> CommunityRepository::CountOwners(Connection& c, Id community_id) {
  auto stmt = c.prepare(
      "SELECT count(*) FROM memberships WHERE community_id = ? AND role = 'owner' "
      "AND state = 'member'");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, community_id);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return (*stmt)->column_int64(0);
}

Result<std::vector<Id>> CommunityRepository::MembersInRole(Connection& c, Id community_id,
                                                           Role role, int limit) {
  auto stmt = c.prepare(
      "SELECT user_id FROM memberships WHERE community_id = ? AND state = 'member' AND role = ? "
      "ORDER BY user_id LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, community_id).bind(2, RoleName(role)).bind(3, int64_t{limit});
  return (*stmt)->collect_int64();
}

Result<Page<Membership>> CommunityRepository::Memberships(Id community_id, MembershipState state,
                                                          std::optional<Role> role,
                                                          const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<Membership>> {
    auto stmt = c.prepare(
        "SELECT user_id, role, since FROM memberships WHERE community_id = ?1 AND state = ?2 "
        "AND (?3 IS NULL OR role = ?3) AND user_id > ?4 ORDER BY user_id LIMIT ?5");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, community_id).bind(2, StateName(state));
    if (role) {
      (*stmt)->bind(3, RoleName(*role));
    } else {
      (*stmt)->bind_null(3);
    }
    (*stmt)->bind(4, page.after_key.value_or(0)).bind(5, int64_t{page.limit + 1});
    return storage::ReadPage<Membership>(
        **stmt, page.limit,
        [&](storage::Statement& s) {
          return Membership{community_id, s.column_int64(0),
                            ParseRole(s.column_text(1)).value_or(Role::kMember), state,
                            s.column_int64(2)};
        },
        [](const Membership& m) { return m.user_id; });
  });
}

Result<std::vector<Id>> CommunityRepository::MemberCommunityIds(Id user_id) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    auto stmt =
        c.prepare("SELECT community_id FROM memberships WHERE user_id = ? AND state = 'member'");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, user_id);
    return (*stmt)->collect_int64();
  });
}

Result<std::vector<Id>> CommunityRepository::OpenCommunityIds() {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    auto stmt = c.prepare("SELECT id FROM communities WHERE visibility = 'open'");
    if (!stmt.ok()) return stmt.status();
    return (*stmt)->collect_int64();
  });
}

Result<std::vector<Id>> CommunityRepository::CommunitiesWithMoreMembersThan(int64_t threshold) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    auto stmt = c.prepare("SELECT id FROM communities WHERE members_count > ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, threshold);
    return (*stmt)->collect_int64();
  });
}

Result<std::optional<std::vector<Id>>> MembersUnlessLarge(Connection& c, Id community_id,
                                                          int64_t threshold) {
  using Out = std::optional<std::vector<Id>>;
  {
    auto count = c.prepare("SELECT members_count FROM communities WHERE id = ?");
    if (!count.ok()) return count.status();
    (*count)->bind(1, community_id);
    auto row = (*count)->step();
    if (!row.ok()) return row.status();
    if (*row && (*count)->column_int64(0) > threshold) return Out();
  }
  auto stmt =
      c.prepare("SELECT user_id FROM memberships WHERE community_id = ? AND state = 'member'");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, community_id);
  auto ids = (*stmt)->collect_int64();
  if (!ids.ok()) return ids.status();
  return Out(std::move(*ids));
}

Result<Page<AuditEntry>> CommunityRepository::Audit(Id community_id, const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<AuditEntry>> {
    auto stmt = c.prepare(
        "SELECT id, actor_id, action, target_user_id, note, created_at FROM community_audit "
        "WHERE community_id = ? AND id < ? ORDER BY id DESC LIMIT ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)
        ->bind(1, community_id)
        .bind(2, page.after_key.value_or(INT64_MAX))
        .bind(3, int64_t{page.limit + 1});
    return storage::ReadPage<AuditEntry>(
        **stmt, page.limit,
        [&](storage::Statement& s) {
          AuditEntry e;
          e.record = AuditRecord{s.column_int64(0), s.column_int64(1), s.column_text(2),
                                 s.column_optional_int64(3), s.column_text(4)};
          e.community_id = community_id;
          e.at = s.column_int64(5);
          return e;
        },
        [](const AuditEntry& e) { return e.record.id; });
  });
}

}  // namespace agora::communities
