#include "communities/community_repository.h"

#include <algorithm>
#include <unordered_set>

#include "core/name_key.h"
#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::communities {
namespace {

using storage::Connection;
using storage::Statement;

// The one column list of a Community row, and its mapper.
constexpr char kCommunityColumns[] =
    "id, name, description, visibility, created_by, members_count, created_at";

Community ReadCommunityRow(const Statement& s) {
  Community out;
  out.id = s.column_int64(0);
  out.name = s.column_text(1);
  out.description = s.column_text(2);
  out.visibility = ParseVisibility(s.column_text(3)).value_or(Visibility::kSecret);
  out.created_by = s.column_int64(4);
  out.members_count = s.column_int64(5);
  out.created_at = s.column_int64(6);
  return out;
}

constexpr auto kCommunityById =
    storage::Sql("SELECT ", kCommunityColumns, " FROM communities WHERE id = ?");
constexpr auto kCommunityList = storage::Sql(
    "SELECT ", kCommunityColumns,
    " FROM communities c WHERE c.id > ?1 AND instr(c.name_key, ?2) > 0 "
    "AND (c.visibility != 'secret' OR ?3 = 1 OR EXISTS (SELECT 1 FROM memberships m "
    "WHERE m.community_id = c.id AND m.user_id = ?4 AND m.state IN ('member', 'invited'))) "
    "AND (?6 = 0 OR EXISTS (SELECT 1 FROM memberships m WHERE m.community_id = c.id "
    "AND m.user_id = ?4 AND m.state IN ('member', 'invited'))) "
    "ORDER BY c.id LIMIT ?5");

Result<Community> Load(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto community,
                         storage::ReadOne(c, kCommunityById.data(), ReadCommunityRow, id));
  if (!community) return Status::NotFound("no such community");
  return std::move(*community);
}

Status RecountMembers(Connection& c, Id community_id) {
  return storage::Run(c,
                      "UPDATE communities SET members_count = (SELECT count(*) FROM memberships "
                      "WHERE community_id = ?1 AND state = 'member') WHERE id = ?1",
                      community_id);
}

// Keeps members_count right after one row changed from `was_member` to `is_member`: a step,
// not a recount, so that bringing N people into a community of M costs N, not N×M.
Status StepMembersCount(Connection& c, Id community_id, bool was_member, bool is_member) {
  if (was_member == is_member) return Status::Ok();
  return storage::Run(c, "UPDATE communities SET members_count = members_count + ? WHERE id = ?",
                      int64_t{is_member ? 1 : -1}, community_id);
}

Status NameTaken() { return Status::Conflict("name_taken", "a community with that name exists"); }

Status NameConflict(const Status& status) {
  return status.code() == StatusCode::kConflict ? NameTaken() : status;
}

// A name is taken when a community `actor` can see has its key: any listed one, or a secret one
// they belong to or are invited to. Secret communities they cannot see never clash, so trying a
// name tells nothing about them (the unique index covers listed communities only, for the same
// reason).
Status CheckNameFree(Connection& c, Id community_id, const std::string& name_key, Id actor) {
  AGORA_ASSIGN_OR_RETURN(
      auto clash, storage::ReadInt64(c,
                                     "SELECT 1 FROM communities c WHERE c.name_key = ?1 "
                                     "AND c.id != ?2 AND (c.visibility != 'secret' OR EXISTS ("
                                     "SELECT 1 FROM memberships m WHERE m.community_id = c.id "
                                     "AND m.user_id = ?3 AND m.state IN ('member', 'invited'))) "
                                     "LIMIT 1",
                                     name_key, community_id, actor));
  return clash ? NameTaken() : Status::Ok();
}

// The one column list of a Membership row, and its mapper.
constexpr char kMembershipColumns[] = "community_id, user_id, role, state, since, source";

Membership ReadMembershipRow(const Statement& s) {
  return Membership{s.column_int64(0),
                    s.column_int64(1),
                    ParseRole(s.column_text(2)).value_or(Role::kMember),
                    ParseState(s.column_text(3)).value_or(MembershipState::kMember),
                    s.column_int64(4),
                    ParseSource(s.column_text(5)).value_or(MembershipSource::kManual)};
}

constexpr auto kMembershipOf = storage::Sql(
    "SELECT ", kMembershipColumns, " FROM memberships WHERE community_id = ? AND user_id = ?");
// The membership's columns first (null without a row), so ReadMembershipRow reads them.
constexpr auto kAudiencesOf = storage::Sql(
    "SELECT m.community_id, m.user_id, m.role, m.state, m.since, m.source, c.id, c.visibility"
    " FROM communities c LEFT JOIN memberships m ON m.community_id = c.id AND m.user_id = ?2 "
    "WHERE c.id IN (SELECT value FROM json_each(?1))");
constexpr auto kMembershipsPage = storage::Sql(
    "SELECT ", kMembershipColumns,
    " FROM memberships WHERE community_id = ?1 AND state = ?2 "
    "AND (CAST(?3 AS TEXT) IS NULL OR role = ?3) AND user_id > ?4 ORDER BY user_id LIMIT ?5");

// The one column list of an audit log row, and its mapper.
constexpr char kAuditColumns[] =
    "id, actor_id, action, target_user_id, note, community_id, created_at";

AuditEntry ReadAuditRow(const Statement& s) {
  AuditEntry e;
  e.record = AuditRecord{s.column_int64(0), s.column_int64(1), s.column_text(2),
                         s.column_optional_int64(3), s.column_text(4)};
  e.community_id = s.column_int64(5);
  e.at = s.column_int64(6);
  return e;
}

constexpr auto kAuditPage = storage::Sql(
    "SELECT ", kAuditColumns,
    " FROM community_audit WHERE community_id = ? AND id < ? ORDER BY id DESC LIMIT ?");

}  // namespace

Status WriteAudit(Connection& c, Id community_id, const AuditRecord& a, UnixMillis now) {
  return storage::Run(
      c,
      "INSERT INTO community_audit (id, community_id, actor_id, action, target_user_id, note, "
      "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      a.id, community_id, a.actor_id, a.action, a.target_user, a.note, now);
}

// Names are stored NFC and compared by NameKey (core/name_key.h), here and in Update; see
// CheckNameFree for which communities a name may clash with.
Result<Community> CommunityRepository::Create(Connection& c, Id id, Id owner,
                                              const CommunityChanges& f, const AuditRecord& audit) {
  UnixMillis now = clock_.now_ms();
  std::string name_key = NameKey(f.name.value_or(""));
  AGORA_RETURN_IF_ERROR(CheckNameFree(c, id, name_key, owner));
  Status inserted = storage::Run(
      c,
      "INSERT INTO communities (id, name, name_key, description, visibility, created_by, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      id, NfcNormalized(f.name.value_or("")), name_key, f.description.value_or(""),
      VisibilityName(f.visibility.value_or(Visibility::kOpen)), owner, now, now);
  if (!inserted.ok()) return NameConflict(inserted);
  AGORA_RETURN_IF_ERROR(storage::Run(c,
                                     "INSERT INTO memberships (community_id, user_id, role, state, "
                                     "since) VALUES (?, ?, 'owner', 'member', ?)",
                                     id, owner, now));
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
  // COALESCE keeps a column whose change is absent (bound NULL).
  std::optional<std::string> name;
  std::optional<std::string> name_key;
  if (f.name) {
    name = NfcNormalized(*f.name);
    name_key = NameKey(*f.name);
    AGORA_RETURN_IF_ERROR(CheckNameFree(c, id, *name_key, audit.actor_id));
  }
  std::optional<std::string_view> visibility;
  if (f.visibility) visibility = VisibilityName(*f.visibility);
  Status updated = storage::Run(
      c,
      "UPDATE communities SET name = COALESCE(?1, name), name_key = COALESCE(?2, name_key), "
      "description = COALESCE(?3, description), visibility = COALESCE(?4, visibility), "
      "updated_at = ?5 WHERE id = ?6",
      name, name_key, f.description, visibility, now, id);
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
  return storage::ReadOne(c, kMembershipOf.data(), ReadMembershipRow, community_id, user_id);
}

Result<std::unordered_map<Id, CommunityAudience>> CommunityRepository::AudiencesOf(
    std::span<const Id> community_ids, Id user_id) {
  return store_.read([&](Connection& c) -> Result<std::unordered_map<Id, CommunityAudience>> {
    std::unordered_map<Id, CommunityAudience> out;
    AGORA_RETURN_IF_ERROR(storage::ForEachBatch(community_ids, [&](const std::string& batch) {
      return storage::ForEachRow(
          c, kAudiencesOf.data(),
          [&](const Statement& s) {
            CommunityAudience& audience = out[s.column_int64(6)];
            audience.visibility = ParseVisibility(s.column_text(7)).value_or(Visibility::kSecret);
            if (!s.column_is_null(0)) audience.membership = ReadMembershipRow(s);
          },
          batch, user_id);
    }));
    return out;
  });
}

Result<Page<Community>> CommunityRepository::List(const std::string& q, Id viewer,
                                                  bool include_secret, const PageRequest& page,
                                                  bool joined_only) {
  return store_.read([&](Connection& c) -> Result<Page<Community>> {
    auto stmt = c.prepare(kCommunityList.data());
    if (!stmt.ok()) return stmt.status();
    storage::BindAll(**stmt, page.after_key.value_or(0), NameKey(q), int64_t{include_secret},
                     viewer, int64_t{page.limit + 1}, int64_t{joined_only});
    return storage::ReadPage<Community>(**stmt, page.limit, ReadCommunityRow,
                                        [](const Community& community) { return community.id; });
  });
}

Status CommunityRepository::SetMembership(Connection& c, Id community_id, Id user_id, Role role,
                                          MembershipState state,
                                          const std::optional<AuditRecord>& audit,
                                          MembershipSource source) {
  UnixMillis now = clock_.now_ms();
  AGORA_ASSIGN_OR_RETURN(auto before, MembershipOf(c, community_id, user_id));
  // A row that stays in its state keeps its start and its source (a rule member made
  // moderator is still rule-managed); SET reads the row's old values, named by the table
  // (PostgreSQL finds a bare `state` ambiguous beside EXCLUDED's).
  AGORA_RETURN_IF_ERROR(storage::Run(
      c,
      "INSERT INTO memberships (community_id, user_id, role, state, since, source) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (community_id, user_id) DO UPDATE SET "
      "role = ?3, since = CASE WHEN memberships.state = ?4 THEN memberships.since ELSE ?5 END, "
      "source = CASE WHEN memberships.state = ?4 THEN memberships.source ELSE ?6 END, "
      "state = ?4",
      community_id, user_id, RoleName(role), StateName(state), now, SourceName(source)));
  AGORA_RETURN_IF_ERROR(StepMembersCount(c, community_id,
                                         before && before->state == MembershipState::kMember,
                                         state == MembershipState::kMember));
  if (audit) AGORA_RETURN_IF_ERROR(WriteAudit(c, community_id, *audit, now));
  return Status::Ok();
}

Status CommunityRepository::SetSource(Connection& c, Id community_id, Id user_id,
                                      MembershipSource source, const AuditRecord& audit) {
  AGORA_RETURN_IF_ERROR(
      storage::Run(c, "UPDATE memberships SET source = ? WHERE community_id = ? AND user_id = ?",
                   SourceName(source), community_id, user_id));
  return WriteAudit(c, community_id, audit, clock_.now_ms());
}

Status CommunityRepository::RemoveMembership(Connection& c, Id community_id, Id user_id,
                                             const std::optional<AuditRecord>& audit) {
  UnixMillis now = clock_.now_ms();
  AGORA_ASSIGN_OR_RETURN(auto before, MembershipOf(c, community_id, user_id));
  AGORA_RETURN_IF_ERROR(storage::Run(
      c, "DELETE FROM memberships WHERE community_id = ? AND user_id = ?", community_id, user_id));
  AGORA_RETURN_IF_ERROR(StepMembersCount(
      c, community_id, before && before->state == MembershipState::kMember, false));
  if (audit) AGORA_RETURN_IF_ERROR(WriteAudit(c, community_id, *audit, now));
  return Status::Ok();
}

Result<int64_t> CommunityRepository::CountOwners(Connection& c, Id community_id) {
  AGORA_ASSIGN_OR_RETURN(auto owners,
                         storage::ReadInt64(c,
                                            "SELECT count(*) FROM memberships "
                                            "WHERE community_id = ? AND role = 'owner' "
                                            "AND state = 'member'",
                                            community_id));
  return owners.value_or(0);
}

Result<std::vector<Id>> CommunityRepository::MembersInRole(Connection& c, Id community_id,
                                                           Role role, int limit) {
  return storage::ReadIds(
      c,
      "SELECT user_id FROM memberships WHERE community_id = ? AND state = 'member' AND role = ? "
      "ORDER BY user_id LIMIT ?",
      community_id, RoleName(role), int64_t{limit});
}

Result<Page<Membership>> CommunityRepository::Memberships(Id community_id, MembershipState state,
                                                          std::optional<Role> role,
                                                          const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<Membership>> {
    auto stmt = c.prepare(kMembershipsPage.data());
    if (!stmt.ok()) return stmt.status();
    std::optional<std::string_view> role_name;
    if (role) role_name = RoleName(*role);
    storage::BindAll(**stmt, community_id, StateName(state), role_name, page.after_key.value_or(0),
                     int64_t{page.limit + 1});
    return storage::ReadPage<Membership>(**stmt, page.limit, ReadMembershipRow,
                                         [](const Membership& m) { return m.user_id; });
  });
}

Result<std::vector<Membership>> CommunityRepository::AllMemberships(Connection& c,
                                                                    Id community_id) {
  std::vector<Membership> out;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c,
      storage::Sql("SELECT ", kMembershipColumns, " FROM memberships WHERE community_id = ?")
          .data(),
      [&](const Statement& s) { out.push_back(ReadMembershipRow(s)); }, community_id));
  return out;
}

Result<std::vector<Id>> CommunityRepository::OwnedAlone(Connection& c, Id user_id) {
  return storage::ReadIds(
      c,
      "SELECT m.community_id FROM memberships m WHERE m.user_id = ?1 AND m.role = 'owner' "
      "AND m.state = 'member' AND NOT EXISTS (SELECT 1 FROM memberships o "
      "WHERE o.community_id = m.community_id AND o.user_id != ?1 AND o.role = 'owner' "
      "AND o.state = 'member') ORDER BY m.community_id",
      user_id);
}

Result<std::vector<Id>> CommunityRepository::MemberCommunityIds(Id user_id) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    return storage::ReadIds(
        c, "SELECT community_id FROM memberships WHERE user_id = ? AND state = 'member'", user_id);
  });
}

Result<std::vector<Id>> CommunityRepository::MemberCommunityIds(Connection& c, Id user_id) {
  return storage::ReadIds(
      c, "SELECT community_id FROM memberships WHERE user_id = ? AND state = 'member'", user_id);
}

Result<std::vector<Id>> CommunityRepository::CoMembersAmong(Id user_id,
                                                            const std::vector<Id>& people) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    std::unordered_set<Id> shared;
    auto on_row = [&](Statement& s) { shared.insert(s.column_int64(0)); };
    AGORA_RETURN_IF_ERROR(storage::ForEachBatch(people, [&](const std::string& batch) {
      return storage::ForEachRow(
          c,
          "SELECT DISTINCT theirs.user_id FROM memberships theirs JOIN memberships mine "
          "ON mine.community_id = theirs.community_id AND mine.user_id = ?2 "
          "AND mine.state = 'member' WHERE theirs.state = 'member' "
          "AND theirs.user_id IN (SELECT value FROM json_each(?1))",
          on_row, batch, user_id);
    }));
    std::vector<Id> out;
    for (Id id : people) {
      if (shared.contains(id)) out.push_back(id);
    }
    return out;
  });
}

Result<std::vector<Id>> CommunityRepository::OpenCommunityIds() {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    return storage::ReadIds(c, "SELECT id FROM communities WHERE visibility = 'open'");
  });
}

Result<std::vector<Id>> CommunityRepository::CommunitiesWithMoreMembersThan(int64_t threshold) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    return storage::ReadIds(c, "SELECT id FROM communities WHERE members_count > ?", threshold);
  });
}

Result<std::optional<std::vector<Id>>> MembersUnlessLarge(Connection& c, Id community_id,
                                                          int64_t threshold) {
  return storage::IdsUnlessMoreThan(
      c, "SELECT members_count FROM communities WHERE id = ?",
      "SELECT user_id FROM memberships WHERE community_id = ? AND state = 'member'", community_id,
      threshold);
}

Result<Page<AuditEntry>> CommunityRepository::Audit(Id community_id, const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<AuditEntry>> {
    auto stmt = c.prepare(kAuditPage.data());
    if (!stmt.ok()) return stmt.status();
    storage::BindAll(**stmt, community_id, page.after_key.value_or(INT64_MAX),
                     int64_t{page.limit + 1});
    return storage::ReadPage<AuditEntry>(**stmt, page.limit, ReadAuditRow,
                                         [](const AuditEntry& e) { return e.record.id; });
  });
}

}  // namespace agora::communities
