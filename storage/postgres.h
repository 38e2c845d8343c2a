// The PostgreSQL engine behind storage/connection.h, over libpq.
//
// Statements are cached per connection, their SQLite placeholders (`?`, `?N`) rewritten as
// `$N`, and prepared on the server at their first step, once per combination of parameter
// types: an integer is declared bigint, a double double precision, a blob bytea, text is left
// for the server to infer from where it stands, and so is NULL, unless PostgreSQL cannot infer
// it (`?2 IS NULL OR id < ?2`): then text is declared text and a NULL a bigint, as nullable
// parameters here are ids and times. Values
// travel as text (blobs as binary); results come back whole, as text, and are read as the
// column accessors ask (booleans read as 1 and 0, as SQLite's comparisons do). Errors in the
// SQL itself therefore surface at the first step, not at prepare().
//
// Thread-safety as in storage/connection.h: one thread uses a connection at a time. libpq
// errors become a Status here: SQLSTATE class 23 (integrity) kConflict, a unique violation's
// message naming its columns as SQLite's does ("UNIQUE constraint failed: users.username");
// serialization failures, deadlocks and lost connections kUnavailable; the rest kInternal.
//
// A connection goes to the primary: a URL that lists several hosts
// (postgresql://a:5432,b:5432/agora) reaches whichever of them accepts writes, for readers too,
// so reads see this node's writes. A lost connection stays lost (lost()); the Store opens a new
// one in its place.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"
#include "storage/connection.h"

struct pg_conn;
struct pg_result;

namespace agora::storage {

// `sql` with SQLite's placeholders as PostgreSQL's: `?N` becomes `$N` and a bare `?` the next
// number after the largest so far, as SQLite numbers it. Text in quotes and comments is kept.
// `parameter_count`, when given, receives the largest number used.
std::string TranslatePlaceholders(std::string_view sql, int* parameter_count = nullptr);

// Connects to `url` (libpq's connection URI) with Agora's defaults for what the URL leaves out:
// target_session_attrs=read-write (of several hosts, the primary, never a standby) and
// connect_timeout=5 (seconds per host, so a dead host does not hold a thread for minutes).
// Server notices are not printed. Null only without memory; the caller checks PQstatus and
// PQfinish()es it.
pg_conn* ConnectToPrimary(const std::string& url);

class PostgresConnection;

class PostgresStatement final : public Statement {
 public:
  PostgresStatement(PostgresConnection& connection, std::string sql);
  ~PostgresStatement() override;

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
  struct Parameter {
    std::optional<std::string> value;  // nullopt: NULL
    unsigned type = 0;                 // the declared type's oid; 0: inferred
  };
  Parameter& At(int index, unsigned type);
  // The server-side statement for `key` (each parameter's declared type, or a mark for NULL),
  // prepared on first use.
  Result<std::string> PreparedFor(const std::vector<unsigned>& key);
  Status Execute();

  PostgresConnection& connection_;
  const std::string sql_;   // as written, for error messages
  std::string translated_;  // with $N placeholders; constant after construction
  std::vector<Parameter> parameters_;
  std::vector<std::pair<std::vector<unsigned>, std::string>> prepared_;  // key, name
  pg_result* result_ = nullptr;  // set once executed, until reset
  int rows_ = 0;
  int row_ = -1;
};

class PostgresConnection final : public Connection {
 public:
  // Connects to the database at `url` (libpq's connection URI). A kReadOnly connection runs
  // every transaction read-only.
  static Result<std::unique_ptr<PostgresConnection>> Open(const std::string& url, Mode mode);
  ~PostgresConnection() override;

  Engine engine() const override { return Engine::kPostgres; }
  bool lost() const override;
  Status exec(std::string_view sql) override;
  int64_t changes() const override { return changes_; }
  // Also takes the cluster-wide write lock (held until commit), so that write transactions
  // of every node commit one after the other and outbox seqs follow commit order.
  Status BeginWrite() override;
  // PostgreSQL answers COMMIT of a transaction a failed statement aborted with a silent
  // ROLLBACK; that is an error here.
  Status Commit() override;

 protected:
  Result<std::unique_ptr<Statement>> PrepareUncached(const char* sql) override;

 private:
  friend class PostgresStatement;
  explicit PostgresConnection(pg_conn* conn) : conn_(conn) {}
  // Remembers the rows `result` changed when it reports an INSERT, UPDATE or DELETE.
  void NoteChanges(pg_result* result);

  pg_conn* conn_;
  int64_t changes_ = 0;
  int next_statement_ = 0;
};

}  // namespace agora::storage
