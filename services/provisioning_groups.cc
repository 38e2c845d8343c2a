// ProvisioningService's Groups: communities the identity provider made (a scim_groups row),
// and the members it manages in them (membership source "scim").
#include <algorithm>

#include "core/name_key.h"
#include "identity/scim_filter.h"
#include "services/provisioning_service.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

using identity::Filter;
using identity::FilterOp;
using storage::Connection;

constexpr std::string_view kGroupUrnLower = "urn:ietf:params:scim:schemas:core:2.0:group";

Status InvalidFilter(std::string message) {
  return Status::InvalidArgument("invalidFilter", std::move(message));
}

// Groups are few (a company's teams); a filter is evaluated on each in memory.
bool CompareText(FilterOp op, const std::string& have, const std::string& want, bool case_exact) {
  if (case_exact) return identity::CompareText(op, have, want);
  return identity::CompareText(op, NameKey(have), NameKey(want));  // as community names compare
}

// Whether a member's id (`value`) matches a filter inside members[...].
Result<bool> MemberMatches(const Filter& f, const ScimGroupMember& member) {
  switch (f.kind) {
    case Filter::Kind::kAnd:
    case Filter::Kind::kOr: {
      AGORA_ASSIGN_OR_RETURN(bool left, MemberMatches(f.operands[0], member));
      AGORA_ASSIGN_OR_RETURN(bool right, MemberMatches(f.operands[1], member));
      return f.kind == Filter::Kind::kAnd ? left && right : left || right;
    }
    case Filter::Kind::kNot: {
      AGORA_ASSIGN_OR_RETURN(bool inner, MemberMatches(f.operands[0], member));
      return !inner;
    }
    case Filter::Kind::kCompare:
      break;
  }
  if (f.path.attribute == "value") {
    return CompareText(f.op, std::to_string(member.user_id), f.value.text, true);
  }
  if (f.path.attribute == "display") {
    return CompareText(f.op, member.display_name, f.value.text, false);
  }
  return InvalidFilter("members have no sub-attribute '" + f.path.attribute + "'");
}

Result<bool> GroupMatches(const Filter& f, const ScimGroup& group) {
  switch (f.kind) {
    case Filter::Kind::kAnd:
    case Filter::Kind::kOr: {
      AGORA_ASSIGN_OR_RETURN(bool left, GroupMatches(f.operands[0], group));
      AGORA_ASSIGN_OR_RETURN(bool right, GroupMatches(f.operands[1], group));
      return f.kind == Filter::Kind::kAnd ? left && right : left || right;
    }
    case Filter::Kind::kNot: {
      AGORA_ASSIGN_OR_RETURN(bool inner, GroupMatches(f.operands[0], group));
      return !inner;
    }
    case Filter::Kind::kCompare:
      break;
  }
  const identity::AttributePath& p = f.path;
  if (!p.urn.empty() && p.urn != kGroupUrnLower) {
    return InvalidFilter("Groups have no schema '" + p.urn + "'");
  }
  if (p.attribute == "members") {
    // members[value eq "7"] (as Entra ID asks), members.value eq "7", members pr.
    if (p.value_filter && !p.sub_attribute.empty()) {
      return InvalidFilter("members[...] takes no sub-attribute in a filter");
    }
    if (!p.value_filter && p.sub_attribute.empty() && f.op == FilterOp::kPresent) {
      return !group.members.empty();
    }
    Filter per_member = p.value_filter ? *p.value_filter : f;
    if (!p.value_filter) {
      per_member.path = {"", p.sub_attribute.empty() ? "value" : p.sub_attribute, "", nullptr};
    }
    for (const auto& member : group.members) {
      AGORA_ASSIGN_OR_RETURN(bool hit, MemberMatches(per_member, member));
      if (hit) return true;
    }
    return false;
  }
  if (p.value_filter || !p.sub_attribute.empty()) {
    return InvalidFilter("'" + p.attribute + "' has no sub-attributes");
  }
  if (p.attribute == "id") {
    return CompareText(f.op, std::to_string(group.community.id), f.value.text, true);
  }
  if (p.attribute == "displayname") {
    return CompareText(f.op, group.community.name, f.value.text, false);
  }
  if (p.attribute == "externalid") {
    return CompareText(f.op, group.external_id, f.value.text, true);
  }
  return InvalidFilter("Groups cannot be filtered on '" + p.attribute + "'");
}

bool MentionsMembers(const Filter& f) {
  if (f.kind != Filter::Kind::kCompare) {
    return std::any_of(f.operands.begin(), f.operands.end(), MentionsMembers);
  }
  return f.path.attribute == "members";
}

Status LoadMembers(Connection& c, ScimGroup& group) {
  group.members.clear();
  return storage::ForEachRow(
      c,
      "SELECT m.user_id, u.display_name FROM memberships m JOIN users u ON u.id = m.user_id "
      "WHERE m.community_id = ? AND m.state = 'member' AND m.source = 'scim' ORDER BY m.user_id",
      [&](storage::Statement& s) {
        group.members.push_back({s.column_int64(0), s.column_text(1)});
      },
      group.community.id);
}

// Every Group (or only `only`), by id, without members.
Result<std::vector<ScimGroup>> LoadGroups(Connection& c, std::optional<Id> only) {
  std::vector<ScimGroup> out;
  AGORA_RETURN_IF_ERROR(storage::ForEachRow(
      c,
      "SELECT g.community_id, g.external_id, g.created_at, g.updated_at, c.name, c.created_by "
      "FROM scim_groups g JOIN communities c ON c.id = g.community_id "
      "WHERE CAST(?1 AS BIGINT) IS NULL OR g.community_id = ?1 ORDER BY g.community_id",
      [&](storage::Statement& s) {
        ScimGroup group;
        group.community.id = s.column_int64(0);
        group.external_id = s.column_text(1);
        group.created_at = s.column_int64(2);
        group.updated_at = s.column_int64(3);
        group.community.name = s.column_text(4);
        group.community.created_by = s.column_int64(5);
        out.push_back(std::move(group));
      },
      only));
  return out;
}

Result<ScimGroup> LoadGroup(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto groups, LoadGroups(c, id));
  if (groups.empty()) return Status::NotFound("no such Group");
  AGORA_RETURN_IF_ERROR(LoadMembers(c, groups[0]));
  return std::move(groups[0]);
}

Status Touch(Connection& c, Id id, const ScimGroupWrite& group, UnixMillis now) {
  return storage::Run(
      c, "UPDATE scim_groups SET external_id = ?, updated_at = ? WHERE community_id = ?",
      group.external_id, now, id);
}

// The profile rules' refusals as SCIM names them.
Status AsScim(const Status& status) {
  if (status.code() == StatusCode::kConflict) {
    return Status::Conflict("uniqueness", "another community has that displayName");
  }
  if (status.code() == StatusCode::kUnprocessable) {
    return Status::InvalidArgument("invalidValue", "displayName: " + status.message());
  }
  return status;
}

std::string NoteOf(const identity::ProvisioningToken& by) { return "scim token '" + by.name + "'"; }

}  // namespace

Result<ScimGroupPage> ProvisioningService::ListGroups(std::string_view filter, int64_t start_index,
                                                      int64_t count, bool with_members) {
  std::optional<Filter> parsed;
  if (!filter.empty()) {
    AGORA_ASSIGN_OR_RETURN(parsed, identity::ParseFilter(filter));
  }
  start_index = std::max<int64_t>(1, start_index);
  count = std::clamp<int64_t>(count, 0, ScimLimits::kMaxCount);
  return store_.read([&](Connection& c) -> Result<ScimGroupPage> {
    AGORA_ASSIGN_OR_RETURN(auto groups, LoadGroups(c, std::nullopt));
    bool need_members = parsed && MentionsMembers(*parsed);
    ScimGroupPage page;
    page.start_index = start_index;
    for (auto& group : groups) {
      if (parsed) {
        if (need_members) AGORA_RETURN_IF_ERROR(LoadMembers(c, group));
        AGORA_ASSIGN_OR_RETURN(bool matches, GroupMatches(*parsed, group));
        if (!matches) continue;
      }
      ++page.total;
      if (page.total < start_index || static_cast<int64_t>(page.groups.size()) >= count) continue;
      if (with_members && !need_members) AGORA_RETURN_IF_ERROR(LoadMembers(c, group));
      if (!with_members) group.members.clear();
      page.groups.push_back(std::move(group));
    }
    return page;
  });
}

Result<ScimGroup> ProvisioningService::GetGroup(Id id) {
  return store_.read([&](Connection& c) { return LoadGroup(c, id); });
}

Result<ScimGroup> ProvisioningService::CreateGroup(const identity::ProvisioningToken& by,
                                                   const ScimGroupWrite& group) {
  return store_.Transact<ScimGroup>([&](storage::Transaction& tx) -> Result<ScimGroup> {
    Connection& c = tx.connection();
    // The owner: the first active admin (people are never guests and admins at once).
    AGORA_ASSIGN_OR_RETURN(
        auto owner,
        storage::ReadInt64(
            c, "SELECT id FROM users WHERE role = 'admin' AND active = 1 ORDER BY id LIMIT 1"));
    if (!owner) {
      return Status::InvalidArgument("invalidValue",
                                     "Agora has no active admin to own the community; make one "
                                     "with `agora user add --admin`");
    }
    communities::CommunityChanges fields;
    fields.name = group.display_name;
    fields.visibility = communities::Visibility::kPrivate;
    auto created = communities_.CreateProvisioned(tx, *owner, fields, NoteOf(by));
    if (!created.ok()) return AsScim(created.status());
    UnixMillis now = clock_.now_ms();
    AGORA_RETURN_IF_ERROR(
        storage::Run(c,
                     "INSERT INTO scim_groups (community_id, external_id, created_at, updated_at) "
                     "VALUES (?, ?, ?, ?)",
                     created->id, group.external_id, now, now));
    AGORA_RETURN_IF_ERROR(
        communities_.SetProvisionedMembers(tx, created->id, group.members, NoteOf(by)));
    return LoadGroup(c, created->id);
  });
}

Result<ScimGroup> ProvisioningService::EditGroup(const identity::ProvisioningToken& by, Id id,
                                                 const ScimGroupEdit& edit) {
  return store_.Transact<ScimGroup>([&](storage::Transaction& tx) -> Result<ScimGroup> {
    Connection& c = tx.connection();
    AGORA_ASSIGN_OR_RETURN(ScimGroup current, LoadGroup(c, id));
    AGORA_ASSIGN_OR_RETURN(ScimGroupWrite next, edit(current));
    AGORA_RETURN_IF_ERROR(
        AsScim(communities_.RenameProvisioned(tx, id, next.display_name, NoteOf(by))));
    AGORA_RETURN_IF_ERROR(communities_.SetProvisionedMembers(tx, id, next.members, NoteOf(by)));
    AGORA_RETURN_IF_ERROR(Touch(c, id, next, clock_.now_ms()));
    return LoadGroup(c, id);
  });
}

Status ProvisioningService::DeleteGroup(const identity::ProvisioningToken& by, Id id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    Connection& c = tx.connection();
    AGORA_RETURN_IF_ERROR(LoadGroup(c, id).status());
    AGORA_RETURN_IF_ERROR(communities_.UnlinkProvisioned(tx, id, NoteOf(by)));
    return storage::Run(c, "DELETE FROM scim_groups WHERE community_id = ?", id);
  });
}

}  // namespace agora::services
