#include "services/outbox_tailer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/logfmt.h"

namespace agora::services {

OutboxTailer::OutboxTailer(storage::Store& store, std::unique_ptr<storage::NodeSession> session,
                           IdGenerator& ids, OutboxAppliers appliers,
                           std::function<int64_t()> index_applied, OutboxTailerOptions options)
    : store_(store),
      ids_(ids),
      appliers_(appliers),
      index_applied_(std::move(index_applied)),
      options_(options),
      session_(std::move(session)),
      thread_("agora-tailer") {}

OutboxTailer::~OutboxTailer() { Stop(); }

Status OutboxTailer::Start(std::function<void()> stop_node) {
  auto last = store_.read(storage::LastOutboxSeq);
  if (!last.ok()) return last.status();
  applied_seq_ = *last;
  stop_node_ = std::move(stop_node);
  thread_.Start([this] { Run(); });
  return Status::Ok();
}

void OutboxTailer::Stop() { thread_.Stop(); }

Status OutboxTailer::Apply(const storage::OutboxEntry& e) {
  using storage::OutboxKind;
  using storage::OutboxTopic;
  const bool created = e.kind == OutboxKind::kCreated;
  switch (e.topic) {
    case OutboxTopic::kPost:
      return appliers_.posts.ApplyRemote(e.entity_id, e.kind);
    case OutboxTopic::kFollow:
      if (created) return appliers_.feed.OnFollow(e.subject_id, e.entity_id);
      appliers_.feed.OnUnfollow(e.subject_id, e.entity_id);
      return Status::Ok();
    case OutboxTopic::kMembership:
      if (created) return appliers_.feed.OnJoined(e.subject_id, e.entity_id);
      appliers_.feed.OnLeft(e.subject_id, e.entity_id);
      return Status::Ok();
    case OutboxTopic::kUser:
      return appliers_.accounts.ApplyRemote(e.entity_id);
    case OutboxTopic::kDeal:
      return appliers_.deals.ApplyRemote(e.entity_id);
    case OutboxTopic::kRates:
      return appliers_.reporting.ApplyRemoteRates();
    case OutboxTopic::kCampaign:
      return appliers_.campaigns.ApplyRemote(e.entity_id);
    case OutboxTopic::kNotification:
      return appliers_.notifications.ApplyRemote(e.entity_id);
  }
  return Status::Ok();
}

void OutboxTailer::StopNode() {
  stopping_node_ = true;
  if (stop_node_) stop_node_();
}

Result<size_t> OutboxTailer::ApplyNext() {
  int64_t after = applied_seq_.load();
  int64_t pruned = 0;
  auto entries =
      store_.read([&](storage::Connection& c) -> Result<std::vector<storage::OutboxEntry>> {
        AGORA_ASSIGN_OR_RETURN(pruned, storage::OutboxPrunedThrough(c));
        return storage::ReadOutbox(c, after, options_.batch);
      });
  if (!entries.ok()) return entries.status();
  if (after < pruned) {
    spdlog::critical("event=node_behind_outbox node_id={} applied_seq={} pruned_through={}",
                     options_.node_id, after, pruned);
    StopNode();
    return 0;
  }
  for (const storage::OutboxEntry& e : *entries) {
    if (e.node_id != options_.node_id) {
      ids_.Observe(e.entity_id);
      // A failure is logged and passed: a stale timeline or cache entry is repaired when it
      // next loads, and stopping here would leave every later change unapplied. Except when
      // the store is unreachable (a lost connection, a failover): the entry is tried again.
      Status applied = Apply(e);
      if (applied.code() == StatusCode::kUnavailable) return applied;
      if (applied.ok()) {
        ++applied_;
      } else {
        ++failures_;
        spdlog::error("event=outbox_apply_failed seq={} message={}", e.seq,
                      LogValue(applied.message()));
      }
    }
    applied_seq_ = e.seq;
  }
  return entries->size();
}

bool OutboxTailer::Reclaim() {
  Status reclaimed = session_->Reclaim();
  if (reclaimed.ok()) {
    spdlog::info("event=node_reclaimed node_id={}", options_.node_id);
    return true;
  }
  if (reclaimed.code() == StatusCode::kConflict) {
    spdlog::critical("event=node_refused node_id={} message={}", options_.node_id,
                     LogValue(reclaimed.message()));
    StopNode();
    return false;
  }
  spdlog::warn("event=node_reclaim_failed node_id={} message={}", options_.node_id,
               LogValue(reclaimed.message()));
  return false;
}

void OutboxTailer::Run() {
  using Clock = std::chrono::steady_clock;
  auto last_report = Clock::now() - options_.heartbeat_interval;
  int64_t reported_seq = -1;
  bool claimed = true;  // the session holds the node id
  while (!thread_.stopping()) {
    if (!claimed) {
      claimed = Reclaim();
      if (stopping_node_) return;  // another node has this id now
      if (!claimed) {
        thread_.SleepUntil(Clock::now() + options_.poll_interval);
        continue;
      }
    }
    auto read = ApplyNext();
    if (stopping_node_) return;
    if (!read.ok()) {
      ++failures_;
      spdlog::error("event=outbox_tail_failed message={}", LogValue(read.status().message()));
    }
    // A report is a write under the cluster-wide write lock: made when the position moved,
    // and otherwise only as often as pruning needs to know this node is alive.
    auto now = Clock::now();
    int64_t applied = std::min(applied_seq_.load(), index_applied_());
    auto since_report = now - last_report;
    if ((applied != reported_seq && since_report >= options_.report_interval) ||
        since_report >= options_.heartbeat_interval) {
      Status reported = store_.write([&](storage::Connection& c) {
        return storage::RecordNodeProgress(c, options_.node_id, applied);
      });
      if (reported.ok()) {
        last_report = now;
        reported_seq = applied;
      } else {
        spdlog::warn("event=node_report_failed message={}", LogValue(reported.message()));
      }
    }
    if (read.ok() && *read >= static_cast<size_t>(options_.batch)) continue;
    auto woken = session_->Wait(options_.poll_interval);
    if (!woken.ok()) {
      // The claim on the node id went with the connection: another node may now take it.
      ++failures_;
      claimed = false;
      spdlog::error("event=node_session_lost message={}", LogValue(woken.status().message()));
      thread_.SleepUntil(Clock::now() + options_.poll_interval);
    }
  }
}

}  // namespace agora::services
