// People for repository tests: rows in `users` that foreign keys can point at, written in one
// transaction without the validation and hashing of UserRepository::Insert.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/id.h"
#include "core/name_key.h"
#include "core/status.h"
#include "storage/store.h"

namespace agora::testing {

// Inserts each (id, username) as an active member named after the username.
inline Status AddPeople(storage::Store& store,
                        const std::vector<std::pair<Id, std::string>>& people) {
  return store.write([&](storage::Connection& c) -> Status {
    for (const auto& [id, username] : people) {
      auto stmt = c.prepare(
          "INSERT INTO users (id, username, email, email_key, display_name, password_hash, role, "
          "created_at, updated_at) VALUES (?1, ?2, ?2 || '@example.com', ?3, ?2, 'hash', "
          "'member', 0, 0)");
      if (!stmt.ok()) return stmt.status();
      (*stmt)->bind(1, id).bind(2, username).bind(3, NameKey(username + "@example.com"));
      AGORA_RETURN_IF_ERROR((*stmt)->run());
    }
    return Status::Ok();
  });
}

}  // namespace agora::testing
