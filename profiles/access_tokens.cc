#include "profiles/access_tokens.h"

#include <limits>

#include "core/text.h"
#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::profiles {
namespace {

using storage::Statement;

constexpr char kTokenColumns[] =
    "id, user_id, name, can_write, created_at, expires_at, last_used_at";

AccessToken ReadTokenRow(const Statement& s) {
  return AccessToken{s.column_int64(0),         s.column_int64(1), s.column_text(2),
                     s.column_int64(3) != 0,    s.column_int64(4), s.column_optional_int64(5),
                     s.column_optional_int64(6)};
}

// "Live" in SQL: not expired at the bound time.
constexpr char kLive[] = "(expires_at IS NULL OR expires_at > ?)";
constexpr auto kCountLive =
    storage::Sql("SELECT count(*) FROM access_tokens WHERE user_id = ? AND ", kLive);
constexpr auto kListLive =
    storage::Sql("SELECT ", kTokenColumns, " FROM access_tokens WHERE user_id = ? AND ", kLive,
                 " AND id < ? ORDER BY id DESC LIMIT ?");

}  // namespace

Status ValidateAccessTokenName(std::string_view name) {
  size_t length = Utf8Length(name);
  if (length == 0 || length > AccessTokenLimits::kNameMax || IsBlankText(name)) {
    return Status::Unprocessable("invalid_name", "a token's name has 1 to 100 characters");
  }
  return Status::Ok();
}

Status InsertAccessToken(storage::Connection& c, const AccessToken& token,
                         std::string_view token_hash) {
  return storage::Run(c,
                      "INSERT INTO access_tokens (id, token_hash, user_id, name, can_write, "
                      "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                      token.id, storage::Blob{token_hash}, token.user_id, token.name,
                      static_cast<int64_t>(token.can_write), token.created_at, token.expires_at);
}

Result<int64_t> CountLiveAccessTokens(storage::Connection& c, Id user_id, UnixMillis now) {
  AGORA_ASSIGN_OR_RETURN(auto count, storage::ReadInt64(c, kCountLive.data(), user_id, now));
  return count.value_or(0);
}

Result<Page<AccessToken>> ListAccessTokens(storage::Connection& c, Id user_id, UnixMillis now,
                                           const PageRequest& page) {
  auto stmt = c.prepare(kListLive.data());
  if (!stmt.ok()) return stmt.status();
  storage::BindAll(**stmt, user_id, now, page.after_key.value_or(std::numeric_limits<Id>::max()),
                   int64_t{page.limit + 1});
  return storage::ReadPage<AccessToken>(**stmt, page.limit, ReadTokenRow,
                                        [](const AccessToken& t) { return t.id; });
}

Result<bool> DeleteAccessToken(storage::Connection& c, Id user_id, Id token_id) {
  AGORA_RETURN_IF_ERROR(
      storage::Run(c, "DELETE FROM access_tokens WHERE id = ? AND user_id = ?", token_id, user_id));
  return c.changes() > 0;
}

Status DeleteAccessTokenByHash(storage::Connection& c, std::string_view token_hash) {
  return storage::Run(c, "DELETE FROM access_tokens WHERE token_hash = ?",
                      storage::Blob{token_hash});
}

Status DeleteAccessTokensOf(storage::Connection& c, Id user_id) {
  return storage::Run(c, "DELETE FROM access_tokens WHERE user_id = ?", user_id);
}

Result<std::optional<AccessTokenGrant>> FindAccessTokenGrant(storage::Connection& c,
                                                             std::string_view token_hash,
                                                             UnixMillis now) {
  return storage::ReadOne(
      c,
      "SELECT t.id, t.user_id, u.role = 'admin', u.sales_ops, t.can_write, t.last_used_at, "
      "u.guest_until "
      "FROM access_tokens t JOIN users u ON u.id = t.user_id "
      "WHERE t.token_hash = ?1 AND u.active = 1 AND (t.expires_at IS NULL OR t.expires_at > ?2) "
      "AND (u.guest_until IS NULL OR u.guest_until > ?2)",
      [](const Statement& s) {
        return AccessTokenGrant{s.column_int64(0),         s.column_int64(1),
                                s.column_int64(2) != 0,    s.column_int64(3) != 0,
                                s.column_int64(4) != 0,    s.column_optional_int64(5),
                                s.column_optional_int64(6)};
      },
      storage::Blob{token_hash}, now);
}

Status TouchAccessToken(storage::Connection& c, Id token_id, UnixMillis now) {
  return storage::Run(c, "UPDATE access_tokens SET last_used_at = ? WHERE id = ?", now, token_id);
}

}  // namespace agora::profiles
