#include "identity/provisioning_tokens.h"

#include <sodium.h>

#include "core/text.h"
#include "storage/rows.h"

namespace agora::identity {
namespace {

// Distinct from session tokens ("agr_") so a log line or a leaked secret says what it opens.
constexpr std::string_view kTokenPrefix = "agscim_";
constexpr size_t kNameMax = 100;

std::string HashToken(std::string_view secret) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return hex;
}

std::string NewSecret() {
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  char encoded[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
  sodium_bin2base64(encoded, sizeof encoded, random, sizeof random,
                    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  return std::string(kTokenPrefix) + encoded;
}

constexpr char kColumns[] = "id, name, created_at, revoked_at";

ProvisioningToken ReadRow(const storage::Statement& s) {
  return {s.column_int64(0), s.column_text(1), s.column_int64(2), s.column_optional_int64(3)};
}

}  // namespace

Result<IssuedProvisioningToken> CreateProvisioningToken(storage::Store& store, Id id,
                                                        const std::string& name, UnixMillis now) {
  if (name.empty() || Utf8Length(name) > kNameMax || HasForbiddenControl(name)) {
    return Status::InvalidArgument("invalid_name",
                                   "a token name is 1 to 100 characters, no control characters");
  }
  IssuedProvisioningToken issued{{id, name, now, std::nullopt}, NewSecret()};
  AGORA_RETURN_IF_ERROR(store.write([&](storage::Connection& c) {
    return storage::Run(
        c, "INSERT INTO scim_tokens (id, name, token_hash, created_at) VALUES (?, ?, ?, ?)", id,
        name, HashToken(issued.secret), now);
  }));
  return issued;
}

Result<std::vector<ProvisioningToken>> ListProvisioningTokens(storage::Store& store) {
  return store.read([&](storage::Connection& c) -> Result<std::vector<ProvisioningToken>> {
    std::vector<ProvisioningToken> out;
    AGORA_RETURN_IF_ERROR(storage::ForEachRow(
        c, storage::Sql("SELECT ", kColumns, " FROM scim_tokens ORDER BY id").data(),
        [&](storage::Statement& s) { out.push_back(ReadRow(s)); }));
    return out;
  });
}

Status RevokeProvisioningToken(storage::Store& store, Id id, UnixMillis now) {
  return store.write([&](storage::Connection& c) -> Status {
    AGORA_ASSIGN_OR_RETURN(
        auto row, storage::ReadOne(
                      c, "SELECT revoked_at FROM scim_tokens WHERE id = ?",
                      [](storage::Statement& s) { return s.column_optional_int64(0); }, id));
    if (!row) return Status::NotFound("no provisioning token has that id");
    if (*row) return Status::Conflict("already_revoked", "that token was already revoked");
    return storage::Run(c, "UPDATE scim_tokens SET revoked_at = ? WHERE id = ?", now, id);
  });
}

Result<ProvisioningToken> ResolveProvisioningToken(storage::Store& store, std::string_view secret) {
  if (!secret.starts_with(kTokenPrefix)) {
    return Status::Unauthenticated("send a provisioning token made with `agora scim-token create`");
  }
  std::string hash = HashToken(secret);
  return store.read([&](storage::Connection& c) -> Result<ProvisioningToken> {
    AGORA_ASSIGN_OR_RETURN(
        auto token, storage::ReadOne(c,
                                     storage::Sql("SELECT ", kColumns,
                                                  " FROM scim_tokens WHERE token_hash = ? AND "
                                                  "revoked_at IS NULL")
                                         .data(),
                                     ReadRow, hash));
    if (!token) return Status::Unauthenticated("the provisioning token is unknown or revoked");
    return std::move(*token);
  });
}

}  // namespace agora::identity
