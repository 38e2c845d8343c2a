#include "storage/outbox.h"

namespace agora::storage {
Status AppendOutbox(Connection& c, OutboxTopic topic, Id entity_id, OutboxKind kind,
                    Id subject_id) {
  auto stmt =
      c.prepare("INSERT INTO outbox (topic, entity_id, kind, subject_id) VALUES (?, ?, ?, ?)");
  if (!stmt.ok()) return stmt.status();
  (*stmt)
      ->bind(1, static_cast<int64_t>(topic))
      .bind(2, entity_id)
      .bind(3, static_cast<int64_t>(kind))
      .bind(4, subject_id);
  return (*stmt)->run();
}

Result<std::vector<OutboxEntry>> ReadOutbox(Connection& c, int64_t after, int limit) {
  auto stmt = c.prepare(
      "SELECT seq, topic, entity_id, kind, subject_id, node_id FROM outbox WHERE seq > ? "
      "ORDER BY seq LIMIT ?");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, after).bind(2, static_cast<int64_t>(limit));
  std::vector<OutboxEntry> out;
  while (true) {
    auto row = (*stmt)->step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    out.push_back({(*stmt)->column_int64(0), static_cast<OutboxTopic>((*stmt)->column_int64(1)),
                   (*stmt)->column_int64(2), static_cast<OutboxKind>((*stmt)->column_int64(3)),
                   (*stmt)->column_int64(4), static_cast<int>((*stmt)->column_int64(5))});
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
  // Heartbeats use the server's clock, so nodes' clocks never disagree about liveness.
  auto bound = c.prepare(
      c.engine() == Engine::kSqlite
          ? "SELECT max(seq) FROM outbox WHERE seq <= ?1"
          : "SELECT max(seq) FROM outbox WHERE seq <= least(?1, (SELECT min(applied_seq) FROM "
            "nodes WHERE heartbeat_at > (extract(epoch FROM clock_timestamp()) * 1000)::bigint - "
            "3600000))");
  if (!bound.ok()) return bound.status();
  (*bound)->bind(1, upto);
  auto row = (*bound)->step();
  if (!row.ok()) return row.status();
  if ((*bound)->column_is_null(0)) return Status::Ok();  // nothing to forget
  const int64_t through = (*bound)->column_int64(0);
  auto forget = c.prepare("DELETE FROM outbox WHERE seq <= ?");
  if (!forget.ok()) return forget.status();
  (*forget)->bind(1, through);
  AGORA_RETURN_IF_ERROR((*forget)->run());
  auto horizon = c.prepare("UPDATE outbox_horizon SET pruned_through = ? WHERE pruned_through < ?");
  if (!horizon.ok()) return horizon.status();
  (*horizon)->bind(1, through).bind(2, through);
  return (*horizon)->run();
}

Result<int64_t> OutboxPrunedThrough(Connection& c) {
  auto stmt = c.prepare("SELECT pruned_through FROM outbox_horizon");
  if (!stmt.ok()) return stmt.status();
  auto row = (*stmt)->step();
  if (!row.ok()) return row.status();
  return *row ? (*stmt)->column_int64(0) : 0;
}

Status RecordNodeProgress(Connection& c, int node_id, int64_t applied_seq) {
  auto stmt = c.prepare(
      "INSERT INTO nodes (node_id, applied_seq, heartbeat_at) VALUES (?1, ?2, "
      "(extract(epoch FROM clock_timestamp()) * 1000)::bigint) ON CONFLICT (node_id) DO UPDATE "
      "SET applied_seq = excluded.applied_seq, heartbeat_at = excluded.heartbeat_at");
  if (!stmt.ok()) return stmt.status();
  (*stmt)->bind(1, static_cast<int64_t>(node_id)).bind(2, applied_seq);
  return (*stmt)->run();
}

}  // namespace agora::storage
