// Reading rows: the loops every repository shares, so each one writes only its SQL, one column
// list and one row mapper per entity.
//
// Everything here runs on the Connection it is given (a reader's, or the writer's inside a
// use case's transaction) and is as thread-safe as that connection: one thread at a time.
// Errors are the Status of the sqlite3 call that failed; no helper retries.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/status.h"
#include "storage/connection.h"

namespace agora::storage {

// SQL text joined at compile time, so a column list is written once and every statement that
// reads the entity names it:
//   constexpr char kColumns[] = "id, name";
//   constexpr auto kById = Sql("SELECT ", kColumns, " FROM things WHERE id = ?");
//   c.prepare(kById.data());
template <size_t... N>
consteval auto Sql(const char (&... parts)[N]) {
  std::array<char, (N + ...) - sizeof...(N) + 1> out{};
  size_t at = 0;
  auto append = [&](const char* part, size_t size) {
    for (size_t i = 0; i + 1 < size; ++i) out[at++] = part[i];
  };
  (append(parts, N), ...);
  out[at] = '\0';
  return out;
}

// Bytes to bind as a BLOB (a std::string_view binds as TEXT, which never equals a BLOB).
struct Blob {
  std::string_view bytes;
};

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

// Binds one value to ?index: a double as a REAL (never truncated to an integer), an empty
// optional as NULL.
template <typename T>
void BindValue(Statement& stmt, int index, const T& value) {
  if constexpr (kIsOptional<T>) {
    if (value) {
      BindValue(stmt, index, *value);
    } else {
      stmt.bind_null(index);
    }
  } else if constexpr (std::is_floating_point_v<T>) {
    stmt.bind_double(index, value);
  } else if constexpr (std::is_same_v<T, Blob>) {
    stmt.bind_blob(index, value.bytes.data(), value.bytes.size());
  } else {
    stmt.bind(index, value);
  }
}

// Binds `args` to ?1, ?2, ... in order.
template <typename... Args>
void BindAll(Statement& stmt, const Args&... args) {
  int index = 0;
  (BindValue(stmt, ++index, args), ...);
}

// Prepares `sql`, binds `args` and steps it to completion, expecting no rows.
template <typename... Args>
Status Run(Connection& c, const char* sql, const Args&... args) {
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  BindAll(**stmt, args...);
  return (*stmt)->run();
}

// Prepares `sql`, binds `args` and calls `on_row(stmt)` for every row. Returns the first error.
template <typename OnRow, typename... Args>
Status ForEachRow(Connection& c, const char* sql, OnRow&& on_row, const Args&... args) {
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  BindAll(**stmt, args...);
  for (;;) {
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
    on_row(**stmt);
  }
}

// The first row of `sql` (with `args` bound) made by `read_row`; nullopt when there is none.
template <typename ReadRow, typename... Args>
auto ReadOne(Connection& c, const char* sql, ReadRow&& read_row, const Args&... args)
    -> Result<std::optional<std::invoke_result_t<ReadRow&, Statement&>>> {
  using T = std::invoke_result_t<ReadRow&, Statement&>;
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  BindAll(**stmt, args...);
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<T>();
  return std::optional<T>(read_row(**stmt));
}

// The first column of every row of `sql` (with `args` bound).
template <typename... Args>
Result<std::vector<int64_t>> ReadIds(Connection& c, const char* sql, const Args&... args) {
  auto stmt = c.prepare(sql);
  if (!stmt.ok()) return stmt.status();
  BindAll(**stmt, args...);
  return (*stmt)->collect_int64();
}

// The first column of the first row of `sql` (a count, say); nullopt when there is no row.
template <typename... Args>
Result<std::optional<int64_t>> ReadInt64(Connection& c, const char* sql, const Args&... args) {
  return ReadOne(
      c, sql, [](Statement& s) { return s.column_int64(0); }, args...);
}

// The ids `list_sql` reads for `key`, unless the number `count_sql` reads for it (a kept
// count) is above `threshold`: then nullopt, too many to fan out to.
inline Result<std::optional<std::vector<int64_t>>> IdsUnlessMoreThan(
    Connection& c, const char* count_sql, const char* list_sql, int64_t key, int64_t threshold) {
  using Out = std::optional<std::vector<int64_t>>;
  auto count = ReadInt64(c, count_sql, key);
  if (!count.ok()) return count.status();
  if (*count && **count > threshold) return Out();
  auto ids = ReadIds(c, list_sql, key);
  if (!ids.ok()) return ids.status();
  return Out(std::move(*ids));
}

// The strings of `json`, a JSON array of strings, in order. The engines differ here: the
// json_each PostgreSQL's schema adds reads ids, not strings.
inline Result<std::vector<std::string>> ReadJsonStrings(Connection& c, const std::string& json) {
  std::vector<std::string> out;
  Status read = ForEachRow(
      c,
      c.engine() == Engine::kPostgres
          ? "SELECT value FROM json_array_elements_text(CAST(?1 AS json)) WITH ORDINALITY "
            "AS e(value, key) ORDER BY key"
          : "SELECT value FROM json_each(?1) ORDER BY key",
      [&](Statement& s) { out.push_back(s.column_text(0)); }, json);
  if (!read.ok()) return read;
  return out;
}

// Loading by many ids: a statement whose ?1 is a JSON array of ids
// (`... WHERE id IN (SELECT value FROM json_each(?1))`) runs once per batch of at most
// kIdBatch ids. The statement text stays the same for any number of ids, so it is prepared
// once per connection, and no batch comes near SQLite's limits.
inline constexpr size_t kIdBatch = 500;

// `ids` as a JSON array of integers, for json_each.
inline std::string IdArray(std::span<const int64_t> ids) {
  std::string out = "[";
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  out += ']';
  return out;
}

// Calls `fn(json)` with each batch of at most kIdBatch of `ids`, as a JSON array, in order;
// stops at the first error `fn` returns.
template <typename Fn>
Status ForEachBatch(std::span<const int64_t> ids, Fn&& fn) {
  for (size_t start = 0; start < ids.size(); start += kIdBatch) {
    AGORA_RETURN_IF_ERROR(fn(IdArray(ids.subspan(start, std::min(kIdBatch, ids.size() - start)))));
  }
  return Status::Ok();
}

// Runs `sql` (see kIdBatch) over `ids`, one statement per batch, and calls `on_row(stmt)` for
// every row. Row order across batches follows the batches; within one, the statement's.
template <typename OnRow>
Status ForEachRowIn(Connection& c, const char* sql, std::span<const int64_t> ids, OnRow&& on_row) {
  return ForEachBatch(ids,
                      [&](const std::string& batch) { return ForEachRow(c, sql, on_row, batch); });
}

// The rows of `sql` (see kIdBatch) for `ids`, made by `read_row` and keyed by `key_of`. Ids
// with no row are absent; an id given twice is loaded once.
template <typename ReadRow, typename KeyOf>
auto ReadByIds(Connection& c, const char* sql, std::span<const int64_t> ids, ReadRow&& read_row,
               KeyOf&& key_of)
    -> Result<std::unordered_map<int64_t, std::invoke_result_t<ReadRow&, Statement&>>> {
  std::unordered_map<int64_t, std::invoke_result_t<ReadRow&, Statement&>> out;
  out.reserve(ids.size());
  AGORA_RETURN_IF_ERROR(ForEachRowIn(c, sql, ids, [&](Statement& s) {
    auto item = read_row(s);
    int64_t key = key_of(item);
    out.insert_or_assign(key, std::move(item));
  }));
  return out;
}

// The keys of `found`, for loading what belongs to them in one more batch.
template <typename T>
std::vector<int64_t> KeysOf(const std::unordered_map<int64_t, T>& found) {
  std::vector<int64_t> keys;
  keys.reserve(found.size());
  for (const auto& [key, value] : found) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

// The values of `found` in the order of `ids`, skipping ids absent from it; an id given twice
// appears twice. Callers get back the order they asked for whatever order SQLite chose.
template <typename T>
std::vector<T> InOrderOf(std::span<const int64_t> ids, std::unordered_map<int64_t, T>& found) {
  std::vector<T> out;
  out.reserve(std::min(ids.size(), found.size()));
  for (int64_t id : ids) {
    auto it = found.find(id);
    if (it != found.end()) out.push_back(it->second);
  }
  return out;
}

}  // namespace agora::storage
