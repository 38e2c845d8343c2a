// What server/api_people.cc shares with the other API files: the profile members of a body,
// read alike by PATCH /api/v1/users/{id} and by POST /api/v1/users (server/api_accounts.cc).
#pragma once

#include "core/json.h"
#include "core/status.h"
#include "profiles/user.h"

namespace agora::server {

// The profile members present in `fields` (type-checked, not yet validated).
Result<profiles::ProfileChanges> ParseProfileChanges(const JsonFields& fields);

}  // namespace agora::server
