#include "app/command_actor.h"

#include "profiles/user.h"
#include "storage/rows.h"

namespace agora::app {

Result<Viewer> CommandActor(storage::Store& store, const std::string& username) {
  auto read = [](storage::Statement& s) {
    return Viewer{s.column_int64(0), s.column_int64(1) != 0, s.column_int64(2) != 0};
  };
  auto found = store.read([&](storage::Connection& c) {
    return username.empty()
               ? storage::ReadOne(c,
                                  "SELECT id, role = 'admin', sales_ops FROM users "
                                  "WHERE active = 1 AND role = 'admin' ORDER BY id LIMIT 1",
                                  read)
               : storage::ReadOne(c,
                                  "SELECT id, role = 'admin', sales_ops FROM users "
                                  "WHERE active = 1 AND username = ?",
                                  read, profiles::NormalizeUsername(username));
  });
  if (!found.ok()) return found.status();
  if (!*found) {
    return Status::NotFound(username.empty() ? "no active admin to record this as"
                                             : "no active account '" + username + "'");
  }
  return **found;
}

}  // namespace agora::app
