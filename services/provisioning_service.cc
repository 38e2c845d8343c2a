#include "services/provisioning_service.h"

#include <cctype>

#include "identity/scim_filter.h"
#include "identity/scim_user_sql.h"
#include "profiles/account_records.h"
#include "storage/rows.h"

namespace agora::services {
namespace {

using storage::Connection;

constexpr size_t kUserNameMaxBytes = 255;

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The profile rules' refusals as SCIM names them.
Status AsScim(const Status& status) {
  if (status.code() == StatusCode::kConflict)
    return Status::Conflict("uniqueness", status.message());
  if (status.code() == StatusCode::kUnprocessable) {
    return Status::InvalidArgument("invalidValue", status.message());
  }
  return status;
}

Status Taken(const char* what) {
  return Status::Conflict("uniqueness", std::string(what) + " belongs to another account");
}

Result<ScimUser> LoadScimUser(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(profiles::User user, profiles::LoadUser(c, id));
  ScimUser out;
  out.user = std::move(user);
  AGORA_ASSIGN_OR_RETURN(
      auto row,
      storage::ReadOne(
          c, "SELECT user_name, given_name, family_name FROM scim_users WHERE user_id = ?",
          [](storage::Statement& s) {
            return std::array{s.column_text(0), s.column_text(1), s.column_text(2)};
          },
          id));
  if (row) {
    out.user_name = (*row)[0];
    out.given_name = (*row)[1];
    out.family_name = (*row)[2];
  } else {
    out.user_name = out.user.username;
  }
  return out;
}

// The account another than `self` whose SCIM userName (or username, for accounts made
// elsewhere) is `user_name`, compared without case.
Result<bool> UserNameTaken(Connection& c, const std::string& user_name, Id self) {
  AGORA_ASSIGN_OR_RETURN(
      auto found,
      storage::ReadInt64(c,
                         "SELECT u.id FROM users u LEFT JOIN scim_users s ON s.user_id = u.id "
                         "WHERE lower(COALESCE(s.user_name, u.username)) = lower(?1) "
                         "AND u.id <> ?2 LIMIT 1",
                         user_name, self));
  return found.has_value();
}

Result<profiles::ProfileChanges> ProfileOf(const ScimUserWrite& w) {
  if (w.user_name.empty() || w.user_name.size() > kUserNameMaxBytes) {
    return Status::InvalidArgument("invalidValue", "userName is required (at most 255 bytes)");
  }
  profiles::ProfileChanges p;
  p.display_name = w.display_name;
  p.email = w.email;
  p.title = w.title;
  p.department = w.department;
  p.location = w.location;
  p.manager_id = w.manager_id;
  p.external_id = w.external_id;
  p.employee_number = w.employee_number;
  AGORA_RETURN_IF_ERROR(AsScim(profiles::ValidateProfile(p)));
  if (w.external_id.size() > profiles::ProfileLimits::kExternalIdMaxBytes) {
    return Status::InvalidArgument("invalidValue", "externalId is at most 255 bytes");
  }
  return p;
}

Status WriteScimNames(Connection& c, Id id, const ScimUserWrite& w) {
  auto status = storage::Run(
      c,
      "INSERT INTO scim_users (user_id, user_name, given_name, family_name) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (user_id) DO UPDATE SET user_name = excluded.user_name, "
      "given_name = excluded.given_name, family_name = excluded.family_name",
      id, w.user_name, w.given_name, w.family_name);
  if (!status.ok() && status.message().find("scim_users.user_name") != std::string::npos) {
    return Taken("userName");
  }
  return status;
}

}  // namespace

ProvisioningService::ProvisioningService(storage::Store& store, const Clock& clock,
                                         IdGenerator& ids, profiles::UserRepository& users,
                                         AccountService& accounts, CommunityService& communities)
    : store_(store),
      clock_(clock),
      ids_(ids),
      users_(users),
      accounts_(accounts),
      communities_(communities) {}

Result<identity::ProvisioningToken> ProvisioningService::Authenticate(std::string_view secret) {
  return identity::ResolveProvisioningToken(store_, secret);
}

Result<ScimUserPage> ProvisioningService::ListUsers(std::string_view filter, int64_t start_index,
                                                    int64_t count) {
  identity::SqlCondition condition{"1 = 1", {}};
  if (!filter.empty()) {
    AGORA_ASSIGN_OR_RETURN(identity::Filter parsed, identity::ParseFilter(filter));
    AGORA_ASSIGN_OR_RETURN(condition, identity::UserFilterSql(parsed));
  }
  start_index = std::max<int64_t>(1, start_index);
  count = std::clamp<int64_t>(count, 0, ScimLimits::kMaxCount);
  const std::string from =
      " FROM users u LEFT JOIN scim_users s ON s.user_id = u.id WHERE " + condition.sql;
  auto bind = [&](storage::Statement& stmt) {
    int index = 1;
    for (const auto& param : condition.params) {
      std::visit([&](const auto& value) { stmt.bind(index++, value); }, param);
    }
    return index;
  };
  return store_.read([&](Connection& c) -> Result<ScimUserPage> {
    ScimUserPage page;
    page.start_index = start_index;
    {
      std::string sql = "SELECT count(*)" + from;
      auto stmt = c.prepare(sql.c_str());
      if (!stmt.ok()) return stmt.status();
      bind(**stmt);
      AGORA_ASSIGN_OR_RETURN(bool row, (*stmt)->step());
      page.total = row ? (*stmt)->column_int64(0) : 0;
    }
    std::vector<Id> ids;
    {
      std::string sql = "SELECT u.id" + from + " ORDER BY u.id LIMIT ? OFFSET ?";
      auto stmt = c.prepare(sql.c_str());
      if (!stmt.ok()) return stmt.status();
      int next = bind(**stmt);
      (*stmt)->bind(next, count).bind(next + 1, start_index - 1);
      AGORA_ASSIGN_OR_RETURN(ids, (*stmt)->collect_int64());
    }
    for (Id id : ids) {
      AGORA_ASSIGN_OR_RETURN(ScimUser user, LoadScimUser(c, id));
      page.users.push_back(std::move(user));
    }
    return page;
  });
}

Result<ScimUser> ProvisioningService::GetUser(Id id) {
  return store_.read([&](Connection& c) { return LoadScimUser(c, id); });
}

Result<ScimUser> ProvisioningService::CreateUser(const identity::ProvisioningToken& by,
                                                 const ScimUserWrite& user) {
  return store_.Transact<ScimUser>(
      [&](storage::Transaction& tx) { return WriteCreate(tx, by, user); });
}

Result<ScimUser> ProvisioningService::EditUser(const identity::ProvisioningToken& by, Id id,
                                               const ScimUserEdit& edit) {
  return store_.Transact<ScimUser>([&](storage::Transaction& tx) -> Result<ScimUser> {
    AGORA_ASSIGN_OR_RETURN(ScimUser current, LoadScimUser(tx.connection(), id));
    AGORA_ASSIGN_OR_RETURN(ScimUserWrite next, edit(current));
    return WriteUpdate(tx, by, current, next);
  });
}

Status ProvisioningService::DeactivateUser(const identity::ProvisioningToken& by, Id id) {
  return store_.Transact([&](storage::Transaction& tx) -> Status {
    AGORA_ASSIGN_OR_RETURN(profiles::User user, profiles::LoadUser(tx.connection(), id));
    if (!user.active) return Status::Ok();
    return WriteActivation(tx, by, id, false);
  });
}

Result<ScimUser> ProvisioningService::WriteCreate(storage::Transaction& tx,
                                                  const identity::ProvisioningToken& by,
                                                  const ScimUserWrite& w) {
  Connection& c = tx.connection();
  AGORA_ASSIGN_OR_RETURN(profiles::ProfileChanges profile, ProfileOf(w));
  AGORA_ASSIGN_OR_RETURN(bool user_name_taken, UserNameTaken(c, w.user_name, 0));
  if (user_name_taken) return Taken("userName");
  if (!w.external_id.empty()) {
    AGORA_ASSIGN_OR_RETURN(auto holder, profiles::FindIdByExternalId(c, w.external_id));
    if (holder) return Taken("externalId");
  }
  AGORA_ASSIGN_OR_RETURN(auto email_holder, profiles::FindIdByEmail(c, w.email));
  if (email_holder) return Taken("the email");
  AGORA_ASSIGN_OR_RETURN(std::string username, profiles::FreeUsernameFor(c, w.user_name));
  Id id = ids_.next();
  UnixMillis now = clock_.now_ms();
  profiles::NewUser account;
  account.username = username;
  account.profile = std::move(profile);
  auto inserted = profiles::InsertUser(c, id, account, profiles::kUnusablePasswordHash, now);
  if (!inserted.ok()) return AsScim(inserted.status());
  AGORA_RETURN_IF_ERROR(WriteScimNames(c, id, w));
  AGORA_RETURN_IF_ERROR(Audit(tx, by, id, "scim_create"));
  AGORA_RETURN_IF_ERROR(communities_.ApplyMembershipRules(tx, id));
  if (!w.active) AGORA_RETURN_IF_ERROR(WriteActivation(tx, by, id, false));
  AGORA_ASSIGN_OR_RETURN(ScimUser created, LoadScimUser(c, id));
  tx.AfterCommitInOrder([this, user = created.user, has_manager = w.manager_id.has_value()] {
    users_.Committed(user, has_manager);
  });
  return created;
}

Result<ScimUser> ProvisioningService::WriteUpdate(storage::Transaction& tx,
                                                  const identity::ProvisioningToken& by,
                                                  const ScimUser& current,
                                                  const ScimUserWrite& next) {
  Connection& c = tx.connection();
  const Id id = current.user.id;
  AGORA_ASSIGN_OR_RETURN(profiles::ProfileChanges profile, ProfileOf(next));
  if (Lower(next.user_name) != Lower(current.user_name)) {
    AGORA_ASSIGN_OR_RETURN(bool taken, UserNameTaken(c, next.user_name, id));
    if (taken) return Taken("userName");
  }
  if (!next.external_id.empty() && next.external_id != current.user.external_id) {
    AGORA_ASSIGN_OR_RETURN(auto holder, profiles::FindIdByExternalId(c, next.external_id));
    if (holder && *holder != id) return Taken("externalId");
  }
  AGORA_ASSIGN_OR_RETURN(auto email_holder, profiles::FindIdByEmail(c, next.email));
  if (email_holder && *email_holder != id) return Taken("the email");
  UnixMillis now = clock_.now_ms();
  auto updated = profiles::UpdateUser(c, id, profile, now);
  if (!updated.ok()) return AsScim(updated.status());
  AGORA_RETURN_IF_ERROR(WriteScimNames(c, id, next));
  AGORA_RETURN_IF_ERROR(Audit(tx, by, id, "scim_update"));
  AGORA_RETURN_IF_ERROR(communities_.ApplyMembershipRules(tx, id));
  if (next.active != current.user.active) {
    AGORA_RETURN_IF_ERROR(WriteActivation(tx, by, id, next.active));
  }
  AGORA_ASSIGN_OR_RETURN(ScimUser edited, LoadScimUser(c, id));
  tx.AfterCommitInOrder(
      [this, user = edited.user, manager_changed = next.manager_id != current.user.manager_id] {
        users_.Committed(user, manager_changed);
      });
  return edited;
}

Status ProvisioningService::WriteActivation(storage::Transaction& tx,
                                            const identity::ProvisioningToken& by, Id id,
                                            bool active) {
  AGORA_RETURN_IF_ERROR(Audit(tx, by, id, active ? "scim_reactivate" : "scim_deactivate"));
  // The identity provider acts for nobody in person: the leaver stands as actor, so what they
  // owned passes to their manager, else to an admin.
  if (active) return accounts_.ReactivateInTransaction(tx, id, id).status();
  Status deactivated = accounts_.DeactivateInTransaction(tx, id, id, std::nullopt).status();
  if (deactivated.error_code() == "last_admin") {
    // RFC 7644 §3.12: "mutability" also covers a change the resource's state does not allow.
    return Status::InvalidArgument("mutability", deactivated.message());
  }
  return deactivated;
}

Status ProvisioningService::Audit(storage::Transaction& tx, const identity::ProvisioningToken& by,
                                  Id user_id, const char* action) {
  // actor_id must name an account; the token that acted is in scim_token_id and the note.
  return profiles::AppendAccountAudit(tx.connection(), ids_.next(), user_id, user_id, action,
                                      "scim token '" + by.name + "'", clock_.now_ms(), by.id);
}

}  // namespace agora::services
