#include "profiles/account_records.h"

#include "core/name_key.h"
#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::profiles {

Status AppendAccountAudit(storage::Connection& c, Id id, Id actor_id, Id user_id,
                          std::string_view action, std::string_view note, UnixMillis now) {
  return storage::Run(c,
                      "INSERT INTO account_audit (id, actor_id, user_id, action, note, created_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)",
                      id, actor_id, user_id, std::string(action), std::string(note), now);
}

Result<bool> ReplacePasswordHash(storage::Connection& c, Id user_id, const std::string& new_hash,
                                 const std::optional<std::string>& expected_hash, UnixMillis now) {
  AGORA_RETURN_IF_ERROR(
      storage::Run(c,
                   "UPDATE users SET password_hash = ?, updated_at = ? "
                   "WHERE id = ? AND active AND (?4 IS NULL OR password_hash = ?4)",
                   new_hash, now, user_id, expected_hash));
  return c.changes() > 0;
}

Status ReplacePasswordReset(storage::Connection& c, Id user_id, std::string_view token_hash,
                            UnixMillis now, UnixMillis expires_at) {
  return storage::Run(c,
                      "INSERT OR REPLACE INTO password_resets (user_id, token_hash, created_at, "
                      "expires_at) VALUES (?, ?, ?, ?)",
                      user_id, storage::Blob{token_hash}, now, expires_at);
}

Result<std::optional<Id>> TakePasswordReset(storage::Connection& c, std::string_view token_hash,
                                            UnixMillis now) {
  AGORA_ASSIGN_OR_RETURN(
      auto taken,
      storage::ReadOne(
          c, "DELETE FROM password_resets WHERE token_hash = ? RETURNING user_id, expires_at",
          [](const storage::Statement& s) {
            return std::pair{s.column_int64(0), s.column_int64(1)};
          },
          storage::Blob{token_hash}));
  if (!taken || taken->second <= now) return std::optional<Id>();
  return std::optional<Id>(taken->first);
}

Result<Page<Id>> ListUserIds(storage::Connection& c, const UserFilter& filter,
                             const PageRequest& page) {
  // Only the filters asked for, so the planner can use the department and email indexes.
  std::string sql = "SELECT id FROM users WHERE id > ?1";
  if (filter.active) sql += " AND active = ?2";
  if (filter.department) sql += " AND department = ?3";
  if (filter.email) sql += " AND email_key = ?4";
  sql += " ORDER BY id LIMIT ?5";
  auto stmt = c.prepare(sql.c_str());
  if (!stmt.ok()) return stmt.status();
  std::optional<int64_t> active;
  if (filter.active) active = *filter.active ? 1 : 0;
  std::optional<std::string> email_key;
  if (filter.email) email_key = NameKey(*filter.email);
  storage::BindAll(**stmt, page.after_key.value_or(0), active, filter.department, email_key,
                   int64_t{page.limit + 1});
  return storage::ReadPage<Id>(
      **stmt, page.limit, [](const storage::Statement& s) { return s.column_int64(0); },
      [](Id id) { return id; });
}

}  // namespace agora::profiles
