#include "storage/maintenance.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <system_error>

#include "storage/postgres_schema.h"
#include "storage/sqlite.h"
#include "storage/store.h"

namespace agora::storage {

Result<int> StoredSchemaVersion(Connection& connection) {
  if (connection.engine() == Engine::kPostgres) return StoredPostgresSchemaVersion(connection);
  auto stmt = connection.prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return static_cast<int>((*stmt)->column_int64(0));
}

Status CheckSchemaIsCurrent(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return Status::Ok();
  auto connection = Connection::Open(path, Connection::Mode::kReadOnly);
  if (!connection.ok()) return connection.status();
  auto stored = StoredSchemaVersion(**connection);
  if (!stored.ok()) return stored.status();
  if (*stored == 0 || *stored >= SchemaVersion()) return Status::Ok();
  return Status::Unavailable("the store at " + path + " is at schema step " +
                             std::to_string(*stored) + " and this agora needs step " +
                             std::to_string(SchemaVersion()) +
                             ": back it up first (agora backup), then run agora migrate "
                             "(--dry-run lists the steps)");
}

Result<std::unique_ptr<Connection>> OpenPrivateDatabase(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Status::Internal("cannot create " + path + ": " +
                            std::generic_category().message(errno));
  }
  const bool private_mode = ::fchmod(fd, 0600) == 0;
  ::close(fd);
  if (!private_mode) return Status::Internal("cannot make " + path + " private");
  return Connection::Open(path, Connection::Mode::kReadWrite);
}

Status CopyPages(Connection& source, Connection& target) {
  sqlite3* from = SqliteHandle(source);
  sqlite3* to = SqliteHandle(target);
  if (!from || !to) return Status::InvalidArgument("bad_store", "only SQLite pages are copied");
  sqlite3_backup* backup = sqlite3_backup_init(to, "main", from, "main");
  if (!backup) return SqliteError(to, SQLITE_ERROR, "starting the copy");
  int rc = sqlite3_backup_step(backup, -1);
  sqlite3_backup_finish(backup);
  if (rc != SQLITE_DONE) return SqliteError(to, rc, "copying");
  return Status::Ok();
}

Status CopyDatabase(const std::string& source_path, const std::string& destination) {
  std::error_code ec;
  if (std::filesystem::equivalent(destination, source_path, ec)) {
    return Status::InvalidArgument("bad_destination", "the copy would overwrite its source");
  }
  auto source = Connection::Open(source_path, Connection::Mode::kReadOnly);
  if (!source.ok()) return source.status();
  auto target = OpenPrivateDatabase(destination);
  if (!target.ok()) return target.status();
  AGORA_RETURN_IF_ERROR(CopyPages(**source, **target));
  return CheckIntegrity(**target);
}

Status CheckIntegrity(Connection& connection) {
  auto stmt = connection.prepare("PRAGMA integrity_check");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  std::string verdict = (*stmt)->column_text(0);
  if (verdict != "ok") return Status::Internal("integrity check failed: " + verdict);
  return Status::Ok();
}

}  // namespace agora::storage
