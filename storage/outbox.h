// Outbox: a durable log of "this entity changed", written in the same transaction as the
// change, so a consumer that was behind at a crash (the search index) catches up from the last
// entry it applied, and the other nodes sharing a PostgreSQL store learn what one node changed
// (services/outbox_tailer.h). Entries name an entity, not its new state: the consumer reloads
// the entity from the store, so applying an entry twice or out of date is harmless.
//
// On PostgreSQL every write transaction holds one cluster-wide lock from its start to its
// commit (PostgresConnection::BeginWrite), so seq order is commit order across nodes too: a
// reader that saw seq N has seen every entry below it.
//
// The functions take a Connection and are as thread-safe as it is: write ones inside a write
// transaction (on the store's writer thread), read ones on any connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/id.h"
#include "core/status.h"
#include "storage/connection.h"

namespace agora::storage {

// What changed: a post or a person (entity_id), a follow (entity_id the followee, subject_id
// the follower), a membership (entity_id the community, subject_id the person), a deal or a
// campaign (entity_id), the reporting currency or a month's rates (no entity: 0), a
// notification stored (entity_id the notification, subject_id its recipient).
enum class OutboxTopic : int {
  kPost = 1,
  kUser = 2,
  kFollow = 3,
  kMembership = 4,
  kDeal = 5,
  kRates = 6,
  kCampaign = 7,
  kNotification = 8,
};
// How: created (a new post, a follow made, a member joined), removed (a post deleted, an
// unfollow, a member who left or was removed or banned), or any other change.
enum class OutboxKind : int { kChanged = 0, kCreated = 1, kRemoved = 2 };

struct OutboxEntry {
  int64_t seq = 0;  // increasing in commit order
  OutboxTopic topic = OutboxTopic::kPost;
  Id entity_id = 0;
  OutboxKind kind = OutboxKind::kChanged;
  Id subject_id = 0;
  int node_id = 0;  // the node whose writer committed it (0 on SQLite)
};

// Inside a write transaction: records that `entity_id` of `topic` changed.
Status AppendOutbox(Connection& c, OutboxTopic topic, Id entity_id,
                    OutboxKind kind = OutboxKind::kChanged, Id subject_id = 0);
// Up to `limit` entries with seq > `after`, oldest first.
Result<std::vector<OutboxEntry>> ReadOutbox(Connection& c, int64_t after, int limit);
// The newest seq (0 when the outbox has always been empty).
Result<int64_t> LastOutboxSeq(Connection& c);
// Inside a write transaction: forgets entries with seq <= `upto` (they were applied). On
// PostgreSQL, never past what a node that reported within the last hour has applied.
Status PruneOutbox(Connection& c, int64_t upto);
// The largest seq pruning ever forgot (0 when none). A consumer whose position is below it
// missed entries for good and must rebuild what it keeps from the store.
Result<int64_t> OutboxPrunedThrough(Connection& c);
// PostgreSQL, inside a write transaction: node `node_id` applied every entry up to
// `applied_seq` (its search index and its tailer both), as of now.
Status RecordNodeProgress(Connection& c, int node_id, int64_t applied_seq);

}  // namespace agora::storage
