// Thin RAII wrappers over sqlite3: a Connection with a cache of prepared statements.
//
// A Connection is not thread-safe: one thread uses it at a time (the Store hands readers out
// from a pool and keeps the write connection on its writer thread). sqlite3 errors become a
// Status here, where they enter our code.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace agora::storage {

class Statement {
 public:
  Statement(sqlite3* db, sqlite3_stmt* stmt) : db_(db), stmt_(stmt) {}
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in sqlite3. Text is copied by sqlite.
  Statement& bind(int index, int64_t value);
  Statement& bind(int index, std::string_view value);
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::optional<int64_t> value);
  Statement& bind_double(int index, double value);
  Statement& bind_null(int index);
  Statement& bind_blob(int index, const void* data, size_t size);

  // Advances: true with a row, false when done; kConflict on a constraint violation,
  // kInternal on any other error.
  Result<bool> step();
  // Steps to completion, expecting no rows.
  Status run();
  // Steps to completion, collecting the first column of every row.
  Result<std::vector<int64_t>> collect_int64();

  int64_t column_int64(int index) const;
  double column_double(int index) const;
  std::string column_text(int index) const;
  std::optional<int64_t> column_optional_int64(int index) const;
  bool column_is_null(int index) const;

  // Clears bindings and rewinds; called before each reuse from the cache.
  void reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_;
};

// Borrows a cached Statement and rewinds it when it goes out of scope, so no statement
// keeps a read snapshot open after its caller is done with it.
class ScopedStatement {
 public:
  explicit ScopedStatement(Statement* statement) : statement_(statement) {}
  ScopedStatement(ScopedStatement&& other) noexcept
      : statement_(std::exchange(other.statement_, nullptr)) {}
  ScopedStatement& operator=(ScopedStatement&&) = delete;
  ~ScopedStatement() {
    if (statement_) statement_->reset();
  }

  Statement* operator->() const { return statement_; }
  Statement& operator*() const { return *statement_; }

 private:
  Statement* statement_;
};

class Connection {
 public:
  enum class Mode { kReadWrite, kReadOnly };

  // Opens (creating when kReadWrite) the database at `path`.
  static Result<std::unique_ptr<Connection>> Open(const std::string& path, Mode mode);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without results.
  Status exec(std::string_view sql);

  // A prepared statement for `sql`, cached on this connection, ready to bind; it is rewound
  // when the returned handle goes away. Don't hold two handles for the same SQL at once.
  Result<ScopedStatement> prepare(const char* sql);

  // Rows changed by the last statement.
  int64_t changes() const;
  sqlite3* handle() { return db_; }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  sqlite3* db_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

// Translates the last error on `db` into a Status.
Status SqliteError(sqlite3* db, int rc, std::string_view context);

}  // namespace agora::storage
