#include "services/outbox_tailer.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "core/logfmt.h"

namespace agora::services {

OutboxTailer::OutboxTailer(storage::Store& store, std::unique_ptr<storage::NodeSession> session,
                           OutboxAppliers appliers, std::function<int64_t()> index_applied,
                           OutboxTailerOptions options)
    : store_(store),
      appliers_(appliers),
      index_applied_(std::move(index_applied)),
      options_(options),
      session_(std::move(session)),
      thread_("agora-tailer") {}

OutboxTailer::~OutboxTailer() { Stop(); }

Status OutboxTailer::Start() {
  auto last = store_.read(storage::LastOutboxSeq);
  if (!last.ok()) return last.status();
  applied_seq_ = *last;
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

Result<size_t> OutboxTailer::ApplyNext() {
  int64_t after = applied_seq_.load();
  auto entries = store_.read(
      [&](storage::Connection& c) { return storage::ReadOutbox(c, after, options_.batch); });
  if (!entries.ok()) return entries.status();
  for (const storage::OutboxEntry& e : *entries) {
    if (e.node_id != options_.node_id) {
      // A failure is logged and passed: a stale timeline or cache entry is repaired when it
      // next loads, and stopping here would leave every later change unapplied.
      Status applied = Apply(e);
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

void OutboxTailer::Run() {
  using Clock = std::chrono::steady_clock;
  auto last_report = Clock::now() - options_.report_interval;
  while (!thread_.stopping()) {
    auto read = ApplyNext();
    if (!read.ok()) {
      ++failures_;
      spdlog::error("event=outbox_tail_failed message={}", LogValue(read.status().message()));
    }
    auto now = Clock::now();
    if (now - last_report >= options_.report_interval) {
      last_report = now;
      int64_t applied = std::min(applied_seq_.load(), index_applied_());
      Status reported = store_.write([&](storage::Connection& c) {
        return storage::RecordNodeProgress(c, options_.node_id, applied);
      });
      if (!reported.ok()) {
        spdlog::warn("event=node_report_failed message={}", LogValue(reported.message()));
      }
    }
    if (read.ok() && *read >= static_cast<size_t>(options_.batch)) continue;
    auto woken = session_->Wait(options_.poll_interval);
    if (!woken.ok()) {
      // The claim on the node id went with the connection: another node may now take it.
      ++failures_;
      spdlog::error("event=node_session_lost message={}", LogValue(woken.status().message()));
      thread_.SleepUntil(Clock::now() + options_.poll_interval);
    }
  }
}

}  // namespace agora::services
