#include "profiles/user_repository.h"

#include <span>
#include <string_view>
#include <unordered_set>

#include "core/name_key.h"
#include "storage/outbox.h"
#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::profiles {
namespace {

using storage::Connection;
using storage::Statement;

// The one column list of a User row, and its mapper.
constexpr char kUserColumns[] =
    "id, username, email, display_name, role, active, title, department, location, bio, "
    "manager_id, followers_count, following_count, created_at, updated_at, sales_ops, "
    "external_id, employee_number, guest_until";

User ReadUserRow(const Statement& s) {
  User u;
  u.id = s.column_int64(0);
  u.username = s.column_text(1);
  u.email = s.column_text(2);
  u.display_name = s.column_text(3);
  u.role = s.column_text(4) == "admin" ? Role::kAdmin : Role::kMember;
  u.active = s.column_int64(5) != 0;
  u.title = s.column_text(6);
  u.department = s.column_text(7);
  u.location = s.column_text(8);
  u.bio = s.column_text(9);
  u.manager_id = s.column_optional_int64(10);
  u.followers_count = s.column_int64(11);
  u.following_count = s.column_int64(12);
  u.created_at = s.column_int64(13);
  u.updated_at = s.column_int64(14);
  u.sales_ops = s.column_int64(15) != 0;
  u.external_id = s.column_text(16);
  u.employee_number = s.column_text(17);
  u.guest_until = s.column_optional_int64(18);
  return u;
}

// A UserSummary is a narrower projection of the same row.
constexpr char kSummaryColumns[] = "id, username, display_name, title, active";

UserSummary ReadSummaryRow(const Statement& s) {
  return UserSummary{s.column_int64(0), s.column_text(1), s.column_text(2), s.column_text(3),
                     s.column_int64(4) != 0};
}

constexpr auto kUsersByIds = storage::Sql(
    "SELECT ", kUserColumns, " FROM users WHERE id IN (SELECT value FROM json_each(?1))");
constexpr auto kUserByUsername =
    storage::Sql("SELECT ", kUserColumns, " FROM users WHERE username = ?");
constexpr auto kDirectReports = storage::Sql(
    "SELECT ", kUserColumns, " FROM users WHERE manager_id = ? AND id > ? ORDER BY id LIMIT ?");
constexpr auto kSummariesByIds = storage::Sql(
    "SELECT ", kSummaryColumns, " FROM users WHERE id IN (SELECT value FROM json_each(?1))");

Id UserKey(const User& u) { return u.id; }

// Fills the skills, languages and verified skills of `users` (an id may stand more than once): one
// statement per list and batch of users, never one per user.
Status LoadLists(Connection& c, std::span<User> users) {
  std::unordered_map<Id, std::vector<User*>> by_id;
  std::vector<Id> ids;
  for (User& u : users) {
    auto& copies = by_id[u.id];
    if (copies.empty()) ids.push_back(u.id);
    copies.push_back(&u);
  }
  auto append_to = [&](std::vector<std::string> User::*list) {
    return [&by_id, list](Statement& s) {
      for (User* u : by_id.at(s.column_int64(0))) (u->*list).push_back(s.column_text(1));
    };
  };
  AGORA_RETURN_IF_ERROR(storage::ForEachRowIn(
      c,
      "SELECT user_id, skill FROM user_skills WHERE user_id IN (SELECT value FROM json_each(?1)) "
      "ORDER BY user_id, position",
      ids, append_to(&User::skills)));
  AGORA_RETURN_IF_ERROR(storage::ForEachRowIn(c,
                                              "SELECT user_id, language FROM user_languages "
                                              "WHERE user_id IN (SELECT value FROM json_each(?1)) "
                                              "ORDER BY user_id, position",
                                              ids, append_to(&User::languages)));
  return storage::ForEachRowIn(
      c,
      "SELECT user_id, skill, quiz_id, passed_at, community_id FROM verified_skills "
      "WHERE user_id IN (SELECT value FROM json_each(?1)) ORDER BY user_id, passed_at, skill",
      ids, [&by_id](Statement& s) {
        for (User* u : by_id.at(s.column_int64(0))) {
          u->verified_skills.push_back(
              {s.column_text(1), s.column_int64(2), s.column_int64(3), s.column_optional_int64(4)});
        }
      });
}

// Full users for `ids` in that order (unknown ids skipped): a statement per batch for the rows
// and one per list.
Result<std::vector<User>> LoadUsers(Connection& c, std::span<const Id> ids) {
  AGORA_ASSIGN_OR_RETURN(auto found,
                         storage::ReadByIds(c, kUsersByIds.data(), ids, ReadUserRow, UserKey));
  std::vector<User> users = storage::InOrderOf(ids, found);
  AGORA_RETURN_IF_ERROR(LoadLists(c, users));
  return users;
}

Status ReplaceList(Connection& c, const char* delete_sql, const char* insert_sql, Id user_id,
                   const std::vector<std::string>& items) {
  auto del = c.prepare(delete_sql);
  if (!del.ok()) return del.status();
  (*del)->bind(1, user_id);
  AGORA_RETURN_IF_ERROR((*del)->run());
  for (size_t i = 0; i < items.size(); ++i) {
    auto ins = c.prepare(insert_sql);
    if (!ins.ok()) return ins.status();
    (*ins)->bind(1, user_id).bind(2, static_cast<int64_t>(i)).bind(3, items[i]);
    AGORA_RETURN_IF_ERROR((*ins)->run());
  }
  return Status::Ok();
}

// Skills are shown as typed, NFC-normalised.
Status ReplaceSkills(Connection& c, Id user_id, const std::vector<std::string>& skills) {
  std::vector<std::string> composed;
  composed.reserve(skills.size());
  for (const auto& skill : skills) composed.push_back(NfcNormalized(skill));
  return ReplaceList(c, "DELETE FROM user_skills WHERE user_id = ?",
                     "INSERT INTO user_skills (user_id, position, skill) VALUES (?, ?, ?)", user_id,
                     composed);
}

Status ReplaceLanguages(Connection& c, Id user_id, const std::vector<std::string>& languages) {
  return ReplaceList(c, "DELETE FROM user_languages WHERE user_id = ?",
                     "INSERT INTO user_languages (user_id, position, language) VALUES (?, ?, ?)",
                     user_id, languages);
}

// A manager must exist, and naming them must not close a loop in the org chart.
Status CheckManager(Connection& c, Id user_id, Id manager_id) {
  if (manager_id == user_id) {
    return Status::Unprocessable("invalid_manager", "a person cannot be their own manager");
  }
  Id current = manager_id;
  for (int hops = 0; hops < 10000; ++hops) {
    AGORA_ASSIGN_OR_RETURN(auto row,
                           storage::ReadOne(
                               c, "SELECT manager_id FROM users WHERE id = ?",
                               [](Statement& s) { return s.column_optional_int64(0); }, current));
    if (!row) {
      if (current == manager_id) {
        return Status::Unprocessable("invalid_manager", "manager_id names no known person");
      }
      return Status::Ok();
    }
    std::optional<Id> next = *row;
    if (!next) return Status::Ok();
    if (*next == user_id) {
      return Status::Unprocessable("invalid_manager",
                                   "that manager reports to this person: the org chart would loop");
    }
    current = *next;
  }
  return Status::Unprocessable("invalid_manager", "the management chain is too long");
}

// After the users row of `id` was written: the lists `p` changes, the outbox entry, and the
// user as now stored.
Result<User> WriteListsAndReload(Connection& c, Id id, const ProfileChanges& p) {
  if (p.skills) AGORA_RETURN_IF_ERROR(ReplaceSkills(c, id, *p.skills));
  if (p.languages) AGORA_RETURN_IF_ERROR(ReplaceLanguages(c, id, *p.languages));
  AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kUser, id));
  return LoadUser(c, id);
}

// Names which unique column a constraint failure hit.
Status UniqueViolation(const Status& status) {
  if (status.message().find("users.username") != std::string::npos) {
    return Status::Conflict("username_taken", "that username is taken");
  }
  if (status.message().find("users.email") != std::string::npos) {
    return Status::Conflict("email_taken", "that email belongs to another account");
  }
  if (status.message().find("users.external_id") != std::string::npos) {
    return Status::Conflict("external_id_taken", "that external_id belongs to another account");
  }
  return status;
}

UserSummary SummaryOf(const User& u) {
  return {u.id, u.username, u.display_name, u.title, u.active};
}

}  // namespace

Result<User> LoadUser(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(auto users, LoadUsers(c, std::span<const Id>(&id, 1)));
  if (users.empty()) return Status::NotFound("no such user");
  return std::move(users.front());
}

Result<User> UserRepository::Insert(Id id, const NewUser& user, const std::string& password_hash) {
  UnixMillis now = clock_.now_ms();
  auto created = store_.write_value<User>(
      [&](Connection& c) { return InsertUser(c, id, user, password_hash, now); });
  if (created.ok()) Committed(*created, user.profile.manager_id.has_value());
  return created;
}

void UserRepository::Committed(const User& user, bool manager_changed) {
  summaries_.Put(user.id, SummaryOf(user));
  if (manager_changed) ++org_chart_changes_;
}

Result<User> UserRepository::FindById(Id id) {
  return store_.read([&](Connection& c) { return LoadUser(c, id); });
}

Result<User> UserRepository::FindByUsername(std::string_view username) {
  std::string key = NormalizeUsername(username);
  return store_.read([&](Connection& c) -> Result<User> {
    AGORA_ASSIGN_OR_RETURN(auto user,
                           storage::ReadOne(c, kUserByUsername.data(), ReadUserRow, key));
    if (!user) return Status::NotFound("no such user");
    AGORA_RETURN_IF_ERROR(LoadLists(c, std::span<User>(&*user, 1)));
    return std::move(*user);
  });
}

Result<Credentials> UserRepository::FindCredentials(std::string_view username) {
  std::string key = NormalizeUsername(username);
  return store_.read([&](Connection& c) -> Result<Credentials> {
    AGORA_ASSIGN_OR_RETURN(
        auto credentials,
        storage::ReadOne(
            c,
            "SELECT id, password_hash, role, sales_ops, active, guest_until FROM users "
            "WHERE username = ?",
            [](Statement& s) {
              return Credentials{s.column_int64(0),
                                 s.column_text(1),
                                 s.column_text(2) == "admin" ? Role::kAdmin : Role::kMember,
                                 s.column_int64(3) != 0,
                                 s.column_int64(4) != 0,
                                 s.column_optional_int64(5)};
            },
            key));
    if (!credentials) return Status::NotFound("no such user");
    return std::move(*credentials);
  });
}

Result<std::vector<UserSummary>> UserRepository::Summaries(const std::vector<Id>& ids) {
  std::vector<UserSummary> out;
  out.reserve(ids.size());
  std::vector<size_t> missing;  // positions in `ids`
  std::vector<std::optional<UserSummary>> found(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    found[i] = summaries_.Get(ids[i]);
    if (!found[i]) missing.push_back(i);
  }
  if (!missing.empty()) {
    uint64_t generation = summaries_.Generation();
    Status status = store_.read([&](Connection& c) -> Status {
      std::vector<Id> missing_ids;
      missing_ids.reserve(missing.size());
      for (size_t i : missing) missing_ids.push_back(ids[i]);
      AGORA_ASSIGN_OR_RETURN(
          auto loaded, storage::ReadByIds(c, kSummariesByIds.data(), missing_ids, ReadSummaryRow,
                                          [](const UserSummary& u) { return u.id; }));
      for (size_t i : missing) {
        auto it = loaded.find(ids[i]);
        if (it != loaded.end()) found[i] = it->second;
      }
      return Status::Ok();
    });
    if (!status.ok()) return status;
    for (size_t i : missing) {
      if (found[i]) summaries_.Offer(ids[i], *found[i], generation);
    }
  }
  for (auto& summary : found) {
    if (summary) out.push_back(std::move(*summary));
  }
  return out;
}

Result<Page<User>> UserRepository::DirectReports(Id manager_id, const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<User>> {
    auto stmt = c.prepare(kDirectReports.data());
    if (!stmt.ok()) return stmt.status();
    storage::BindAll(**stmt, manager_id, page.after_key.value_or(0), int64_t{page.limit + 1});
    AGORA_ASSIGN_OR_RETURN(auto out,
                           storage::ReadPage<User>(**stmt, page.limit, ReadUserRow, UserKey));
    AGORA_RETURN_IF_ERROR(LoadLists(c, out.items));
    return out;
  });
}

Result<std::vector<Id>> UserRepository::IdsAfter(Id after, int limit) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    return storage::ReadIds(c, "SELECT id FROM users WHERE id > ? ORDER BY id LIMIT ?", after,
                            int64_t{limit});
  });
}

Result<int64_t> UserRepository::Count() {
  return store_.read([&](Connection& c) -> Result<int64_t> {
    AGORA_ASSIGN_OR_RETURN(auto count, storage::ReadInt64(c, "SELECT count(*) FROM users"));
    return count.value_or(0);
  });
}

Result<std::vector<User>> UserRepository::FindMany(const std::vector<Id>& ids) {
  return store_.read([&](Connection& c) { return LoadUsers(c, ids); });
}

Result<bool> UserExists(Connection& c, Id id) {
  AGORA_ASSIGN_OR_RETURN(
      auto row, storage::ReadOne(
                    c, "SELECT 1 FROM users WHERE id = ?", [](Statement&) { return true; }, id));
  return row.has_value();
}

Result<std::vector<Id>> PeopleUnder(Connection& c, Id root) {
  // UNION, not UNION ALL: a loop written around CheckManager could never recurse forever.
  return storage::ReadIds(c,
                          "WITH RECURSIVE under(id) AS (SELECT id FROM users WHERE manager_id = ?1 "
                          "UNION SELECT u.id FROM users u JOIN under ON u.manager_id = under.id) "
                          "SELECT id FROM under ORDER BY id",
                          root);
}

Result<bool> IsAbove(Connection& c, Id manager, Id person) {
  AGORA_ASSIGN_OR_RETURN(
      auto found,
      storage::ReadInt64(c,
                         "WITH RECURSIVE up(id) AS (SELECT manager_id FROM users WHERE id = ?2 "
                         "UNION SELECT u.manager_id FROM users u JOIN up ON u.id = up.id "
                         "WHERE u.manager_id IS NOT NULL) "
                         "SELECT 1 FROM up WHERE id = ?1 LIMIT 1",
                         manager, person));
  return found.has_value();
}

Status SetRoles(Connection& c, Id id, Role role, bool sales_ops, UnixMillis now) {
  AGORA_RETURN_IF_ERROR(
      storage::Run(c, "UPDATE users SET role = ?, sales_ops = ?, updated_at = ? WHERE id = ?",
                   RoleName(role), static_cast<int64_t>(sales_ops), now, id));
  if (c.changes() == 0) return Status::NotFound("no such user");
  return Status::Ok();
}

Result<std::vector<Id>> ActiveAmong(Connection& c, const std::vector<Id>& ids) {
  std::unordered_set<Id> active;
  AGORA_RETURN_IF_ERROR(storage::ForEachRowIn(
      c, "SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?1)) AND active = 1", ids,
      [&](Statement& s) { active.insert(s.column_int64(0)); }));
  std::vector<Id> out;
  for (Id id : ids) {
    if (active.contains(id)) out.push_back(id);
  }
  return out;
}

Result<std::vector<Id>> GuestsAmong(Connection& c, const std::vector<Id>& ids) {
  std::unordered_set<Id> guests;
  AGORA_RETURN_IF_ERROR(
      storage::ForEachRowIn(c,
                            "SELECT id FROM users WHERE id IN (SELECT value FROM json_each(?1)) "
                            "AND guest_until IS NOT NULL",
                            ids, [&](Statement& s) { guests.insert(s.column_int64(0)); }));
  std::vector<Id> out;
  for (Id id : ids) {
    if (guests.contains(id)) out.push_back(id);
  }
  return out;
}

Status SetGuestUntil(Connection& c, Id id, UnixMillis guest_until, UnixMillis now) {
  AGORA_RETURN_IF_ERROR(storage::Run(
      c,
      "UPDATE users SET guest_until = ?, updated_at = ? WHERE id = ? AND guest_until IS NOT NULL",
      guest_until, now, id));
  if (c.changes() == 0) return Status::NotFound("no such guest");
  return Status::Ok();
}

Result<std::vector<Id>> ActiveIds(Connection& c, bool admins_only) {
  return storage::ReadIds(
      c, admins_only ? "SELECT id FROM users WHERE active = 1 AND role = 'admin' ORDER BY id"
                     : "SELECT id FROM users WHERE active = 1 ORDER BY id");
}

Result<User> InsertUser(Connection& c, Id id, const NewUser& user, const std::string& password_hash,
                        UnixMillis now) {
  const ProfileChanges& p = user.profile;
  if (p.manager_id && *p.manager_id) AGORA_RETURN_IF_ERROR(CheckManager(c, id, **p.manager_id));
  auto stmt = c.prepare(
      "INSERT INTO users (id, username, email, display_name, password_hash, role, title, "
      "department, location, bio, manager_id, created_at, updated_at, external_id, "
      "employee_number, guest_until, email_key) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?, ''), ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)
      ->bind(1, id)
      .bind(2, user.username)
      .bind(3, NfcNormalized(p.email.value_or("")))
      .bind(4, p.display_name.value_or(""))
      .bind(5, password_hash)
      .bind(6, RoleName(user.role))
      .bind(7, p.title.value_or(""))
      .bind(8, p.department.value_or(""))
      .bind(9, p.location.value_or(""))
      .bind(10, p.bio.value_or(""))
      .bind(11, p.manager_id.value_or(std::nullopt))
      .bind(12, now)
      .bind(13, now)
      .bind(14, p.external_id.value_or(""))
      .bind(15, p.employee_number.value_or(""))
      .bind(16, user.guest_until)
      .bind(17, NameKey(p.email.value_or("")));
  Status inserted = (*stmt)->run();
  if (!inserted.ok()) return UniqueViolation(inserted);
  return WriteListsAndReload(c, id, p);
}

Result<User> UpdateUser(Connection& c, Id id, const ProfileChanges& p, UnixMillis now) {
  AGORA_ASSIGN_OR_RETURN(bool exists, UserExists(c, id));
  if (!exists) return Status::NotFound("no such user");
  if (p.manager_id && *p.manager_id) AGORA_RETURN_IF_ERROR(CheckManager(c, id, **p.manager_id));
  // COALESCE keeps a column whose change is absent (bound NULL).
  auto stmt = c.prepare(
      "UPDATE users SET display_name = COALESCE(?1, display_name), "
      "email = COALESCE(?2, email), email_key = COALESCE(?13, email_key), "
      "title = COALESCE(?3, title), "
      "department = COALESCE(?4, department), location = COALESCE(?5, location), "
      "bio = COALESCE(?6, bio), "
      "manager_id = CASE WHEN ?7 = 1 THEN ?8 ELSE manager_id END, updated_at = ?9, "
      "external_id = CASE WHEN CAST(?11 AS TEXT) IS NULL THEN external_id "
      "ELSE NULLIF(?11, '') END, "
      "employee_number = COALESCE(?12, employee_number) WHERE id = ?10");
  if (!stmt.ok()) return stmt.status();
  auto bind_text = [&](int index, const std::optional<std::string>& value) {
    if (value) {
      (*stmt)->bind(index, *value);
    } else {
      (*stmt)->bind_null(index);
    }
  };
  bind_text(1, p.display_name);
  std::optional<std::string> email, email_key;
  if (p.email) {
    email = NfcNormalized(*p.email);
    email_key = NameKey(*p.email);
  }
  bind_text(2, email);
  bind_text(3, p.title);
  bind_text(4, p.department);
  bind_text(5, p.location);
  bind_text(6, p.bio);
  (*stmt)->bind(7, int64_t{p.manager_id.has_value()});
  (*stmt)->bind(8, p.manager_id.value_or(std::nullopt));
  (*stmt)->bind(9, now).bind(10, id);
  bind_text(11, p.external_id);
  bind_text(12, p.employee_number);
  bind_text(13, email_key);
  Status updated = (*stmt)->run();
  if (!updated.ok()) return UniqueViolation(updated);
  return WriteListsAndReload(c, id, p);
}

Status SetActive(Connection& c, Id id, bool active, UnixMillis now) {
  AGORA_RETURN_IF_ERROR(storage::Run(c, "UPDATE users SET active = ?, updated_at = ? WHERE id = ?",
                                     static_cast<int64_t>(active), now, id));
  if (c.changes() == 0) return Status::NotFound("no such user");
  return storage::AppendOutbox(c, storage::OutboxTopic::kUser, id);
}

namespace {

constexpr char kOrgEntryColumns[] =
    "SELECT id, manager_id, department, location, title, "
    "active = 1 AND guest_until IS NULL FROM users";

OrgEntry ReadOrgEntryRow(const Statement& s) {
  return OrgEntry{s.column_int64(0), s.column_optional_int64(1), s.column_text(2),
                  s.column_text(3),  s.column_text(4),           s.column_int64(5) != 0};
}

}  // namespace

Result<std::vector<OrgEntry>> OrgEntries(Connection& c) {
  std::vector<OrgEntry> out;
  AGORA_RETURN_IF_ERROR(
      storage::ForEachRow(c, (std::string(kOrgEntryColumns) + " ORDER BY id").c_str(),
                          [&](const Statement& s) { out.push_back(ReadOrgEntryRow(s)); }));
  return out;
}

Result<std::optional<OrgEntry>> OrgEntryOf(Connection& c, Id id) {
  return storage::ReadOne(c, (std::string(kOrgEntryColumns) + " WHERE id = ?").c_str(),
                          ReadOrgEntryRow, id);
}

Result<std::optional<Id>> FindIdByExternalId(Connection& c, std::string_view external_id) {
  return storage::ReadOne(
      c, "SELECT id FROM users WHERE external_id = ?",
      [](Statement& s) { return s.column_int64(0); }, std::string(external_id));
}

Result<std::optional<Id>> FindIdByEmail(Connection& c, std::string_view email) {
  return storage::ReadOne(
      c, "SELECT id FROM users WHERE email_key = ?", [](Statement& s) { return s.column_int64(0); },
      NameKey(email));
}

}  // namespace agora::profiles
