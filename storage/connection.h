// The engine-neutral face of a database connection: what repositories use to run SQL, whatever
// engine holds the data (storage/sqlite.h, the embedded default; storage/postgres.h).
//
// SQL is written once, in the subset both engines run, with SQLite's placeholders (`?`, `?N`);
// an engine that spells them otherwise translates them when it prepares a statement.
//
// A Connection is not thread-safe: one thread uses it at a time (the Store hands readers out
// from a pool and keeps the write connection on its writer thread). Engine errors become a
// Status where they enter our code: kConflict for a constraint violation, kUnavailable for a
// busy or lost database, kInternal for anything else.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"

namespace agora::storage {

enum class Engine { kSqlite, kPostgres };

// True when `location` names a PostgreSQL database (a postgresql:// or postgres:// URL) rather
// than a SQLite file.
bool IsPostgresLocation(std::string_view location);

class Statement {
 public:
  virtual ~Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Parameters are 1-based, as in sqlite3; values are copied. An unbound parameter is NULL.
  Statement& bind(int index, int64_t value) { return BindInt64(index, value); }
  Statement& bind(int index, std::string_view value) { return BindText(index, value); }
  Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
  Statement& bind(int index, std::optional<int64_t> value) {
    return value ? bind(index, *value) : bind_null(index);
  }
  Statement& bind_double(int index, double value) { return BindDouble(index, value); }
  Statement& bind_null(int index) { return BindNull(index); }
  Statement& bind_blob(int index, const void* data, size_t size) {
    return BindBlob(index, data, size);
  }

  // Advances: true with a row, false when done; kConflict on a constraint violation,
  // kInternal on any other error.
  virtual Result<bool> step() = 0;
  // Steps to completion, expecting no rows.
  Status run();
  // Steps to completion, collecting the first column of every row.
  Result<std::vector<int64_t>> collect_int64();

  // Columns are 0-based. A NULL reads as 0, 0.0 or "".
  virtual int64_t column_int64(int index) const = 0;
  virtual double column_double(int index) const = 0;
  virtual std::string column_text(int index) const = 0;
  virtual bool column_is_null(int index) const = 0;
  std::optional<int64_t> column_optional_int64(int index) const {
    if (column_is_null(index)) return std::nullopt;
    return column_int64(index);
  }

  // Clears bindings and rewinds; called before each reuse from the cache.
  virtual void reset() = 0;

 protected:
  Statement() = default;
  virtual Statement& BindInt64(int index, int64_t value) = 0;
  virtual Statement& BindText(int index, std::string_view value) = 0;
  virtual Statement& BindDouble(int index, double value) = 0;
  virtual Statement& BindNull(int index) = 0;
  virtual Statement& BindBlob(int index, const void* data, size_t size) = 0;
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

  // Opens the database at `location`: a PostgreSQL URL (IsPostgresLocation), or else the path
  // of a SQLite file, created when kReadWrite. A kReadOnly connection refuses writes.
  static Result<std::unique_ptr<Connection>> Open(const std::string& location, Mode mode);
  virtual ~Connection() = default;
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  virtual Engine engine() const = 0;
  // True once the connection to the database server was lost (a server restart or a failover):
  // every statement then fails with kUnavailable, and only a new connection helps. An embedded
  // engine never loses it.
  virtual bool lost() const { return false; }

  // Runs one or more statements without parameters or results.
  virtual Status exec(std::string_view sql) = 0;

  // A prepared statement for `sql`, cached on this connection, ready to bind; it is rewound
  // when the returned handle goes away. Don't hold two handles for the same SQL at once.
  Result<ScopedStatement> prepare(const char* sql);

  // Rows changed by the last INSERT, UPDATE or DELETE.
  virtual int64_t changes() const = 0;

  // Opens the transaction a group of writes shares: it holds the engine's write lock from the
  // start where the engine has one (SQLite's BEGIN IMMEDIATE), so no write of the group waits
  // for it halfway.
  virtual Status BeginWrite() = 0;
  // Commits it; an error when the engine could not, or rolled it back instead.
  virtual Status Commit() = 0;

 protected:
  Connection() = default;
  // Prepares `sql` anew, for the cache.
  virtual Result<std::unique_ptr<Statement>> PrepareUncached(const char* sql) = 0;
  // Finalizes every cached statement: engines call it before closing their connection.
  void ForgetStatements() { statements_.clear(); }

 private:
  std::unordered_map<std::string, std::unique_ptr<Statement>> statements_;
};

}  // namespace agora::storage
