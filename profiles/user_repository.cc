#include "profiles/user_repository.h"

#include <string_view>

#include "storage/outbox.h"

namespace agora::profiles {
namespace {

using storage::Connection;
using storage::Statement;

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
  return u;
}

Result<std::vector<std::string>> LoadList(Connection& c, const char* sql, Id user_id) {
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, user_id);
  std::vector<std::string> out;
  for (;;) {
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back((*stmt)->column_text(0));
  }
  return out;
}

Status LoadLists(Connection& c, User& u) {
  auto skills =
      LoadList(c, "SELECT skill FROM user_skills WHERE user_id = ? ORDER BY position", u.id);
  if (!skills.ok()) return skills.status();
  auto languages =
      LoadList(c, "SELECT language FROM user_languages WHERE user_id = ? ORDER BY position", u.id);
  if (!languages.ok()) return languages.status();
  u.skills = std::move(*skills);
  u.languages = std::move(*languages);
  return Status::Ok();
}

Result<User> LoadUserWhere(Connection& c, const char* sql, auto bind_key) {
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  bind_key(**stmt);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such user");
  User u = ReadUserRow(**stmt);
  AGORA_RETURN_IF_ERROR(LoadLists(c, u));
  return u;
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

Status ReplaceSkills(Connection& c, Id user_id, const std::vector<std::string>& skills) {
  return ReplaceList(c, "DELETE FROM user_skills WHERE user_id = ?",
                     "INSERT INTO user_skills (user_id, position, skill) VALUES (?, ?, ?)", user_id,
                     skills);
}

Status ReplaceLanguages(Connection& c, Id user_id, const std::vector<std::string>& languages) {
  return ReplaceList(c, "DELETE FROM user_languages WHERE user_id = ?",
                     "INSERT INTO user_languages (user_id, position, language) VALUES (?, ?, ?)",
                     user_id, languages);
}

Result<bool> Exists(Connection& c, const char* sql, auto bind_key) {
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  bind_key(**stmt);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return *row;
}

// A manager must exist, and naming them must not close a loop in the org chart.
Status CheckManager(Connection& c, Id user_id, Id manager_id) {
  if (manager_id == user_id) {
    return Status::Unprocessable("invalid_manager", "a person cannot be their own manager");
  }
  Id current = manager_id;
  for (int hops = 0; hops < 10000; ++hops) {
    auto stmt = c.prepare("SELECT manager_id FROM users WHERE id = ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, current);
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    if (!*row) {
      if (current == manager_id) {
        return Status::Unprocessable("invalid_manager", "manager_id names no known person");
      }
      return Status::Ok();
    }
    auto next = (*stmt)->column_optional_int64(0);
    if (!next) return Status::Ok();
    if (*next == user_id) {
      return Status::Unprocessable("invalid_manager",
                                   "that manager reports to this person: the org chart would loop");
    }
    current = *next;
  }
  return Status::Unprocessable("invalid_manager", "the management chain is too long");
}

// Names which unique column a constraint failure hit.
Status UniqueViolation(const Status& status) {
  if (status.message().find("users.username") != std::string::npos) {
    return Status::Conflict("username_taken", "that username is taken");
  }
  if (status.message().find("users.email") != std::string::npos) {
    return Status::Conflict("email_taken", "that email belongs to another account");
  }
  return status;
}

UserSummary SummaryOf(const User& u) {
  return {u.id, u.username, u.display_name, u.title, u.active};
}

}  // namespace

Result<User> LoadUser(Connection& c, Id id) {
  return LoadUserWhere(c,
                       "SELECT id, username, email, display_name, role, active, title, "
                       "department, location, bio, manager_id, followers_count, "
                       "following_count, created_at, updated_at FROM users WHERE id = ?",
                       [&](Statement& s) { s.bind(1, id); });
}

Result<User> UserRepository::Insert(Id id, const NewUser& user, const std::string& password_hash) {
  UnixMillis now = clock_.now_ms();
  const ProfileChanges& p = user.profile;
  return store_.write_value<User>([&](Connection& c) -> Result<User> {
    if (p.manager_id && *p.manager_id) AGORA_RETURN_IF_ERROR(CheckManager(c, id, **p.manager_id));
    auto stmt = c.prepare(
        "INSERT INTO users (id, username, email, display_name, password_hash, role, title, "
        "department, location, bio, manager_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt.ok()) return stmt.status();
    (*stmt)
        ->bind(1, id)
        .bind(2, user.username)
        .bind(3, p.email.value_or(""))
        .bind(4, p.display_name.value_or(""))
        .bind(5, password_hash)
        .bind(6, RoleName(user.role))
        .bind(7, p.title.value_or(""))
        .bind(8, p.department.value_or(""))
        .bind(9, p.location.value_or(""))
        .bind(10, p.bio.value_or(""))
        .bind(11, p.manager_id.value_or(std::nullopt))
        .bind(12, now)
        .bind(13, now);
    Status inserted = (*stmt)->run();
    if (!inserted.ok()) return UniqueViolation(inserted);
    if (p.skills) AGORA_RETURN_IF_ERROR(ReplaceSkills(c, id, *p.skills));
    if (p.languages) AGORA_RETURN_IF_ERROR(ReplaceLanguages(c, id, *p.languages));
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kUser, id));
    return LoadUser(c, id);
  });
}

Result<User> UserRepository::FindById(Id id) {
  return store_.read([&](Connection& c) { return LoadUser(c, id); });
}

Result<User> UserRepository::FindByUsername(std::string_view username) {
  std::string key = NormalizeUsername(username);
  return store_.read([&](Connection& c) {
    return LoadUserWhere(c,
                         "SELECT id, username, email, display_name, role, active, title, "
                         "department, location, bio, manager_id, followers_count, "
                         "following_count, created_at, updated_at FROM users WHERE username = ?",
                         [&](Statement& s) { s.bind(1, key); });
  });
}

Result<Credentials> UserRepository::FindCredentials(std::string_view username) {
  std::string key = NormalizeUsername(username);
  return store_.read([&](Connection& c) -> Result<Credentials> {
    auto stmt = c.prepare("SELECT id, password_hash, role, active FROM users WHERE username = ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, key);
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no such user");
    Credentials out{(*stmt)->column_int64(0), (*stmt)->column_text(1),
                    (*stmt)->column_text(2) == "admin" ? Role::kAdmin : Role::kMember,
                    (*stmt)->column_int64(3) != 0};
    return out;
  });
}

Result<User> UserRepository::Update(Id id, const ProfileChanges& p) {
  UnixMillis now = clock_.now_ms();
  auto updated = store_.write_value<User>([&](Connection& c) -> Result<User> {
    auto exists =
        Exists(c, "SELECT 1 FROM users WHERE id = ?", [&](Statement& s) { s.bind(1, id); });
    if (!exists.ok()) return exists.status();
    if (!*exists) return Status::NotFound("no such user");
    if (p.manager_id && *p.manager_id) AGORA_RETURN_IF_ERROR(CheckManager(c, id, **p.manager_id));
    // COALESCE keeps a column whose change is absent (bound NULL).
    auto stmt = c.prepare(
        "UPDATE users SET display_name = COALESCE(?1, display_name), "
        "email = COALESCE(?2, email), title = COALESCE(?3, title), "
        "department = COALESCE(?4, department), location = COALESCE(?5, location), "
        "bio = COALESCE(?6, bio), "
        "manager_id = CASE WHEN ?7 THEN ?8 ELSE manager_id END, updated_at = ?9 WHERE id = ?10");
    if (!stmt.ok()) return stmt.status();
    auto bind_text = [&](int index, const std::optional<std::string>& value) {
      if (value) {
        (*stmt)->bind(index, *value);
      } else {
        (*stmt)->bind_null(index);
      }
    };
    bind_text(1, p.display_name);
    bind_text(2, p.email);
    bind_text(3, p.title);
    bind_text(4, p.department);
    bind_text(5, p.location);
    bind_text(6, p.bio);
    (*stmt)->bind(7, int64_t{p.manager_id.has_value()});
    (*stmt)->bind(8, p.manager_id.value_or(std::nullopt));
    (*stmt)->bind(9, now).bind(10, id);
    Status updated = (*stmt)->run();
    if (!updated.ok()) return UniqueViolation(updated);
    if (p.skills) AGORA_RETURN_IF_ERROR(ReplaceSkills(c, id, *p.skills));
    if (p.languages) AGORA_RETURN_IF_ERROR(ReplaceLanguages(c, id, *p.languages));
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kUser, id));
    return LoadUser(c, id);
  });
  if (updated.ok()) summaries_.Put(id, SummaryOf(*updated));
  return updated;
}

Status UserRepository::Deactivate(Id id) {
  UnixMillis now = clock_.now_ms();
  std::optional<UserSummary> deactivated;
  Status status = store_.write([&](Connection& c) -> Status {
    auto stmt = c.prepare("UPDATE users SET active = 0, updated_at = ? WHERE id = ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, now).bind(2, id);
    AGORA_RETURN_IF_ERROR((*stmt)->run());
    if (c.changes() == 0) return Status::NotFound("no such user");
    AGORA_RETURN_IF_ERROR(storage::AppendOutbox(c, storage::OutboxTopic::kUser, id));
    auto user = LoadUser(c, id);
    if (!user.ok()) return user.status();
    deactivated = SummaryOf(*user);
    return Status::Ok();
  });
  if (status.ok()) summaries_.Put(id, *deactivated);
  return status;
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
      for (size_t i : missing) {
        auto stmt =
            c.prepare("SELECT id, username, display_name, title, active FROM users WHERE id = ?");
        if (!stmt.ok()) return stmt.status();
        (*stmt)->bind(1, ids[i]);
        auto row = (*stmt)->step();
        if (!row.ok()) return row.status();
        if (!*row) continue;
        found[i] =
            UserSummary{(*stmt)->column_int64(0), (*stmt)->column_text(1), (*stmt)->column_text(2),
                        (*stmt)->column_text(3), (*stmt)->column_int64(4) != 0};
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
    std::vector<Id> ids;
    {
      auto stmt =
          c.prepare("SELECT id FROM users WHERE manager_id = ? AND id > ? ORDER BY id LIMIT ?");
      if (!stmt.ok()) return stmt.status();
      (*stmt)->bind(1, manager_id).bind(2, page.after_key.value_or(0)).bind(3, page.limit + 1);
      for (;;) {
        auto row = (*stmt)->step();
        if (!row.ok()) return row.status();
        if (!*row) break;
        ids.push_back((*stmt)->column_int64(0));
      }
    }
    Page<User> out;
    if (static_cast<int>(ids.size()) > page.limit) {
      ids.pop_back();
      out.next_cursor = IdToString(ids.back());
    }
    for (Id id : ids) {
      auto user = LoadUser(c, id);
      if (!user.ok()) return user.status();
      out.items.push_back(std::move(*user));
    }
    return out;
  });
}

Result<std::vector<Id>> UserRepository::IdsAfter(Id after, int limit) {
  return store_.read([&](Connection& c) -> Result<std::vector<Id>> {
    auto stmt = c.prepare("SELECT id FROM users WHERE id > ? ORDER BY id LIMIT ?");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, after).bind(2, static_cast<int64_t>(limit));
    return (*stmt)->collect_int64();
  });
}

Result<int64_t> UserRepository::Count() {
  return store_.read([&](Connection& c) -> Result<int64_t> {
    auto stmt = c.prepare("SELECT count(*) FROM users");
    if (!stmt.ok()) return stmt.status();
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    return (*stmt)->column_int64(0);
  });
}

Result<std::vector<User>> UserRepository::FindMany(const std::vector<Id>& ids) {
  return store_.read([&](Connection& c) -> Result<std::vector<User>> {
    std::vector<User> out;
    out.reserve(ids.size());
    for (Id id : ids) {
      auto user = LoadUser(c, id);
      if (user.ok()) {
        out.push_back(std::move(*user));
      } else if (user.status().code() != StatusCode::kNotFound) {
        return user.status();
      }
    }
    return out;
  });
}

Result<std::vector<Id>> ActiveAmong(Connection& c, const std::vector<Id>& ids) {
  auto stmt = c.prepare("SELECT active FROM users WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  std::vector<Id> out;
  for (Id id : ids) {
    (*stmt)->reset();
    (*stmt)->bind(1, id);
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    if (*row && (*stmt)->column_int64(0) != 0) out.push_back(id);
  }
  return out;
}

Result<std::vector<Id>> ActiveIds(Connection& c, bool admins_only) {
  auto stmt =
      c.prepare(admins_only ? "SELECT id FROM users WHERE active = 1 AND role = 'admin' ORDER BY id"
                            : "SELECT id FROM users WHERE active = 1 ORDER BY id");
  if (!stmt.ok()) return stmt.status();
  return (*stmt)->collect_int64();
}

}  // namespace agora::profiles
