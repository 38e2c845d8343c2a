// OutboxTailer: what other nodes changed, applied to this node's memory.
//
// Several nodes may share one PostgreSQL store (docs/scaling.md). Each keeps its own timelines,
// post cache and live streams, and each node's writer applies its own changes to them in
// process, after the commit. The tailer is how a node learns of the others' changes: one
// thread reads the outbox (storage/outbox.h) past the last entry it saw, woken by the
// NOTIFY each commit sends (storage/node_session.h) or at the latest after a poll interval, and
// applies each entry another node wrote as that node applied it locally: posts to the cache,
// timelines and live streams, follows and memberships to timelines, people to the session and
// summary caches (a deactivated account's streams close), deals, rates and campaigns to the
// sales engines (leaderboards and monthly results, with their live events), notifications to
// the recipient's live streams. Its own entries are skipped. Every id another node made is
// shown to this node's id generator, so what this node writes next sorts after it even when
// the other node's clock runs ahead (core/id.h). The search index is not its business: every
// node's SearchIndexer follows the whole outbox. It also reports how far this node applied the
// outbox (once a second at most, once a minute at least), so pruning keeps what this node
// still needs.
//
// It starts at the outbox's end: what was committed before lives in the store, which this
// node's timelines and caches read when they load.
//
// When the node session is lost (PostgreSQL restarted, or a standby promoted: advisory locks
// are not replicated), the tailer claims the node id again every poll interval until it holds
// it (`event=node_reclaimed`), listens again and resumes from the last entry it applied. If
// another live node took the id in between, the node must stop serving: the tailer logs
// `event=node_refused`, calls the stop_node given to Start and applies nothing more. It does
// the same, logging `event=node_behind_outbox`, when pruning forgot entries it had not applied
// (the node was cut off longer than pruning waits for it): its memory missed changes that only
// a restart, which rebuilds it from the store, brings back.
//
// Thread-safe: Start and Stop from the owner; the statistics from anywhere.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "core/id.h"
#include "core/status.h"
#include "core/worker_thread.h"
#include "services/account_service.h"
#include "services/campaign_service.h"
#include "services/deal_service.h"
#include "services/feed_service.h"
#include "services/notification_service.h"
#include "services/post_service.h"
#include "services/reporting_service.h"
#include "storage/node_session.h"
#include "storage/outbox.h"
#include "storage/store.h"

namespace agora::services {

struct OutboxTailerOptions {
  int node_id = 0;
  // The longest a change waits when a notification was lost (the connection blips).
  std::chrono::milliseconds poll_interval{500};
  // How far this node applied the outbox is recorded at most this often when it moved, and
  // at least this often (the heartbeat pruning reads) when it did not.
  std::chrono::milliseconds report_interval{1000};
  std::chrono::milliseconds heartbeat_interval{60'000};
  int batch = 500;  // entries read at once
};

// What the entries are applied to, by topic.
struct OutboxAppliers {
  PostService& posts;
  FeedService& feed;  // follows and memberships
  AccountService& accounts;
  DealService& deals;
  ReportingService& reporting;  // rates
  CampaignService& campaigns;
  NotificationService& notifications;
};

class OutboxTailer {
 public:
  // Every reference must outlive the tailer. `index_applied` tells how far this node's search
  // index applied the outbox (pruning keeps what it has not).
  OutboxTailer(storage::Store& store, std::unique_ptr<storage::NodeSession> session,
               IdGenerator& ids, OutboxAppliers appliers, std::function<int64_t()> index_applied,
               OutboxTailerOptions options);
  ~OutboxTailer();  // Stop()s

  // Reads where the outbox ends, then starts the thread. `stop_node` is called on the tailer's
  // thread, once, if this node must stop serving (see above).
  Status Start(std::function<void()> stop_node);
  // Finishes the entry in hand and stops (within a poll interval). Idempotent.
  void Stop();

  int64_t applied_seq() const { return applied_seq_.load(); }
  uint64_t applied() const { return applied_.load(); }  // entries of other nodes applied
  uint64_t failures() const { return failures_.load(); }

 private:
  void Run();
  // After the session was lost: true once the id is held again; false while the store cannot
  // be reached, or when the id was taken (then StopNode).
  bool Reclaim();
  // Applies nothing more and tells the owner to stop this node.
  void StopNode();
  // Applies up to one batch; returns the number of entries read. Stops at an entry that could
  // not be applied for want of the store (kUnavailable), to try it again.
  Result<size_t> ApplyNext();
  Status Apply(const storage::OutboxEntry& entry);

  // Constant after construction.
  storage::Store& store_;
  IdGenerator& ids_;
  const OutboxAppliers appliers_;
  const std::function<int64_t()> index_applied_;
  const OutboxTailerOptions options_;

  std::unique_ptr<storage::NodeSession> session_;  // the tailer's thread only
  std::function<void()> stop_node_;                // set by Start, before the thread
  bool stopping_node_ = false;                     // the tailer's thread only
  WorkerThread<> thread_;  // thread-safe; it takes no tasks, it waits on the session

  std::atomic<int64_t> applied_seq_{0};  // written by the tailer's thread only
  std::atomic<uint64_t> applied_{0};
  std::atomic<uint64_t> failures_{0};
};

}  // namespace agora::services
