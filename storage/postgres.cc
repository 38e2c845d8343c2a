#include "storage/postgres.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdlib>
#include <cstring>

namespace agora::storage {
namespace {

// pg_type oids, fixed in PostgreSQL's catalog.
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat8Oid = 701;

// " (UNIQUE constraint failed: table.column, ...)", naming the columns of the unique key a
// failed `result` violated the way SQLite's message does, since repositories tell which value
// was taken by them (users.username). An expression's column is named, lower(a) as a.
std::string UniqueColumns(const pg_result* result) {
  const char* table = PQresultErrorField(result, PG_DIAG_TABLE_NAME);
  const char* detail = PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL);
  if (!table || !detail) return {};
  std::string_view key(detail);  // Key (a, b)=(1, 2) already exists.
  size_t start = key.find("Key (");
  size_t end = key.find(")=(");
  if (start == std::string_view::npos || end == std::string_view::npos || end < start) return {};
  key = key.substr(start + 5, end - start - 5);
  std::string out = " (UNIQUE constraint failed: ";
  for (size_t at = 0; at <= key.size();) {
    size_t comma = std::min(key.find(", ", at), key.size());
    std::string_view column = key.substr(at, comma - at);
    if (size_t open = column.rfind('('); open != std::string_view::npos) {
      column = column.substr(open + 1, column.find(')', open) - open - 1);
    }
    if (at) out += ", ";
    out.append(table).append(".").append(column);
    at = comma + 2;
  }
  return out + ")";
}

// The message and SQLSTATE of a failed `result` (or of the connection when there is none), as
// a Status.
Status PostgresError(pg_conn* conn, const pg_result* result, std::string_view context) {
  std::string message(context);
  message += ": ";
  const char* text = result ? PQresultErrorMessage(result) : PQerrorMessage(conn);
  message += text && *text ? text : PQerrorMessage(conn);
  while (!message.empty() && message.back() == '\n') message.pop_back();
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string_view sqlstate = state ? state : "";
  if (sqlstate == "23505") message += UniqueColumns(result);
  if (sqlstate.starts_with("23")) return Status::Conflict("conflict", std::move(message));
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate.starts_with("08") ||
      sqlstate.starts_with("57") || PQstatus(conn) != CONNECTION_OK) {
    return Status::Unavailable(std::move(message));
  }
  return Status::Internal(std::move(message));
}

bool Failed(const pg_result* result) {
  ExecStatusType status = PQresultStatus(result);
  return status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
}

// Stands for a NULL in the key of a prepared statement's parameter types.
constexpr Oid kNullKey = ~Oid{0};

// "could not determine data type of parameter": SQLSTATE 42P18, or 42P08 when the parameter
// was declared of unknown type.
bool IndeterminateType(const pg_result* result) {
  const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE);
  std::string_view sqlstate = state ? state : "";
  return sqlstate == "42P18" || sqlstate == "42P08";
}

// N of "could not determine data type of parameter $N"; 0 when the message names none.
size_t UntypedParameter(const pg_result* result) {
  const char* message = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
  std::string_view text = message ? message : "";
  size_t dollar = text.rfind('$');
  size_t number = 0;
  if (dollar != std::string_view::npos) {
    std::from_chars(text.data() + dollar + 1, text.data() + text.size(), number);
  }
  return number;
}

// Frees a PGresult when it goes out of scope.
struct ResultDeleter {
  void operator()(pg_result* result) const { PQclear(result); }
};
using OwnedResult = std::unique_ptr<pg_result, ResultDeleter>;

// The notices PostgreSQL sends (e.g. "there is no transaction in progress", or the FATAL
// message of a server cutting the connection, which surfaces as an error anyway) are not
// errors to print; they stay out of our logs.
void IgnoreNotice(void* /*arg*/, const char* /*message*/) {}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return 0;
}

// bytea in the text output format ("\x" and two hex digits per byte) as its bytes.
std::string DecodeHexBytea(std::string_view text) {
  if (!text.starts_with("\\x")) return std::string(text);
  text.remove_prefix(2);
  std::string out(text.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] = static_cast<char>(HexDigit(text[2 * i]) * 16 + HexDigit(text[2 * i + 1]));
  }
  return out;
}

}  // namespace

pg_conn* ConnectToPrimary(const std::string& url) {
  // With expand_dbname, the URL's own parameters override the keywords before it.
  const char* const keywords[] = {"target_session_attrs", "connect_timeout", "dbname", nullptr};
  const char* const values[] = {"read-write", "5", url.c_str(), nullptr};
  pg_conn* conn = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (conn) PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return conn;
}

std::string TranslatePlaceholders(std::string_view sql, int* parameter_count) {
  std::string out;
  out.reserve(sql.size() + 8);
  int largest = 0;
  for (size_t i = 0; i < sql.size();) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // a literal or a quoted name, doubled quotes included
      size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == c) {
          if (end + 1 < sql.size() && sql[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      end = std::min(end + 1, sql.size());
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (sql.substr(i).starts_with("--")) {
      size_t end = std::min(sql.find('\n', i), sql.size());
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (sql.substr(i).starts_with("/*")) {
      size_t close = sql.find("*/", i + 2);
      size_t end = close == std::string_view::npos ? sql.size() : close + 2;
      out.append(sql.substr(i, end - i));
      i = end;
    } else if (c == '?') {
      size_t digits = i + 1;
      while (digits < sql.size() && sql[digits] >= '0' && sql[digits] <= '9') ++digits;
      int number = largest + 1;
      if (digits > i + 1) std::from_chars(sql.data() + i + 1, sql.data() + digits, number);
      largest = std::max(largest, number);
      out += '$';
      out += std::to_string(number);
      i = digits;
    } else {
      out += c;
      ++i;
    }
  }
  if (parameter_count) *parameter_count = largest;
  return out;
}

PostgresStatement::PostgresStatement(PostgresConnection& connection, std::string sql)
    : connection_(connection), sql_(std::move(sql)) {
  int parameter_count = 0;
  translated_ = TranslatePlaceholders(sql_, &parameter_count);
  parameters_.resize(static_cast<size_t>(parameter_count));
}

PostgresStatement::~PostgresStatement() { PQclear(result_); }

PostgresStatement::Parameter& PostgresStatement::At(int index, unsigned type) {
  if (index > static_cast<int>(parameters_.size())) parameters_.resize(static_cast<size_t>(index));
  Parameter& parameter = parameters_[static_cast<size_t>(index - 1)];
  parameter.type = type;
  return parameter;
}

Statement& PostgresStatement::BindInt64(int index, int64_t value) {
  At(index, kInt8Oid).value = std::to_string(value);
  return *this;
}

Statement& PostgresStatement::BindText(int index, std::string_view value) {
  At(index, 0).value = std::string(value);
  return *this;
}

Statement& PostgresStatement::BindDouble(int index, double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);  // shortest exact
  At(index, kFloat8Oid).value = std::string(buffer, end);
  return *this;
}

Statement& PostgresStatement::BindNull(int index) {
  At(index, 0).value.reset();
  return *this;
}

Statement& PostgresStatement::BindBlob(int index, const void* data, size_t size) {
  At(index, kByteaOid).value = std::string(static_cast<const char*>(data), size);
  return *this;
}

Result<std::string> PostgresStatement::PreparedFor(const std::vector<unsigned>& key) {
  for (const auto& [prepared_key, name] : prepared_) {
    if (prepared_key == key) return name;
  }
  std::vector<unsigned> types(key.size());
  for (size_t i = 0; i < key.size(); ++i) types[i] = key[i] == kNullKey ? 0 : key[i];
  std::string name = "agora_" + std::to_string(++connection_.next_statement_);
  OwnedResult result(PQprepare(connection_.conn_, name.c_str(), translated_.c_str(),
                               static_cast<int>(types.size()), types.data()));
  // A parameter the SQL alone cannot type (`?1 IS NULL OR ...`), one at a time as PostgreSQL
  // names them: text stays text, and a NULL is a bigint, as nullable parameters here are ids
  // and times.
  for (size_t tries = 0; result && IndeterminateType(result.get()) && tries < key.size(); ++tries) {
    size_t untyped = UntypedParameter(result.get());
    if (untyped == 0 || untyped > key.size() || types[untyped - 1] != 0) break;
    types[untyped - 1] = key[untyped - 1] == kNullKey ? kInt8Oid : kTextOid;
    result.reset(PQprepare(connection_.conn_, name.c_str(), translated_.c_str(),
                           static_cast<int>(types.size()), types.data()));
  }
  if (!result || Failed(result.get())) {
    return PostgresError(connection_.conn_, result.get(), "preparing " + sql_);
  }
  prepared_.emplace_back(key, name);
  return name;
}

Status PostgresStatement::Execute() {
  const size_t n = parameters_.size();
  std::vector<const char*> values(n);
  std::vector<int> lengths(n);
  std::vector<int> formats(n);
  std::vector<unsigned> key(n);
  for (size_t i = 0; i < n; ++i) {
    const Parameter& p = parameters_[i];
    values[i] = p.value ? p.value->data() : nullptr;
    lengths[i] = p.value ? static_cast<int>(p.value->size()) : 0;
    formats[i] = p.type == kByteaOid ? 1 : 0;  // a blob's bytes as they are
    key[i] = p.value ? p.type : kNullKey;
  }
  AGORA_ASSIGN_OR_RETURN(std::string name, PreparedFor(key));
  result_ = PQexecPrepared(connection_.conn_, name.c_str(), static_cast<int>(n), values.data(),
                           lengths.data(), formats.data(), /*resultFormat=*/0);
  if (!result_ || Failed(result_)) {
    Status status = PostgresError(connection_.conn_, result_, sql_);
    PQclear(result_);
    result_ = nullptr;
    return status;
  }
  connection_.NoteChanges(result_);
  rows_ = PQntuples(result_);
  row_ = -1;
  return Status::Ok();
}

Result<bool> PostgresStatement::step() {
  if (!result_) AGORA_RETURN_IF_ERROR(Execute());
  if (row_ < rows_) ++row_;
  return row_ < rows_;
}

int64_t PostgresStatement::column_int64(int index) const {
  const char* text = PQgetvalue(result_, row_, index);
  if (PQgetisnull(result_, row_, index)) return 0;
  if (text[0] == 't' && text[1] == '\0') return 1;  // a boolean
  int64_t value = 0;
  std::from_chars(text, text + std::strlen(text), value);  // a numeric stops at its point
  return value;
}

double PostgresStatement::column_double(int index) const {
  if (PQgetisnull(result_, row_, index)) return 0;
  return std::strtod(PQgetvalue(result_, row_, index), nullptr);
}

std::string PostgresStatement::column_text(int index) const {
  std::string_view text(PQgetvalue(result_, row_, index),
                        static_cast<size_t>(PQgetlength(result_, row_, index)));
  if (PQftype(result_, index) == kByteaOid) return DecodeHexBytea(text);
  return std::string(text);
}

bool PostgresStatement::column_is_null(int index) const {
  return PQgetisnull(result_, row_, index) == 1;
}

void PostgresStatement::reset() {
  PQclear(result_);
  result_ = nullptr;
  rows_ = 0;
  row_ = -1;
  for (Parameter& p : parameters_) p = {};  // unbound parameters are NULL
}

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(const std::string& url,
                                                                     Mode mode) {
  pg_conn* conn = ConnectToPrimary(url);
  if (!conn || PQstatus(conn) != CONNECTION_OK) {
    Status status = Status::Unavailable("connecting to PostgreSQL: " +
                                        std::string(conn ? PQerrorMessage(conn) : "no memory"));
    PQfinish(conn);
    return status;
  }
  std::unique_ptr<PostgresConnection> connection(new PostgresConnection(conn));
  if (mode == Mode::kReadOnly) {
    AGORA_RETURN_IF_ERROR(connection->exec("SET default_transaction_read_only = on"));
  }
  return connection;
}

bool PostgresConnection::lost() const { return PQstatus(conn_) != CONNECTION_OK; }

PostgresConnection::~PostgresConnection() {
  ForgetStatements();
  PQfinish(conn_);
}

Status PostgresConnection::exec(std::string_view sql) {
  std::string copy(sql);
  OwnedResult result(PQexec(conn_, copy.c_str()));
  if (!result || Failed(result.get())) return PostgresError(conn_, result.get(), "exec");
  NoteChanges(result.get());
  return Status::Ok();
}

Status PostgresConnection::BeginWrite() {
  // The key is any constant unique to Agora's write lock (the schema lock has its own).
  return exec("BEGIN; SELECT pg_advisory_xact_lock(7305718293485002)");
}

Status PostgresConnection::Commit() {
  const bool aborted = PQtransactionStatus(conn_) == PQTRANS_INERROR;
  AGORA_RETURN_IF_ERROR(exec("COMMIT"));
  if (aborted) return Status::Internal("commit: a failed statement aborted the transaction");
  return Status::Ok();
}

Result<std::unique_ptr<Statement>> PostgresConnection::PrepareUncached(const char* sql) {
  return std::unique_ptr<Statement>(std::make_unique<PostgresStatement>(*this, sql));
}

void PostgresConnection::NoteChanges(pg_result* result) {
  std::string_view command = PQcmdStatus(result);
  if (!command.starts_with("INSERT") && !command.starts_with("UPDATE") &&
      !command.starts_with("DELETE")) {
    return;
  }
  std::string_view rows = PQcmdTuples(result);
  int64_t changed = 0;
  std::from_chars(rows.data(), rows.data() + rows.size(), changed);
  changes_ = changed;
}

}  // namespace agora::storage
