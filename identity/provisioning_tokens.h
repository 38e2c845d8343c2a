// Provisioning tokens: the bearer tokens an identity provider presents to /scim/v2. Only
// their SHA-256 is stored; a token is shown once, when it is made.
//
// Thread-safe. Every function blocks on SQLite: call from worker threads or the command line.
// Nothing is cached, so a revocation holds at the very next request, in any process.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/id.h"
#include "core/status.h"
#include "storage/store.h"

namespace agora::identity {

struct ProvisioningToken {
  Id id = 0;
  std::string name;
  UnixMillis created_at = 0;
  std::optional<UnixMillis> revoked_at;
};

struct IssuedProvisioningToken {
  ProvisioningToken token;
  std::string secret;  // shown once, never stored
};

// Makes a token named `name` (1 to 100 characters; kInvalidArgument "invalid_name" else).
Result<IssuedProvisioningToken> CreateProvisioningToken(storage::Store& store, Id id,
                                                        const std::string& name, UnixMillis now);
// Every token, revoked ones included, oldest first.
Result<std::vector<ProvisioningToken>> ListProvisioningTokens(storage::Store& store);
// Revokes one; kNotFound when there is no such token, kConflict "already_revoked".
Status RevokeProvisioningToken(storage::Store& store, Id id, UnixMillis now);
// The live token `secret` names; kUnauthenticated when unknown or revoked.
Result<ProvisioningToken> ResolveProvisioningToken(storage::Store& store, std::string_view secret);

}  // namespace agora::identity
