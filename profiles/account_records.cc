#include "profiles/account_records.h"

#include <cctype>

#include "core/name_key.h"
#include "profiles/user.h"
#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::profiles {

Result<std::string> FreeUsernameFor(storage::Connection& c, std::string_view hint) {
  std::string lower(hint);
  for (char& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  std::string base;
  if (ValidateUsername(lower).ok()) {
    base = lower;
  } else {
    std::string local = lower.substr(0, lower.find('@'));
    for (char ch : local) {
      bool allowed = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                     ch == '.' || ch == '-';
      base += allowed ? ch : '-';
    }
    if (base.size() > 24) base.resize(24);
    while (base.size() < ProfileLimits::kUsernameMin) base += '_';
  }
  for (int attempt = 1; attempt < 1000; ++attempt) {
    std::string candidate = attempt == 1 ? base : base + "-" + std::to_string(attempt);
    if (candidate.size() > ProfileLimits::kUsernameMax) {
      candidate = base.substr(0, 24) + "-" + std::to_string(attempt);
    }
    AGORA_ASSIGN_OR_RETURN(
        auto taken, storage::ReadInt64(c, "SELECT 1 FROM users WHERE username = ?", candidate));
    if (!taken) return candidate;
  }
  return Status::Conflict("username_taken",
                          "every username derived from '" + std::string(hint) + "' is taken");
}

Status AppendAccountAudit(storage::Connection& c, Id id, Id actor_id, Id user_id,
                          std::string_view action, std::string_view note, UnixMillis now,
                          std::optional<Id> scim_token_id) {
  return storage::Run(c,
                      "INSERT INTO account_audit (id, actor_id, user_id, action, note, created_at, "
                      "scim_token_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      id, actor_id, user_id, std::string(action), std::string(note), now,
                      scim_token_id);
}

Result<bool> ReplacePasswordHash(storage::Connection& c, Id user_id, const std::string& new_hash,
                                 const std::optional<std::string>& expected_hash, UnixMillis now) {
  AGORA_RETURN_IF_ERROR(storage::Run(c,
                                     "UPDATE users SET password_hash = ?, updated_at = ? "
                                     "WHERE id = ? AND active = 1 "
                                     "AND (CAST(?4 AS TEXT) IS NULL OR password_hash = ?4)",
                                     new_hash, now, user_id, expected_hash));
  return c.changes() > 0;
}

Status ReplacePasswordReset(storage::Connection& c, Id user_id, std::string_view token_hash,
                            UnixMillis now, UnixMillis expires_at) {
  return storage::Run(c,
                      "INSERT INTO password_resets (user_id, token_hash, created_at, "
                      "expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                      "token_hash = excluded.token_hash, created_at = excluded.created_at, "
                      "expires_at = excluded.expires_at",
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
