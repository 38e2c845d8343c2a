// A SCIM filter over Users as an SQL condition with bound parameters (never pasted values).
//
// The condition reads the tables as `users u LEFT JOIN scim_users s ON s.user_id = u.id`.
// Attribute names compare without case; strings compare without case unless the schema makes
// them caseExact (id, externalId, manager.value). Pure and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"
#include "identity/scim_filter.h"

namespace agora::identity {

struct SqlCondition {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> params;  // for the ?s, in order
};

// kInvalidArgument "invalidFilter" for an attribute Users do not have, or an operator or
// value its type does not take (`active co "x"`, `meta.lastModified gt "yesterday"`).
Result<SqlCondition> UserFilterSql(const Filter& filter);

}  // namespace agora::identity
