#include "storage/connection.h"

#include "storage/postgres.h"
#include "storage/sqlite.h"

namespace agora::storage {

bool IsPostgresLocation(std::string_view location) {
  return location.starts_with("postgresql://") || location.starts_with("postgres://");
}

Status Statement::run() {
  auto row = step();
  if (!row.ok()) return row.status();
  return Status::Ok();
}

Result<std::vector<int64_t>> Statement::collect_int64() {
  std::vector<int64_t> out;
  for (;;) {
    auto row = step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    out.push_back(column_int64(0));
  }
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& location, Mode mode) {
  if (IsPostgresLocation(location)) {
    auto connection = PostgresConnection::Open(location, mode);
    if (!connection.ok()) return connection.status();
    return std::unique_ptr<Connection>(std::move(*connection));
  }
  auto connection = SqliteConnection::Open(location, mode);
  if (!connection.ok()) return connection.status();
  return std::unique_ptr<Connection>(std::move(*connection));
}

Result<ScopedStatement> Connection::prepare(const char* sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) return ScopedStatement(it->second.get());
  auto prepared = PrepareUncached(sql);
  if (!prepared.ok()) return prepared.status();
  Statement* raw = prepared->get();
  statements_.emplace(sql, std::move(*prepared));
  return ScopedStatement(raw);
}

}  // namespace agora::storage
