// The SQLite engine behind storage/connection.h: thin RAII wrappers over sqlite3, a Connection
// with a cache of prepared statements.
//
// Thread-safety as in storage/connection.h: one thread uses a connection at a time. sqlite3
// errors become a Status here, where they enter our code.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "storage/connection.h"

struct sqlite3;
struct sqlite3_stmt;

namespace agora::storage {

class SqliteStatement final : public Statement {
 public:
  SqliteStatement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~SqliteStatement() override;

  Result<bool> step() override;
  int64_t column_int64(int index) const override;
  double column_double(int index) const override;
  std::string column_text(int index) const override;
  bool column_is_null(int index) const override;
  void reset() override;

 protected:
  Statement& BindInt64(int index, int64_t value) override;
  Statement& BindText(int index, std::string_view value) override;
  Statement& BindDouble(int index, double value) override;
  Statement& BindNull(int index) override;
  Statement& BindBlob(int index, const void* data, size_t size) override;

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

class SqliteConnection final : public Connection {
 public:
  // Opens (creating when kReadWrite) the database file at `path`.
  static Result<std::unique_ptr<SqliteConnection>> Open(const std::string& path, Mode mode);
  ~SqliteConnection() override;

  Engine engine() const override { return Engine::kSqlite; }
  Status exec(std::string_view sql) override;
  int64_t changes() const override;
  Status BeginWrite() override { return exec("BEGIN IMMEDIATE"); }
  Status Commit() override { return exec("COMMIT"); }

  sqlite3* handle() { return db_; }

 protected:
  Result<std::unique_ptr<Statement>> PrepareUncached(const char* sql) override;

 private:
  explicit SqliteConnection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
};

// The sqlite3 handle behind `connection`, or null when another engine serves it.
sqlite3* SqliteHandle(Connection& connection);

// Translates the last error on `db` into a Status.
Status SqliteError(sqlite3* db, int rc, std::string_view context);

}  // namespace agora::storage
