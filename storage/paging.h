// Keyset paging over a prepared statement: the one loop every "page of rows" read shares.
#pragma once

#include "core/id.h"
#include "core/page.h"
#include "core/status.h"
#include "storage/connection.h"

namespace agora::storage {

// Steps `stmt`, which must ask for `limit + 1` rows in page order, into a page of at most
// `limit` items made by `read_row(stmt)`. The extra row only says that a next page exists; its
// cursor is `key_of(last item)`.
template <typename T, typename ReadRow, typename KeyOf>
Result<Page<T>> ReadPage(Statement& stmt, int limit, ReadRow read_row, KeyOf key_of) {
  Page<T> out;
  for (;;) {
    auto row = stmt.step();
    if (!row.ok()) return row.status();
    if (!*row) return out;
    if (static_cast<int>(out.items.size()) == limit) {
      out.next_cursor = IdToString(key_of(out.items.back()));
      return out;
    }
    out.items.push_back(read_row(stmt));
  }
}

}  // namespace agora::storage
