#include "notifications/notification_repository.h"

#include <cstdint>
#include <utility>

#include "storage/paging.h"
#include "storage/rows.h"

namespace agora::notifications {
namespace {

using storage::Connection;
using storage::Statement;

// The one column list of a Notification row, and its mapper.
constexpr char kColumns[] =
    "id, recipient_id, type, actor_id, post_id, community_id, count, created_at, "
    "read_at IS NOT NULL, deal_id";

Notification ReadRow(const Statement& s) {
  Notification n;
  n.id = s.column_int64(0);
  n.recipient_id = s.column_int64(1);
  n.type = ParseType(s.column_text(2)).value_or(NotificationType::kMention);
  n.actor_id = s.column_int64(3);
  n.post_id = s.column_optional_int64(4);
  n.community_id = s.column_optional_int64(5);
  n.count = s.column_int64(6);
  n.created_at = s.column_int64(7);
  n.read = s.column_int64(8) != 0;
  n.deal_id = s.column_optional_int64(9);
  return n;
}

constexpr auto kPage = storage::Sql(
    "SELECT ", kColumns,
    " FROM notifications WHERE recipient_id = ?1 AND id < ?2 ORDER BY id DESC LIMIT ?3");
constexpr auto kUnreadPage = storage::Sql("SELECT ", kColumns,
                                          " FROM notifications WHERE recipient_id = ?1 AND id < ?2 "
                                          "AND read_at IS NULL ORDER BY id DESC LIMIT ?3");

// One notification, as Add() stores it; nullopt when skipped.
Result<std::optional<Notification>> InsertOne(Connection& c, const NewNotification& item,
                                              UnixMillis now) {
  int64_t count = 1;
  if (item.type == NotificationType::kReaction && item.post_id) {
    AGORA_ASSIGN_OR_RETURN(
        auto unread,
        storage::ReadOne(
            c,
            "SELECT id, count FROM notifications WHERE post_id = ?1 "
            "AND recipient_id = ?2 AND type = 'reaction' AND read_at IS NULL",
            [](Statement& s) { return std::pair(s.column_int64(0), s.column_int64(1)); },
            *item.post_id, item.recipient_id));
    if (unread) {
      count = unread->second + 1;
      AGORA_RETURN_IF_ERROR(
          storage::Run(c, "DELETE FROM notifications WHERE id = ?", unread->first));
    }
  } else if (item.type == NotificationType::kFollow) {
    AGORA_ASSIGN_OR_RETURN(
        auto unread, storage::ReadOne(
                         c,
                         "SELECT 1 FROM notifications WHERE recipient_id = ?1 AND type = 'follow' "
                         "AND actor_id = ?2 AND read_at IS NULL",
                         [](Statement&) { return true; }, item.recipient_id, item.actor_id));
    if (unread) return std::optional<Notification>();
  }
  auto insert = c.prepare(
      "INSERT INTO notifications (recipient_id, type, actor_id, post_id, community_id, count, "
      "created_at, deal_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id");
  if (!insert.ok()) return insert.status();
  (*insert)
      ->bind(1, item.recipient_id)
      .bind(2, TypeName(item.type))
      .bind(3, item.actor_id)
      .bind(4, item.post_id)
      .bind(5, item.community_id)
      .bind(6, count)
      .bind(7, now)
      .bind(8, item.deal_id);
  auto row = (*insert)->step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Internal("insert into notifications returned no id");
  Notification n;
  n.id = (*insert)->column_int64(0);
  n.recipient_id = item.recipient_id;
  n.type = item.type;
  n.actor_id = item.actor_id;
  n.post_id = item.post_id;
  n.community_id = item.community_id;
  n.deal_id = item.deal_id;
  n.count = count;
  n.created_at = now;
  return std::optional<Notification>(n);
}

}  // namespace

Result<std::vector<Notification>> NotificationRepository::Add(
    Connection& c, const std::vector<NewNotification>& items) {
  UnixMillis now = clock_.now_ms();
  std::vector<Notification> out;
  out.reserve(items.size());
  for (const auto& item : items) {
    auto stored = InsertOne(c, item, now);
    if (!stored.ok()) return stored.status();
    if (*stored) out.push_back(**stored);
  }
  return out;
}

Result<std::optional<Notification>> NotificationRepository::Find(Id id) {
  return store_.read([&](Connection& c) {
    return storage::ReadOne(
        c, storage::Sql("SELECT ", kColumns, " FROM notifications WHERE id = ?").data(), ReadRow,
        id);
  });
}

Result<Page<Notification>> NotificationRepository::List(Id recipient, bool unread_only,
                                                        const PageRequest& page) {
  return store_.read([&](Connection& c) -> Result<Page<Notification>> {
    auto stmt = c.prepare(unread_only ? kUnreadPage.data() : kPage.data());
    if (!stmt.ok()) return stmt.status();
    (*stmt)
        ->bind(1, recipient)
        .bind(2, page.after_key.value_or(INT64_MAX))
        .bind(3, int64_t{page.limit + 1});
    return storage::ReadPage<Notification>(
        **stmt, page.limit, [](Statement& s) { return ReadRow(s); },
        [](const Notification& n) { return n.id; });
  });
}

Result<std::vector<UnreadGroup>> NotificationRepository::UnreadGroups(Id recipient) {
  return store_.read([&](Connection& c) -> Result<std::vector<UnreadGroup>> {
    auto stmt = c.prepare(
        "SELECT community_id, post_id IS NOT NULL, count(*) FROM notifications "
        "WHERE recipient_id = ? AND read_at IS NULL GROUP BY 1, 2");
    if (!stmt.ok()) return stmt.status();
    (*stmt)->bind(1, recipient);
    std::vector<UnreadGroup> out;
    for (;;) {
      auto row = (*stmt)->step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      out.push_back({(*stmt)->column_optional_int64(0), (*stmt)->column_int64(1) != 0,
                     (*stmt)->column_int64(2)});
    }
    return out;
  });
}

Status NotificationRepository::MarkRead(Id recipient, const std::vector<Id>& ids) {
  if (ids.empty()) return Status::Ok();
  UnixMillis now = clock_.now_ms();
  return store_.write([&](Connection& c) -> Status {
    return storage::ForEachBatch(ids, [&](const std::string& batch) {
      return storage::Run(
          c,
          "UPDATE notifications SET read_at = ?1 WHERE id IN (SELECT value FROM json_each(?2)) "
          "AND recipient_id = ?3 AND read_at IS NULL",
          now, batch, recipient);
    });
  });
}

Status NotificationRepository::MarkAllRead(Id recipient) {
  UnixMillis now = clock_.now_ms();
  return store_.write([&](Connection& c) -> Status {
    return storage::Run(
        c, "UPDATE notifications SET read_at = ?1 WHERE recipient_id = ?2 AND read_at IS NULL", now,
        recipient);
  });
}

Status NotificationRepository::MarkReadAboutDeal(Connection& c, Id recipient, Id deal_id,
                                                 NotificationType type) {
  return storage::Run(c,
                      "UPDATE notifications SET read_at = ?1 WHERE deal_id = ?2 AND "
                      "recipient_id = ?3 AND type = ?4 AND read_at IS NULL",
                      clock_.now_ms(), deal_id, recipient, TypeName(type));
}

Status NotificationRepository::RemoveAboutPost(Connection& c, Id post_id) {
  return storage::Run(c, "DELETE FROM notifications WHERE post_id = ?", post_id);
}

}  // namespace agora::notifications
