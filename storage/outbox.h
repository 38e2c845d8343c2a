// Outbox: a durable log of "this entity changed", written in the same transaction as the
// change, so a consumer that was behind at a crash (the search index) catches up from the last
// entry it applied. Entries name an entity, not its new state: the consumer reloads the entity
// from the store, so applying an entry twice or out of date is harmless.
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

enum class OutboxTopic : int { kPost = 1, kUser = 2 };

struct OutboxEntry {
  int64_t seq = 0;  // increasing in commit order
  OutboxTopic topic = OutboxTopic::kPost;
  Id entity_id = 0;
};

// Inside a write transaction: records that `entity_id` of `topic` changed.
Status AppendOutbox(Connection& c, OutboxTopic topic, Id entity_id);
// Up to `limit` entries with seq > `after`, oldest first.
Result<std::vector<OutboxEntry>> ReadOutbox(Connection& c, int64_t after, int limit);
// The newest seq (0 when the outbox has always been empty).
Result<int64_t> LastOutboxSeq(Connection& c);
// Inside a write transaction: forgets entries with seq <= `upto` (they were applied).
Status PruneOutbox(Connection& c, int64_t upto);

}  // namespace agora::storage
