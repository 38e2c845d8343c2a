#include "storage/sqlite.h"

#include <sqlite3.h>

#include "core/name_key.h"

namespace agora::storage {
namespace {

// Runs a text-to-text function of ours inside SQL (migrations fill key columns with it); NULL
// stays NULL.
template <std::string (*Transform)(std::string_view)>
void TextFunction(sqlite3_context* context, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
    sqlite3_result_null(context);
    return;
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
  std::string out = Transform(std::string_view(text, sqlite3_value_bytes(argv[0])));
  sqlite3_result_text(context, out.data(), static_cast<int>(out.size()), SQLITE_TRANSIENT);
}

int RegisterTextFunctions(sqlite3* db) {
  constexpr int kFlags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
  int rc = sqlite3_create_function(db, "agora_name_key", 1, kFlags, nullptr, TextFunction<&NameKey>,
                                   nullptr, nullptr);
  if (rc != SQLITE_OK) return rc;
  return sqlite3_create_function(db, "agora_nfc", 1, kFlags, nullptr, TextFunction<&NfcNormalized>,
                                 nullptr, nullptr);
}

}  // namespace

sqlite3* SqliteHandle(Connection& connection) {
  if (connection.engine() != Engine::kSqlite) return nullptr;
  return static_cast<SqliteConnection&>(connection).handle();
}

Status SqliteError(sqlite3* db, int rc, std::string_view context) {
  std::string message(context);
  message += ": ";
  message += db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  if ((rc & 0xFF) == SQLITE_CONSTRAINT) return Status::Conflict("conflict", std::move(message));
  if ((rc & 0xFF) == SQLITE_BUSY) return Status::Unavailable(std::move(message));
  return Status::Internal(std::move(message));
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(stmt_); }

Statement& SqliteStatement::BindInt64(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& SqliteStatement::BindText(int index, std::string_view value) {
  sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& SqliteStatement::BindDouble(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

Statement& SqliteStatement::BindBlob(int index, const void* data, size_t size) {
  sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT);
  return *this;
}

Result<bool> SqliteStatement::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(db_, rc, sqlite3_sql(stmt_));
}

int64_t SqliteStatement::column_int64(int index) const {
  return sqlite3_column_int64(stmt_, index);
}

double SqliteStatement::column_double(int index) const {
  return sqlite3_column_double(stmt_, index);
}

std::string SqliteStatement::column_text(int index) const {
  const auto* text = sqlite3_column_text(stmt_, index);
  if (!text) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
}

bool SqliteStatement::column_is_null(int index) const {
  return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

void SqliteStatement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

Result<std::unique_ptr<SqliteConnection>> SqliteConnection::Open(const std::string& path,
                                                                 Mode mode) {
  sqlite3* db = nullptr;
  int flags =
      SQLITE_OPEN_NOMUTEX | (mode == Mode::kReadWrite ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                                                      : SQLITE_OPEN_READONLY);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Status status = SqliteError(db, rc, "opening " + path);
    sqlite3_close(db);
    return status;
  }
  sqlite3_extended_result_codes(db, 1);
  rc = RegisterTextFunctions(db);
  if (rc != SQLITE_OK) {
    Status status = SqliteError(db, rc, "registering functions on " + path);
    sqlite3_close(db);
    return status;
  }
  // Readers may briefly meet a checkpoint; wait rather than fail.
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<SqliteConnection>(new SqliteConnection(db));
}

SqliteConnection::~SqliteConnection() {
  ForgetStatements();  // finalize before closing
  sqlite3_close(db_);
}

Status SqliteConnection::exec(std::string_view sql) {
  std::string copy(sql);
  char* error = nullptr;
  int rc = sqlite3_exec(db_, copy.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    Status status = SqliteError(db_, rc, "exec");
    return Status(status.code(), status.error_code(), "exec: " + message);
  }
  return Status::Ok();
}

Result<std::unique_ptr<Statement>> SqliteConnection::PrepareUncached(const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_, rc, std::string("preparing ") + sql);
  return std::unique_ptr<Statement>(std::make_unique<SqliteStatement>(db_, stmt));
}

int64_t SqliteConnection::changes() const { return sqlite3_changes64(db_); }

}  // namespace agora::storage
