#include "storage/outbox.h"

namespace agora::storage {

Status AppendOutbox(Connection& c, OutboxTopic topic, Id entity_id) {
  auto stmt = c.prepare("INSERT INTO outbox (topic, entity_id) VALUES (?, ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, static_cast<int64_t>(topic)).bind(2, entity_id);
  return (*stmt)->run();
}

Result<std::vector<OutboxEntry>> ReadOutbox(Connection& c, int64_t after, int limit) {
  auto stmt =
      c.prepare("SELECT seq, topic, entity_id FROM outbox WHERE seq > ? ORDER BY seq LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, after).bind(2, static_cast<int64_t>(limit));
  std::vector<OutboxEntry> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({(*stmt)->column_int64(0), static_cast<OutboxTopic>((*stmt)->column_int64(1)),
                   (*stmt)->column_int64(2)});
  }
  return out;
}

Result<int64_t> LastOutboxSeq(Connection& c) {
  // sqlite_sequence, or PostgreSQL's sequence behind seq, remembers the largest seq even after
  // pruning emptied the table.
  auto stmt = c.prepare(
      c.engine() == Engine::kPostgres
          ? "SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM outbox_seq_seq"
          : "SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return (*stmt)->column_int64(0);
}

Status PruneOutbox(Connection& c, int64_t upto) {
  auto stmt = c.prepare("DELETE FROM outbox WHERE seq <= ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, upto);
  return (*stmt)->run();
}

}  // namespace agora::storage
